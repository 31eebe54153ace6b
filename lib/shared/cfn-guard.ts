import { CfnResource } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Acknowledges one cfn-guard rule (the AWS Control Tower proactive controls that
 * `@cdklabs/cdk-validator-cfnguard` bundles) on one resource, with the reason, in that resource's
 * template metadata:
 *
 * ```json
 * "Metadata": { "guard": { "SuppressedRules": ["lambda_inside_vpc_check"],
 *                          "Reasons": { "lambda_inside_vpc_check": "..." } } }
 * ```
 *
 * `SuppressedRules` is the convention of the AWS Guard rules registry. The Control Tower rules and
 * the validator do not read it themselves: the library's own test reads it, per resource. We do
 * not use `Validations.of(x).acknowledge()` for these rules: aws-cdk-lib 2.257 applies a
 * `plugin::rule` acknowledgement to every resource of the app, which would hide the same rule on
 * the user's own resources.
 */
export function acknowledgeGuardRule(scope: IConstruct, rule: string, reason: string): void {
  const resource = (CfnResource.isCfnResource(scope) ? scope : scope.node.defaultChild) as CfnResource | undefined;
  if (!resource || !CfnResource.isCfnResource(resource)) {
    throw new Error(`acknowledgeGuardRule: ${scope.node.path} is not a CloudFormation resource and has none as default child`);
  }
  const guard = (resource.getMetadata('guard') ?? {}) as { SuppressedRules?: string[]; Reasons?: Record<string, string> };
  resource.addMetadata('guard', {
    ...guard,
    SuppressedRules: [...new Set([...guard.SuppressedRules ?? [], rule])],
    Reasons: { ...guard.Reasons, [rule]: reason },
  });
}
