// First: refuses an aws-cdk-lib older than the peer dependency's floor, in one line (exports nothing).
export * from './shared/peer-floor';
// Logging: the bucket, the CloudWatch destination, the custom resource and the L3 over them.
export * from './logging/logging-options';
export * from './logging/log-bucket';
export * from './logging/cloudwatch-destination';
export * from './logging/logging-configuration';
export * from './logging/invocation-logging-interface';
export * from './logging/invocation-logging';
// The nOps grant.
export * from './nops/nops-integration';
// The ready stack: logging, the grant and replication in one deployable unit.
export * from './stack/stack-props';
export * from './stack/stack';
// Organization rollout.
export * from './organization/stackset-options';
export * from './organization/member-template';
export * from './organization/stackset';
// The organization's log archive.
export * from './archive/log-archive-options';
export * from './archive/log-archive';
export * from './archive/log-archive-stack';
// The tamper guard and its detection.
export * from './guard/tamper-guard-policy';
export * from './guard/tamper-guard';
export * from './guard/tamper-detection';
// FinOps analytics.
export * from './analytics/log-analytics';
// cdk-nag acknowledgements for the grant methods' statements in your own policies.
export * from './shared/nag-acknowledgements';
