import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { acknowledgeResourceWildcards } from './nag';

/**
 * cdk-nag acknowledgements for the statements the library's grant methods (`grantRead`,
 * `grantLegacyLogsRead`, `grantQuery`) put in your own policies. Their resources end in a wildcard
 * at a prefix boundary (Bedrock names log objects by date, hour and id), which AwsSolutions-IAM5
 * reports in your cdk-nag run; the library cannot acknowledge findings on principals it does not own.
 * Each acknowledgement names one finding (one wildcard resource), never the whole rule.
 */
export class BedrockNagAcknowledgements {
  /**
   * Acknowledges, on `grantee`'s principal (the role, user or group whose policy `grant` added its
   * statements to; for a Lambda function, its role), the AwsSolutions-IAM5 finding of each wildcard
   * resource of the grant, with `reason`. Returns the acknowledged finding ids. Throws if the grant
   * added no statement to a policy of the grantee (`grant.success` is false) or the principal is not
   * a construct of this app.
   */
  public static acknowledgeGrant(grant: iam.Grant, grantee: iam.IGrantable, reason: string): string[] {
    const principal = grantee.grantPrincipal;
    if (!grant.success || grant.principalStatements.length === 0 || !Construct.isConstruct(principal)) {
      throw new Error('BedrockNagAcknowledgements.acknowledgeGrant: the grant added no statement to a policy of a principal in this app (grant.success is false, or the principal is not a construct), so there is no finding to acknowledge');
    }
    return acknowledgeResourceWildcards(principal, grant.principalStatements, reason);
  }

  /**
   * Acknowledges, on `policy`, the AwsSolutions-IAM5 finding of each wildcard resource of
   * `statements`, with `reason`: for statements you attach yourself, for example
   * `readStatements()` in an `iam.ManagedPolicy` of your own. Returns the acknowledged finding ids.
   */
  public static acknowledgeStatements(policy: IConstruct, statements: iam.PolicyStatement[], reason: string): string[] {
    return acknowledgeResourceWildcards(policy, statements, reason);
  }

  private constructor() {}
}
