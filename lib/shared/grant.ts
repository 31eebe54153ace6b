import * as iam from 'aws-cdk-lib/aws-iam';

/** Adds `statements` to `grantee`'s policy, one grant each, combined into one `iam.Grant`. */
export function grantStatements(grantee: iam.IGrantable, statements: iam.PolicyStatement[]): iam.Grant {
  return statements
    .map((s) => iam.Grant.addToPrincipal({ grantee, actions: s.actions, resourceArns: s.resources, conditions: s.conditions }))
    .reduce((a, b) => a.combine(b));
}
