/** Reading AWS SDK v3 and Node.js errors without assuming their shape. */

interface ErrorLike {
  name?: string;
  Code?: string;
  code?: string;
  message?: string;
  cause?: unknown;
  $metadata?: { httpStatusCode?: number };
}

function like(e: unknown): ErrorLike {
  return typeof e === 'object' && e !== null ? e as ErrorLike : { message: String(e) };
}

/** The service error code (`NoSuchBucket`, `AccessDenied`, ...), or the error's name. */
export function errorName(e: unknown): string {
  const err = like(e);
  return err.Code ?? err.name ?? 'Error';
}

/** HTTP status of a service error, when there was a response. */
export function httpStatus(e: unknown): number | undefined {
  return like(e).$metadata?.httpStatusCode;
}

/** True when the error carries one of `names` as its code or name. */
export function isError(e: unknown, ...names: string[]): boolean {
  const err = like(e);
  return names.includes(err.name ?? '') || names.includes(err.Code ?? '');
}

/** True for a refusal: AccessDenied and relatives, or HTTP 403. */
export function isAccessDenied(e: unknown): boolean {
  return isError(e, 'AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'AuthorizationError', 'Forbidden')
    || httpStatus(e) === 403;
}

/** Node.js network error codes that mean the endpoint could not be reached. */
const NETWORK_CODES = ['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE'];

/** The network error code (`ENOTFOUND`, `ECONNREFUSED`, ...) when no response came back. */
export function networkCode(e: unknown): string | undefined {
  let current: unknown = e;
  for (let depth = 0; depth < 3 && current; depth++) {
    const code = like(current).code;
    if (code && NETWORK_CODES.includes(code)) {
      return code;
    }
    current = like(current).cause;
  }
  const message = like(e).message ?? '';
  return NETWORK_CODES.find((c) => message.includes(c));
}

/** `Name: message` on one line, at most 300 characters. */
export function errorLine(e: unknown): string {
  const name = errorName(e);
  const message = (like(e).message ?? '').split('\n')[0].trim();
  const line = message && message !== name ? `${name}: ${message}` : name;
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}
