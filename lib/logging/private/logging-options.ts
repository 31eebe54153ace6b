import { ModelInvocationLoggingOptions } from '../logging-options';

/** Every option of the base struct, so that a new one fails to compile until it is passed on too. */
const OPTION_KEYS = {
  textDataDeliveryEnabled: true,
  imageDataDeliveryEnabled: true,
  embeddingDataDeliveryEnabled: true,
  videoDataDeliveryEnabled: true,
  audioDataDeliveryEnabled: true,
  onDelete: true,
  failIfAlreadyConfigured: true,
  skipUnsupportedRegions: true,
  handlerRuntime: true,
} satisfies Record<keyof ModelInvocationLoggingOptions, true>;

/** The `ModelInvocationLoggingOptions` of wider props, to pass on to the construct that applies them. */
export function loggingOptionsOf(props: ModelInvocationLoggingOptions): ModelInvocationLoggingOptions {
  return Object.fromEntries(Object.keys(OPTION_KEYS).map((key) => [key, props[key as keyof ModelInvocationLoggingOptions]]));
}
