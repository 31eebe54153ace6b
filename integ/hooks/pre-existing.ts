/**
 * The "pre-existing" configuration integ.restore.ts sets outside the library before the stack under
 * test replaces it. Shared by the test and its postDestroy hook, which recognises it by these names.
 */
export const PRE_EXISTING_BUCKET_PREFIX = 'bil-integ-pre-existing-';
export const PRE_EXISTING_KEY_PREFIX = 'integ-restore/pre-existing';
/** Delivery flags of the pre-existing configuration: unlike the library's defaults, so that a restore is visible. */
export const PRE_EXISTING_FLAGS = {
  textDataDeliveryEnabled: true,
  imageDataDeliveryEnabled: false,
  embeddingDataDeliveryEnabled: false,
} as const;
