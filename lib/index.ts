export * from './invocation-logging';
export * from './log-bucket';
export * from './cloudwatch-destination';
export * from './logging-configuration';
export * from './nops-integration';
export * from './stack';
export * from './stackset';
export * from './log-analytics';
