import { App, BootstraplessSynthesizer, Stack, StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';

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

/**
 * `-c permissionsBoundaryArn`: every `AWS::IAM::Role` of every stack of the app gets the policy as
 * permissions boundary (the StackSet member template gets it through its `PermissionsBoundaryArn`
 * parameter instead: it is synthesized in an app of its own).
 */
export function applyPermissionsBoundary(app: App, arn: string): void {
  for (const stack of app.node.children.filter(Stack.isStack)) {
    iam.PermissionsBoundary.of(stack).apply(iam.ManagedPolicy.fromManagedPolicyArn(stack, 'PermissionsBoundary', arn));
  }
}
