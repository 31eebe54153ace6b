import { App, AppProps } from 'aws-cdk-lib';
import { ErrorCollector } from '../lib/shared/validation';
import { CONTEXT_KEYS, isCdkOwnKey, parseAlerts, parseArchiveRollout, parsePermissionsBoundaryArn, parseString, parseTamperGuard, ROLLOUT_KEYS } from './context';
import { addAnalyticsStack, addArchiveAnalyticsStack, ANALYTICS_STACK_NAME, ARCHIVE_ANALYTICS_STACK_NAME, parseAnalytics } from './stacks/analytics';
import { addArchiveStack, ARCHIVE_STACK_NAME } from './stacks/archive';
import { applyPermissionsBoundary } from './stacks/defaults';
import { addTamperDetection, addTamperGuardStack, TAMPER_DETECTION_STACK_NAME, TAMPER_GUARD_STACK_NAME } from './stacks/guard';
import { addMemberStack, parseMemberStackProps, STACK_NAME } from './stacks/member';
import { addStackSetStack, parseRolloutTargets, STACKSET_STACK_NAME } from './stacks/organization';

export {
  ANALYTICS_STACK_NAME, ARCHIVE_ANALYTICS_STACK_NAME, ARCHIVE_STACK_NAME, CONTEXT_KEYS, STACK_NAME, STACKSET_STACK_NAME, TAMPER_DETECTION_STACK_NAME,
  TAMPER_GUARD_STACK_NAME,
};

/**
 * Creates the app `cdk synth` and `cdk deploy` run: the member-account stack, with every input
 * defaulted, and the cdk-nag packs AwsSolutions, HIPAA Security, NIST 800-53 R5 and PCI DSS 3.2.1.
 * Each capability's stack is added by its module in bin/stacks/; this function reads the context
 * and decides which.
 *
 * With `-c rollout=stackset -c targetOuIds=ou-...,ou-... -c targetRegions=us-east-1,...` it also
 * synthesizes `BedrockInvocationLoggingStackSet` for the management account or a delegated
 * administrator (`-c callAs=DELEGATED_ADMIN`): a service-managed StackSet whose member template
 * takes keyPrefix, nopsRoleName and cloudWatchLogs as StackSet parameter values and kms and
 * textDataDeliveryEnabled as synth-time choices. cdk-nag checks the member template too.
 */
export function createApp(props: AppProps = {}): App {
  const app = new App(props);
  const errors = new ErrorCollector('context (cdk -c KEY=VALUE)');
  const context = app.node.getAllContext() as Record<string, unknown>;
  for (const key of Object.keys(context)) {
    if (!isCdkOwnKey(key) && !(CONTEXT_KEYS as readonly string[]).includes(key)) {
      errors.add(`unknown context key ${JSON.stringify(key)}: the app reads ${CONTEXT_KEYS.join(', ')}`);
    }
  }
  const stackProps = parseMemberStackProps(context, errors);
  const permissionsBoundaryArn = parsePermissionsBoundaryArn(context, errors);

  const rolloutErrorsBefore = errors.size;
  const rollout = parseString('rollout', context.rollout, errors);
  const guard = rollout === 'stackset' ? parseTamperGuard(context, errors) : undefined;
  const targets = rollout === 'stackset' ? parseRolloutTargets(context, errors) : undefined;
  const archiveStackProps = rollout === 'archive' ? parseArchiveRollout(context, errors) : undefined;
  if (rollout !== undefined && !(rollout in ROLLOUT_KEYS)) {
    errors.add(`context rollout=${JSON.stringify(rollout)} is not a rollout this app knows: use -c rollout=stackset for an organization-wide StackSet, -c rollout=archive for the organization's log archive, or leave rollout out for this account and Region only`);
  }
  for (const [name, keys] of Object.entries(ROLLOUT_KEYS)) {
    const stray = keys.filter((k) => context[k] !== undefined);
    if (rollout !== name && stray.length > 0) {
      errors.add(`context ${stray.join(', ')} ${stray.length > 1 ? 'are' : 'is'} only read with rollout=${name}: add -c rollout=${name}, or drop ${stray.length > 1 ? 'them' : 'it'}`);
    }
  }
  const rolloutValid = errors.size === rolloutErrorsBefore;
  const analytics = parseAnalytics(context, rollout, errors);

  const member = errors.collect(() => addMemberStack(app, stackProps));
  // With rollout=archive, the analytics stack reads the archive instead of this account's bucket.
  if (analytics && member && rollout !== 'archive') errors.collect(() => addAnalyticsStack(app, member, analytics));

  const alerts = parseAlerts(context, errors);
  if (alerts) errors.collect(() => addTamperDetection(app, alerts));

  if (targets && rolloutValid) errors.collect(() => addStackSetStack(app, stackProps, targets, { alertEventBusArn: alerts?.eventBusArn, permissionsBoundaryArn }));
  if (targets && rolloutValid && guard) errors.collect(() => addTamperGuardStack(app, targets.targetOuIds, guard));
  if (archiveStackProps && rolloutValid) {
    const archiveStack = errors.collect(() => addArchiveStack(app, {
      ...archiveStackProps,
      keyPrefix: stackProps.keyPrefix,
      createEncryptionKey: stackProps.createEncryptionKey,
      nopsRoleName: stackProps.nopsRoleName,
    }));
    if (analytics && archiveStack) errors.collect(() => addArchiveAnalyticsStack(app, archiveStack, analytics));
  }
  errors.throwIfAny();
  if (permissionsBoundaryArn) applyPermissionsBoundary(app, permissionsBoundaryArn);
  return app;
}
