// Tests only: the AWS SDK warns once per process that releases after January 2027 need Node.js 22.
// That is true (README, Versions) but noise in a passing run; users of verify still see it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

// Tests only: no construct creation stack traces (cloud-assembly metadata for `cdk --debug`; no
// template contains them). Under jest each one is mapped through the TypeScript source maps, which
// cost several seconds of CPU per run. The app reads this as CLI context; test/bin/cli.ts removes it, so
// that the real `cdk` runs keep the CLI's defaults.
process.env.CDK_CONTEXT_JSON = JSON.stringify({ 'aws:cdk:disable-creation-stack-traces': true, 'aws:cdk:disable-stack-trace': true });
