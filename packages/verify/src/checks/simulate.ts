/**
 * IAM's policy simulator, asked what a role's own policies allow, and the request context S3 sets
 * for the reads it is asked about.
 */
import { ContextEntry, SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import { RegionContext } from './common';

type Decision = 'allowed' | 'explicitDeny' | 'implicitDeny' | string;

interface Simulation {
  readonly decision: Decision;
  readonly matched: string[];
}

/**
 * Asks IAM's policy simulator about the role's own policies. No ResourcePolicy: IAM refuses one
 * for a role unless CallerArn names an IAM user, so verify reads the bucket policy itself
 * (src/bucket-access.ts).
 */
export async function simulate(ctx: RegionContext, roleArn: string, action: string, resource: string, context: ContextEntry[]): Promise<Simulation> {
  const result = await ctx.clients.iam.send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: roleArn, ActionNames: [action], ResourceArns: [resource], ContextEntries: context }));
  const evaluation = result.EvaluationResults?.find((r) => r.EvalActionName?.toLowerCase() === action.toLowerCase()) ?? result.EvaluationResults?.[0];
  return {
    decision: evaluation?.EvalDecision ?? 'unknown',
    matched: (evaluation?.MatchedStatements ?? []).map((m) => m.SourcePolicyId ?? '').filter(Boolean),
  };
}

export function describeSimulation(label: string, s: Simulation): string {
  return `${label}: ${s.decision}${s.matched.length ? ` (by ${s.matched.join(', ')})` : ''}`;
}

/** nOps reads over HTTPS. */
export const SECURE_TRANSPORT: ContextEntry = { ContextKeyName: 'aws:SecureTransport', ContextKeyType: 'boolean', ContextKeyValues: ['true'] };

/** The bucket's owner, as S3 sets `s3:ResourceAccount` (the log bucket is in the checked account). */
export function resourceAccount(ctx: RegionContext): ContextEntry {
  return { ContextKeyName: 's3:ResourceAccount', ContextKeyType: 'string', ContextKeyValues: [ctx.account] };
}

/** The `s3:prefix` of a ListBucket request. */
export function s3Prefix(value: string): ContextEntry {
  return { ContextKeyName: 's3:prefix', ContextKeyType: 'string', ContextKeyValues: [value] };
}
