/**
 * The fake's AWS Organizations answers about service control policies (JSON 1.1, as the API
 * reference shapes them): ListParents, ListPoliciesForTarget (SERVICE_CONTROL_POLICY, PAGE_SIZE a
 * page), DescribePolicy and DescribeOrganization, from the fake organization's tree, policies and
 * attachments. fake-aws.ts routes to it and checks who may ask.
 */
import type { FakeOrganization } from './fake-aws';

/** An SCP of the fake organization. */
export interface FakePolicy {
  readonly name: string;
  /** The policy document. */
  readonly content: unknown;
  /** AWS's own (FullAWSAccess). @default false */
  readonly awsManaged?: boolean;
}

/** What the operation answers: its output, or an error (HTTP status, `__type`, message). */
export type PolicyAnswer = { readonly output: unknown } | { readonly error: [number, string, string] };

export const POLICY_OPERATIONS = ['ListParents', 'ListPoliciesForTarget', 'DescribePolicy', 'DescribeOrganization'];

/** Answers one of POLICY_OPERATIONS with `input`, `pageSize` items a page. */
export function answerPolicyOperation(org: FakeOrganization, operation: string, input: Record<string, string | undefined>, pageSize: number): PolicyAnswer {
  const management = org.management ?? org.admins[0];
  const summary = (id: string) => {
    const p = org.policies?.[id];
    return {
      Id: id, Arn: `arn:aws:organizations::${management}:policy/o-fake/service_control_policy/${id}`, Name: p?.name ?? id,
      Description: '', Type: 'SERVICE_CONTROL_POLICY', AwsManaged: p?.awsManaged === true,
    };
  };
  if (operation === 'DescribeOrganization') {
    return {
      output: {
        Organization: {
          Id: 'o-fake', Arn: `arn:aws:organizations::${management}:organization/o-fake`, FeatureSet: 'ALL',
          MasterAccountId: management, MasterAccountArn: `arn:aws:organizations::${management}:account/o-fake/${management}`, MasterAccountEmail: `${management}@example.com`,
        },
      },
    };
  }
  if (operation === 'ListParents') {
    const child = input.ChildId ?? '';
    const parent = Object.entries(org.parents).find(([, p]) => p.children.includes(child) || p.accounts.some((a) => a.id === child))?.[0];
    if (!parent) {
      return { error: [400, 'ChildNotFoundException', 'We can\'t find an organizational unit (OU) or AWS account with the ChildId that you specified.'] };
    }
    return { output: { Parents: [{ Id: parent, Type: parent.startsWith('r-') ? 'ROOT' : 'ORGANIZATIONAL_UNIT' }] } };
  }
  if (operation === 'ListPoliciesForTarget') {
    const target = input.TargetId ?? '';
    const known = target in org.parents || Object.values(org.parents).some((p) => p.accounts.some((a) => a.id === target));
    if (!known) {
      return { error: [400, 'TargetNotFoundException', 'We can\'t find a root, OU, account, or policy with the TargetId that you specified.'] };
    }
    if (input.Filter !== 'SERVICE_CONTROL_POLICY') {
      return { error: [400, 'InvalidInputException', `read-only fake: Filter ${input.Filter}`] };
    }
    const ids = org.attachments?.[target] ?? [];
    const start = Number(input.NextToken ?? '0');
    const next = start + pageSize < ids.length ? { NextToken: String(start + pageSize) } : {};
    return { output: { Policies: ids.slice(start, start + pageSize).map(summary), ...next } };
  }
  if (operation === 'DescribePolicy') {
    const policy = org.policies?.[input.PolicyId ?? ''];
    if (!policy) {
      return { error: [400, 'PolicyNotFoundException', 'We can\'t find a policy with the PolicyId that you specified.'] };
    }
    return { output: { Policy: { PolicySummary: summary(input.PolicyId!), Content: JSON.stringify(policy.content) } } };
  }
  return { error: [400, 'InvalidInputException', `read-only fake: ${operation}`] };
}
