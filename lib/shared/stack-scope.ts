import { Fn, Stack } from 'aws-cdk-lib';
import { SourceScope } from './facts';

/**
 * 8 characters unique to the stack and stable across its updates: the first group of the UUID in
 * `AWS::StackId`. Names made with it never collide with what a deleted stack retained.
 */
export function stackIdSuffix(stack: Stack): string {
  return Fn.select(0, Fn.split('-', Fn.select(2, Fn.split('/', stack.stackId))));
}

/** The stack's partition, account and Region (tokens unless the stack's environment is known). */
export function sourceScope(stack: Stack): SourceScope {
  return { partition: stack.partition, account: stack.account, region: stack.region };
}
