import { BootstraplessSynthesizer, StackProps } from 'aws-cdk-lib';

/**
 * What every stack of the app shares: no bootstrap and no assets (the same template deploys with
 * `cdk deploy`, a StackSet or the console), and no `CDKMetadata` resource (the CLI adds one by
 * default: a Region-list condition and the library versions, about 3 KB of YAML, in templates that
 * must stay under the 51,200 bytes `cdk deploy` sends inline without a bootstrap bucket; the member
 * stack with every option and an archive would not). The StackSet member template has none either.
 */
export function appStackProps(): Pick<StackProps, 'synthesizer' | 'analyticsReporting'> {
  return { synthesizer: new BootstraplessSynthesizer(), analyticsReporting: false };
}
