import { App } from 'aws-cdk-lib';
import { BedrockLogArchiveStack, BedrockLogArchiveStackProps } from '../../lib';
import { appStackProps } from './defaults';

/** Name of the log-archive account's stack that `rollout=archive` adds. */
export const ARCHIVE_STACK_NAME = 'BedrockInvocationLogArchive';

/** The stack `rollout=archive` adds: the organization's archive, in the log-archive account. */
export function addArchiveStack(app: App, props: Omit<BedrockLogArchiveStackProps, 'synthesizer'>): BedrockLogArchiveStack {
  return new BedrockLogArchiveStack(app, ARCHIVE_STACK_NAME, { ...props, ...appStackProps() });
}
