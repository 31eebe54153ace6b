/**
 * The app's context keys (`cdk -c KEY=VALUE`): parsing and checking them, every problem reported as
 * one line naming the key, the value and the fix. bin/create-app.ts turns the values into stacks.
 */
/** Context keys the app reads; anything else a user passes is a typo and an error. */
import { EVENT_BUS_ARN_PATTERN } from '../lib/guard/facts';
import { MANAGED_POLICY_ARN_PATTERN, ORGANIZATION_ID_PATTERN } from '../lib/shared/facts';
import { ErrorCollector } from '../lib/shared/validation';
import { ArchiveObjectLockMode, BedrockLogArchiveStackProps, BedrockTamperGuardPolicy } from '../lib';

export const CONTEXT_KEYS = ['keyPrefix', 'nopsRoleName', 'nopsGrantRegion', 'cloudWatchLogs', 'kms', 'textDataDeliveryEnabled',
  'archiveBucket', 'archiveAccount', 'archiveKmsKeyArn',
  'rollout', 'targetOuIds', 'targetRegions', 'callAs', 'tamperGuard', 'breakGlassRoleArn', 'executionRoleArns',
  'organizationId', 'archiveObjectLockDays', 'archiveObjectLockMode', 'archiveTransitionDays', 'archiveVersioningCheck',
  'analytics', 'analyticsRequestMetadataKeys', 'analyticsAccounts', 'analyticsRegions', 'alertTopic', 'alertEventBusArn',
  'permissionsBoundaryArn'] as const;

/** Context keys that only one rollout reads. */
export const ROLLOUT_KEYS: Record<string, readonly string[]> = {
  stackset: ['targetOuIds', 'targetRegions', 'callAs', 'tamperGuard', 'breakGlassRoleArn', 'executionRoleArns'],
  archive: ['organizationId', 'archiveObjectLockDays', 'archiveObjectLockMode', 'archiveTransitionDays', 'archiveVersioningCheck'],
};

/** Keys the CDK CLI and aws-cdk-lib set themselves. */
export function isCdkOwnKey(key: string): boolean {
  return key.startsWith('@') || key.includes(':') || key === 'acknowledged-issue-numbers' || key === 'cli-telemetry';
}

export function parseBoolean(key: string, value: unknown, errors: ErrorCollector): boolean | undefined {
  if (value === undefined) return undefined;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  errors.add(`context ${key}=${JSON.stringify(value)} is not a boolean: use -c ${key}=true or -c ${key}=false`);
  return undefined;
}

export function parseString(key: string, value: unknown, errors: ErrorCollector): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    errors.add(`context ${key}=${JSON.stringify(value)} is not a string: use -c ${key}=VALUE`);
    return undefined;
  }
  return value;
}

/** A comma-separated list; every item must match `pattern`. */
export function parseList(key: string, value: unknown, pattern: string, example: string, errors: ErrorCollector): string[] | undefined {
  const text = parseString(key, value, errors);
  if (text === undefined) return undefined;
  const items = text.split(',').map((item) => item.trim());
  if (items.every((item) => item === '')) {
    errors.add(`context ${key}=${JSON.stringify(value)} is empty: use -c ${key}=${example}`);
    return undefined;
  }
  const re = new RegExp(pattern);
  const seen = new Set<string>();
  for (const item of items) {
    if (item === '') {
      errors.add(`context ${key}=${JSON.stringify(value)} has an empty item: separate values with single commas, for example -c ${key}=${example}`);
    } else if (!re.test(item)) {
      errors.add(`context ${key} item ${JSON.stringify(item)} is not valid: expected a value like ${example.split(',')[0]} (full example: -c ${key}=${example})`);
    } else if (seen.has(item)) {
      errors.add(`context ${key} lists ${JSON.stringify(item)} twice: list each once`);
    }
    seen.add(item);
  }
  return items;
}

/** Runs `parse`; returns its value only if it reported no problem. */
export function valid<T>(errors: ErrorCollector, parse: () => T): T | undefined {
  const before = errors.size;
  const value = parse();
  return errors.size === before ? value : undefined;
}

/** `-c rollout=archive`: the organization id (required) and the archive's options, each checked in context terms. */
export function parseArchiveRollout(context: Record<string, unknown>, errors: ErrorCollector): Omit<BedrockLogArchiveStackProps, 'synthesizer'> | undefined {
  const before = errors.size;
  const organizationId = parseString('organizationId', context.organizationId, errors);
  if (organizationId === undefined) {
    if (context.organizationId === undefined) {
      errors.add('context organizationId is missing: rollout=archive admits only the library\'s roles of your organization, for example -c organizationId=o-a1b2c3d4e5 (aws organizations describe-organization)');
    }
  } else if (!new RegExp(ORGANIZATION_ID_PATTERN).test(organizationId)) {
    errors.add(`context organizationId=${JSON.stringify(organizationId)} is not an organization id: use "o-" and 10 to 32 lowercase letters or digits, for example -c organizationId=o-a1b2c3d4e5`);
  }
  const lockDays = parseInteger('archiveObjectLockDays', context.archiveObjectLockDays, 1, 36_500, errors);
  const lockModeText = parseString('archiveObjectLockMode', context.archiveObjectLockMode, errors);
  let objectLockMode: ArchiveObjectLockMode | undefined;
  if (lockModeText !== undefined) {
    if ((Object.values(ArchiveObjectLockMode) as string[]).includes(lockModeText)) objectLockMode = lockModeText as ArchiveObjectLockMode;
    else errors.add(`context archiveObjectLockMode=${JSON.stringify(lockModeText)} is not a mode: use -c archiveObjectLockMode=GOVERNANCE or -c archiveObjectLockMode=COMPLIANCE`);
  }
  if (context.archiveObjectLockDays !== undefined && context.archiveObjectLockMode === undefined) {
    errors.add(`context archiveObjectLockDays=${JSON.stringify(context.archiveObjectLockDays)} needs archiveObjectLockMode: add -c archiveObjectLockMode=GOVERNANCE (a role with s3:BypassGovernanceRetention may remove the lock) or -c archiveObjectLockMode=COMPLIANCE (no one can)`);
  }
  if (context.archiveObjectLockMode !== undefined && context.archiveObjectLockDays === undefined) {
    errors.add(`context archiveObjectLockMode=${JSON.stringify(context.archiveObjectLockMode)} needs archiveObjectLockDays: add the retention in days, for example -c archiveObjectLockDays=365`);
  }
  const transitionAfterDays = parseInteger('archiveTransitionDays', context.archiveTransitionDays, 1, undefined, errors);
  const allowVersioningCheck = parseBoolean('archiveVersioningCheck', context.archiveVersioningCheck, errors);
  if (errors.size > before) return undefined;
  return { organizationId: organizationId!, objectLockDays: lockDays, objectLockMode, transitionAfterDays, allowVersioningCheck };
}

/** A whole number from `min` (to `max`), given as digits. */
export function parseInteger(key: string, value: unknown, min: number, max: number | undefined, errors: ErrorCollector): number | undefined {
  if (value === undefined) return undefined;
  const text = typeof value === 'number' ? String(value) : value;
  const n = typeof text === 'string' && /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(n) || n < min || (max !== undefined && n > max)) {
    errors.add(`context ${key}=${JSON.stringify(value)} is not a whole number ${max === undefined ? `of at least ${min}` : `from ${min} to ${max}`}: use for example -c ${key}=${Math.max(min, 365)}`);
    return undefined;
  }
  return n;
}

/**
 * `tamperGuard`, `breakGlassRoleArn` and `executionRoleArns` (comma-separated; rollout=stackset only):
 * undefined unless the guard is on.
 */
export function parseTamperGuard(context: Record<string, unknown>, errors: ErrorCollector): TamperGuardContext | undefined {
  const on = parseBoolean('tamperGuard', context.tamperGuard, errors);
  const breakGlassRoleArn = parseString('breakGlassRoleArn', context.breakGlassRoleArn, errors);
  const executionRoleArnsText = parseString('executionRoleArns', context.executionRoleArns, errors);
  const given = (['breakGlassRoleArn', 'executionRoleArns'] as const).filter((k) => context[k] !== undefined);
  if (!on) {
    if (given.length > 0 && (context.tamperGuard === undefined || on === false)) {
      errors.add(`context ${given.join(', ')} ${given.length > 1 ? 'are' : 'is'} only read with tamperGuard=true: add -c tamperGuard=true, or drop ${given.length > 1 ? 'them' : 'it'}`);
    }
    return undefined;
  }
  if (breakGlassRoleArn !== undefined) {
    BedrockTamperGuardPolicy.breakGlassRoleArnProblems(breakGlassRoleArn, 'context breakGlassRoleArn').forEach((p) => errors.add(p));
  }
  let executionRoleArns: string[] | undefined;
  if (executionRoleArnsText !== undefined) {
    executionRoleArns = executionRoleArnsText.split(',').map((item) => item.trim());
    if (executionRoleArns.some((item) => item === '')) {
      errors.add(`context executionRoleArns=${JSON.stringify(executionRoleArnsText)} has an empty item: separate ARN patterns with single commas, for example -c executionRoleArns=arn:*:iam::*:role/AWSControlTowerExecution,arn:*:iam::*:role/AWSCloudFormationStackSetExecutionRole`);
    } else {
      BedrockTamperGuardPolicy.executionRoleArnsProblems(executionRoleArns, 'context executionRoleArns').forEach((p) => errors.add(p));
    }
  }
  return { breakGlassRoleArn, executionRoleArns };
}

/** `alertTopic` or `alertEventBusArn`: undefined unless detection is on. */
export function parseAlerts(context: Record<string, unknown>, errors: ErrorCollector): AlertContext | undefined {
  const topic = parseBoolean('alertTopic', context.alertTopic, errors);
  const eventBusArn = parseString('alertEventBusArn', context.alertEventBusArn, errors);
  if (eventBusArn === undefined) return topic ? {} : undefined;
  if (topic) {
    errors.add('context alertTopic=true and alertEventBusArn are both given: alerts go to a topic in the account or to the event bus; drop one');
  } else if (!new RegExp(EVENT_BUS_ARN_PATTERN).test(eventBusArn)) {
    errors.add(`context alertEventBusArn=${JSON.stringify(eventBusArn)} is not an event bus ARN: use -c alertEventBusArn=arn:aws:events:us-east-1:123456789012:event-bus/NAME`);
  } else {
    return { eventBusArn };
  }
  return undefined;
}

/** `permissionsBoundaryArn`: the managed policy every IAM role of every stack gets as permissions boundary. */
export function parsePermissionsBoundaryArn(context: Record<string, unknown>, errors: ErrorCollector): string | undefined {
  const arn = parseString('permissionsBoundaryArn', context.permissionsBoundaryArn, errors);
  if (arn === undefined || new RegExp(MANAGED_POLICY_ARN_PATTERN).test(arn)) return arn;
  errors.add(`context permissionsBoundaryArn=${JSON.stringify(arn)} is not a managed policy ARN: use -c permissionsBoundaryArn=arn:aws:iam::123456789012:policy/NAME`);
  return undefined;
}

export interface TamperGuardContext { readonly breakGlassRoleArn?: string; readonly executionRoleArns?: string[] }

export interface AlertContext { readonly eventBusArn?: string }
