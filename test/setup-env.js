// Tests only: the AWS SDK warns once per process that releases after January 2027 need Node.js 22.
// That is true (README, Versions) but noise in a passing run; users of verify still see it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
