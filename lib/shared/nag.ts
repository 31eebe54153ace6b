import { Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';

/**
 * Flattens a resolved CloudFormation value the way cdk-nag names findings
 * (`<Logical.Arn>/prefix/*`), so that one acknowledgement names one exact resource.
 */
export function flattenReference(node: unknown): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
  const o = node as Record<string, any>;
  if (o['Fn::Join']) return (o['Fn::Join'][1] as unknown[]).map(flattenReference).join(o['Fn::Join'][0]);
  if (o['Fn::Sub']) return flattenReference(o['Fn::Sub']);
  if (o['Fn::GetAtt']) return `<${flattenReference(o['Fn::GetAtt'][0])}.${flattenReference(o['Fn::GetAtt'][1])}>`;
  if (o['Fn::ImportValue']) return flattenReference(o['Fn::ImportValue']);
  if (o.Ref) return `<${flattenReference(o.Ref)}>`;
  return JSON.stringify(node);
}

/** The cdk-nag packs whose rule ids are `PACK-Rule`. */
export const HIPAA = 'HIPAA.Security';
export const NIST = 'NIST.800.53.R5';
export const PCI = 'PCI.DSS.321';
/** The three compliance packs, which share most rule names. */
export const COMPLIANCE_PACKS = [HIPAA, NIST, PCI];

/** Acknowledges one rule of each given pack on `scope`, with one reason. */
export function acknowledgeNagRule(scope: IConstruct, packs: string[], rule: string, reason: string): void {
  Validations.of(scope).acknowledge(...packs.map((pack) => ({ id: `${pack}-${rule}`, reason })));
}

/**
 * Acknowledges AwsSolutions-IAM5 for each wildcard resource of `statements` on `policy`, one
 * finding at a time (never the whole rule), with `reason`.
 *
 * The id is the finding as cdk-nag names it, computed from the resolved template value
 * (`<Logical.Arn>/prefix/*`, or for an imported bucket `arn:<AWS::Partition>:s3:::name/prefix/*`),
 * never from an unresolved token string. Returns the acknowledged ids.
 */
export function acknowledgeResourceWildcards(policy: IConstruct, statements: iam.PolicyStatement[], reason: string): string[] {
  const stack = Stack.of(policy);
  const findings = new Set<string>();
  for (const statement of statements) {
    for (const resource of statement.resources) {
      const flat = flattenReference(stack.resolve(resource));
      if (flat.includes('*')) findings.add(`AwsSolutions-IAM5[Resource::${flat}]`);
    }
  }
  for (const id of findings) acknowledgeFinding(policy, id, reason);
  return [...findings];
}

/**
 * `Validations.of(scope).acknowledge({ id, reason })`, also for a finding whose resource is an ARN:
 * aws-cdk-lib 2.257 refuses an id with more than one `::` (it reserves `::` for `plugin::rule`),
 * and `arn:...:s3:::bucket` has two. Such an id is recorded in the same construct metadata that
 * `acknowledge` writes and cdk-nag 3 reads, so the same single finding is acknowledged.
 */
export function acknowledgeFinding(scope: IConstruct, id: string, reason: string): void {
  if (id.split('::').length <= 2) {
    Validations.of(scope).acknowledge({ id, reason });
  } else {
    scope.node.addMetadata(Validations.ACKNOWLEDGED_RULES_METADATA_KEY, { [id]: reason });
  }
}
