import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * A statement as JSON a bucket or key owner can paste: intrinsics are flattened, the partition is
 * `aws` (its domain `amazonaws.com`), and what is not known at synth shows as `${AWS::AccountId}`,
 * `${AWS::Region}` or `${Logical.Attr}`.
 */
export function plainJson(stack: Stack, statement: iam.PolicyStatement): string {
  const flat = (node: any): any => {
    if (Array.isArray(node)) return node.map(flat);
    if (node === null || typeof node !== 'object') return node;
    if (node['Fn::Join']) return (node['Fn::Join'][1] as any[]).map(flat).join(node['Fn::Join'][0]);
    if (node.Ref) return node.Ref === 'AWS::Partition' ? 'aws' : node.Ref === 'AWS::URLSuffix' ? 'amazonaws.com' : `\${${node.Ref}}`;
    if (node['Fn::GetAtt']) return `\${${node['Fn::GetAtt'].join('.')}}`;
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, flat(v)]));
  };
  return JSON.stringify(flat(stack.resolve(statement.toStatementJson())));
}
