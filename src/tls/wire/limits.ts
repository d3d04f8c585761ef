/**
 * Named limits of the codec. A probe buffers at most MAX_FLIGHT_BYTES of a server's answer, which is enough for a
 * ServerHello, a certificate chain, a ServerKeyExchange and a stapled OCSP response, and never more.
 */
export const LIMITS = {
  /** RFC 5246 §6.2.3: TLSCiphertext.length must not exceed 2^14 + 2048. */
  MAX_RECORD_LENGTH: 2 ** 14 + 2048,
  /** The whole server flight we are willing to buffer (ServerHello … ServerHelloDone). */
  MAX_FLIGHT_BYTES: 64 * 1024,
  /** One handshake message (a certificate chain is the largest we read). */
  MAX_HANDSHAKE_MESSAGE: 64 * 1024,
  /** Certificates in one chain. */
  MAX_CHAIN_LENGTH: 16,
  /** Warning-level alerts tolerated before the first ServerHello (some servers warn unrecognized_name, RFC 6066 §3). */
  MAX_WARNING_ALERTS: 4,
  /** SSLv2 record payload (SSLv2 two-byte header: 15-bit length). */
  MAX_SSLV2_RECORD: 2 ** 15 - 1,
} as const;
