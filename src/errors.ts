/**
 * One error type for everything that can fail on outside input. The `code` is stable and machine-readable so that a
 * scan of a thousand targets reports each failure by code, never as a stack trace (the undici model).
 */

/** Every code the library may raise. Codes are never reused for a different meaning. */
export const ERROR_CODES = {
  // bytes and codecs
  MG_ERR_TRUNCATED: 'input ended before a declared length was satisfied',
  MG_ERR_MALFORMED: 'input does not follow the expected structure',
  MG_ERR_TOO_LARGE: 'a declared or actual size exceeds a named limit',
  MG_ERR_UNSUPPORTED: 'a feature or value is recognised but not supported',
  // network
  MG_ERR_TIMEOUT: 'the peer did not answer within the time limit',
  MG_ERR_CONNECT: 'the connection could not be opened',
  MG_ERR_CONNECTION_RESET: 'the peer reset or closed the connection unexpectedly',
  MG_ERR_DNS: 'a name could not be resolved',
  MG_ERR_TLS_ALERT: 'the peer answered with a TLS alert',
  MG_ERR_HANDSHAKE: 'the TLS handshake could not be completed',
  MG_ERR_PROTOCOL: 'the peer spoke an unexpected protocol',
  MG_ERR_STARTTLS: 'the STARTTLS upgrade was refused or failed',
  MG_ERR_ABORTED: 'the operation was cancelled',
  // certificates
  MG_ERR_X509_PARSE: 'a certificate or CRL could not be parsed',
  MG_ERR_X509_INVALID: 'a certificate chain is not valid',
  MG_ERR_PEM: 'PEM input is malformed or holds no expected block',
  // DNS
  MG_ERR_DNS_PACKET: 'a DNS message is malformed',
  MG_ERR_DNSSEC: 'DNSSEC validation failed',
  // configuration and usage
  MG_ERR_USAGE: 'the command line or arguments are invalid',
  MG_ERR_CONFIG: 'a configuration, policy or inventory file is invalid',
  MG_ERR_TARGET: 'a target could not be parsed',
  MG_ERR_IO: 'a local file or process operation failed',
  MG_ERR_PASSPHRASE: 'an encrypted private key could not be decrypted with the given passphrase',
  MG_ERR_FORBIDDEN: 'a request was refused by policy (names, identities or token not allowed)',
  MG_ERR_INTERNAL: 'an internal invariant was broken',
} as const;

export type MitmErrorCode = keyof typeof ERROR_CODES;

export interface MitmErrorOptions {
  cause?: unknown;
  /** Plain data that helps a person or program act on the error (offsets, limits, names). Never secrets. */
  details?: Record<string, unknown>;
}

export class MitmError extends Error {
  override name = 'MitmError';
  readonly code: MitmErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: MitmErrorCode, message: string, options: MitmErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details;
  }

  toJSON(): { code: MitmErrorCode; message: string; details?: Record<string, unknown> } {
    return this.details ? { code: this.code, message: this.message, details: this.details } : { code: this.code, message: this.message };
  }
}

export function isMitmError(value: unknown, code?: MitmErrorCode): value is MitmError {
  return value instanceof MitmError && (code === undefined || value.code === code);
}

/** Node socket/system error codes mapped onto ours, so probes record one vocabulary. */
const SYSTEM_CODE_MAP: Record<string, MitmErrorCode> = {
  ECONNREFUSED: 'MG_ERR_CONNECT',
  EHOSTUNREACH: 'MG_ERR_CONNECT',
  ENETUNREACH: 'MG_ERR_CONNECT',
  EADDRNOTAVAIL: 'MG_ERR_CONNECT',
  ECONNRESET: 'MG_ERR_CONNECTION_RESET',
  EPIPE: 'MG_ERR_CONNECTION_RESET',
  ETIMEDOUT: 'MG_ERR_TIMEOUT',
  ENOTFOUND: 'MG_ERR_DNS',
  EAI_AGAIN: 'MG_ERR_DNS',
  ENOENT: 'MG_ERR_IO',
  EACCES: 'MG_ERR_IO',
  ABORT_ERR: 'MG_ERR_ABORTED',
};

/** OpenSSL's codes for an alert the peer sent (`ERR_SSL_TLSV1_ALERT_UNKNOWN_CA`, `ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE`…). */
const TLS_ALERT_CODE = /^ERR_SSL_(SSLV3|TLSV1|TLSV13)_ALERT_/;

/** Wrap anything thrown into a MitmError, keeping the original as `cause`. */
export function toMitmError(err: unknown, fallback: MitmErrorCode = 'MG_ERR_INTERNAL'): MitmError {
  if (err instanceof MitmError) return err;
  const sys = (err as { code?: unknown } | null)?.code;
  const code = typeof sys !== 'string' ? fallback : (SYSTEM_CODE_MAP[sys] ?? (TLS_ALERT_CODE.test(sys) ? 'MG_ERR_TLS_ALERT' : fallback));
  const message = err instanceof Error ? err.message : String(err);
  return new MitmError(code, message, { cause: err });
}
