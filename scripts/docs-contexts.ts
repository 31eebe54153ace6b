/**
 * The app contexts the documentation's figures and samples are measured with (`npm run bench:synth`,
 * `npm run docs:samples`), stated once: each is a set of `-c KEY=VALUE` options of the app.
 */
export const ALL = { keyPrefix: 'finops/bedrock', nopsRoleName: 'Nops-Integration-abc123', cloudWatchLogs: 'true', kms: 'true', textDataDeliveryEnabled: 'false' };
export const ANALYTICS = { ...ALL, analytics: 'true', analyticsRequestMetadataKeys: 'team,cost-center' };
export const ROLLOUT = { rollout: 'stackset', targetOuIds: 'ou-ab12-cdef3456', targetRegions: 'us-east-1,eu-west-1' };
export const ARCHIVE_VALUES = {
  archiveBucket: 'bedrock-invocation-logs-archive-222233334444-abcd1234', archiveAccount: '222233334444',
  archiveKmsKeyArn: 'arn:aws:kms:eu-west-1:222233334444:key/1234abcd-12ab-34cd-56ef-1234567890ab',
};
export const ROLLOUT_KMS_ARCHIVE = { ...ROLLOUT, kms: 'true', ...ARCHIVE_VALUES };
export const ALL_ARCHIVE = { ...ALL, ...ARCHIVE_VALUES };
export const ARCHIVE = { rollout: 'archive', organizationId: 'o-a1b2c3d4e5' };
export const ARCHIVE_ALL = {
  ...ARCHIVE, keyPrefix: 'finops/bedrock', kms: 'true', nopsRoleName: 'Nops-Integration-abc123',
  archiveObjectLockDays: '365', archiveObjectLockMode: 'GOVERNANCE', archiveTransitionDays: '90',
};
