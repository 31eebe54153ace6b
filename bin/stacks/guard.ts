import { App, BootstraplessSynthesizer, CfnOutput, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import { BedrockTamperDetection, BedrockTamperGuard } from '../../lib';
import { AlertContext, TamperGuardContext } from '../context';
import { appStackProps } from './defaults';

/**
 * Name of the stack `alertTopic=true` or `alertEventBusArn` adds beside the member stack: the tamper
 * detection rule and its topic (or event bus role). A stack of its own for the same reason as
 * analytics: with every option the member stack is close to the 51,200 bytes `cdk deploy` sends
 * without a bootstrap bucket, and the rule refers to nothing in it (it matches buckets by name).
 */
export const TAMPER_DETECTION_STACK_NAME = 'BedrockInvocationLoggingTamperDetection';

/**
 * Name of the stack `rollout=stackset` with `tamperGuard=true` adds beside the administrator's stack:
 * the tamper-guard SCP attached to the same OUs. A stack of its own because the administrator's
 * stack, which embeds the member template, is close to the 51,200 bytes `cdk deploy` sends inline.
 */
export const TAMPER_GUARD_STACK_NAME = 'BedrockInvocationLoggingTamperGuard';

/** The detection stack: the rule, and the topic (or the central bus) it delivers to. */
export function addTamperDetection(app: App, alerts: AlertContext): void {
  const stack = new Stack(app, TAMPER_DETECTION_STACK_NAME, {
    synthesizer: new BootstraplessSynthesizer(),
    description: 'Alerts on attempts to turn off or redirect Amazon Bedrock model invocation logging or weaken its buckets (cdk-bedrock-invocation-logging)',
  });
  const eventBus = alerts.eventBusArn ? events.EventBus.fromEventBusArn(stack, 'AlertEventBus', alerts.eventBusArn) : undefined;
  const detection = new BedrockTamperDetection(stack, 'TamperDetection', { eventBus });
  if (detection.topic) {
    new CfnOutput(stack, 'TamperAlertTopicArn', { description: 'Subscribe to receive attempts to turn off or weaken Bedrock invocation logging', value: detection.topic.topicArn });
  }
}

/** The stack `tamperGuard=true` adds: the SCP, attached to the StackSet's target OUs. */
export function addTamperGuardStack(app: App, targetOuIds: string[], guard: TamperGuardContext): void {
  const stack = new Stack(app, TAMPER_GUARD_STACK_NAME, {
    ...appStackProps(),
    description: 'Tamper-guard service control policy for Amazon Bedrock model invocation logging, attached to the StackSet\'s target OUs (cdk-bedrock-invocation-logging)',
  });
  const tamperGuard = new BedrockTamperGuard(stack, 'TamperGuard', {
    targetIds: targetOuIds,
    breakGlassRoleArn: guard.breakGlassRoleArn,
    executionRoleArns: guard.executionRoleArns,
  });
  new CfnOutput(stack, 'TamperGuardPolicyId', {
    description: 'Service control policy attached to the target OUs: see docs/tamper-guard.md before deploying in a guarded account',
    value: tamperGuard.policy.attrId,
  });
}
