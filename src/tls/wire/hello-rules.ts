/**
 * What a client must check in the server's answer to its ClientHello, and the one retry a HelloRetryRequest allows.
 * Pure: the offer (the ClientHelloOptions we encoded) and the parsed ServerHello in, a verdict or a MitmError out.
 * A hostile server's bogus answer is refused here, at once, with the code of the alert a real client would send
 * (illegal_parameter → MG_ERR_PROTOCOL, decode_error → MG_ERR_MALFORMED), instead of being waited on.
 */
import { MitmError } from '../../errors.js';
import type { ClientHelloOptions } from './client-hello.js';
import { EXTENSION_TYPE, VERSIONS } from './registry.js';
import { downgradeSentinel, type DowngradeSentinel, type ServerHello } from './server-hello.js';
import { TLS_EMPTY_RENEGOTIATION_INFO_SCSV, TLS_FALLBACK_SCSV } from './suites.js';

const hex = (n: number) => `0x${n.toString(16).padStart(4, '0')}`;
const SIGNALLING = new Set([TLS_EMPTY_RENEGOTIATION_INFO_SCSV, TLS_FALLBACK_SCSV]);

/** The highest version an offer names (supported_versions when present, RFC 8446 §4.2.1; else legacy_version). */
export function offeredMaxVersion(offer: ClientHelloOptions): number {
  return offer.supportedVersions?.length ? Math.max(...offer.supportedVersions) : offer.version;
}

const illegal = (why: string, details: Record<string, unknown> = {}) =>
  new MitmError('MG_ERR_PROTOCOL', `illegal_parameter: ${why}`, { details: { alert: 'illegal_parameter', ...details } });

/**
 * Refuse a ServerHello (or HelloRetryRequest) that no honest server can send in answer to `offer`: a version above the
 * offer or outside supported_versions, a suite or compression method not offered, a TLS 1.3 session id that is not
 * ours echoed, a key share for a group we sent no share for. Throws MG_ERR_PROTOCOL (illegal_parameter).
 */
export function checkServerHello(offer: ClientHelloOptions, hello: ServerHello): void {
  // RFC 5246 §7.4.1.3: server_version is the lower of the client's and the server's highest; never above ours.
  if (hello.legacyVersion >> 8 !== 3 || hello.legacyVersion > offer.version) {
    throw illegal(`server_version ${hex(hello.legacyVersion)} was not offered (ClientHello version ${hex(offer.version)})`, { serverVersion: hello.legacyVersion });
  }
  const sv = hello.extensions.has(EXTENSION_TYPE.supportedVersions);
  if (sv) {
    // RFC 8446 §4.2.1: a selected version the client did not offer, or one before TLS 1.3, aborts the handshake.
    if (!offer.supportedVersions?.includes(hello.version) || hello.version < VERSIONS['TLSv1.3']) {
      throw illegal(`supported_versions selects ${hex(hello.version)}, which was not offered`, { selectedVersion: hello.version });
    }
  }
  if (SIGNALLING.has(hello.cipherSuite) || !offer.cipherSuites.includes(hello.cipherSuite)) {
    throw illegal(`the server chose cipher suite ${hex(hello.cipherSuite)}, which was not offered`, { cipherSuite: hello.cipherSuite });
  }
  if (!(offer.compressionMethods ?? [0]).includes(hello.compressionMethod)) {
    throw illegal(`compression method ${hello.compressionMethod} was not offered`);
  }
  if (hello.version !== VERSIONS['TLSv1.3']) {
    if (hello.helloRetryRequest) throw illegal('a HelloRetryRequest that does not select TLS 1.3');
    return;
  }
  // RFC 8446 §4.1.3: legacy_session_id_echo is the client's legacy_session_id, byte for byte.
  const ours = offer.sessionId ?? new Uint8Array(0);
  if (hello.sessionId.length !== ours.length || hello.sessionId.some((b, i) => b !== ours[i])) {
    throw illegal('legacy_session_id_echo is not the session id we sent');
  }
  const shared = new Set((offer.keyShares ?? []).map((k) => k.group));
  if (hello.helloRetryRequest) {
    // RFC 8446 §4.1.4: the group must be offered and must not be one we already sent a share for, and an HRR
    // must change something in the next ClientHello.
    const g = hello.keyShareGroup;
    if (g !== null && (!offer.groups?.includes(g) || shared.has(g))) {
      throw illegal(`HelloRetryRequest asks for group ${hex(g)}, ${shared.has(g) ? 'for which a key share was already sent' : 'which was not offered'}`, { group: g });
    }
    if (g === null && !hello.extensions.has(EXTENSION_TYPE.cookie)) {
      throw illegal('HelloRetryRequest that would not change the ClientHello (no key_share, no cookie)');
    }
    return;
  }
  if (hello.keyShareGroup !== null && !shared.has(hello.keyShareGroup)) {
    throw illegal(`the ServerHello key share is for group ${hex(hello.keyShareGroup)}, for which no share was sent`, { group: hello.keyShareGroup });
  }
}

/** A downgrade the server's random reveals (RFC 8446 §4.1.3). */
export interface DowngradeSignal {
  sentinel: DowngradeSentinel;
  /** The highest version we offered and the one the ServerHello negotiated. */
  offered: number;
  negotiated: number;
}

/**
 * RFC 8446 §4.1.3: a ServerHello below TLS 1.3 to a client that offered TLS 1.3, whose random ends in either sentinel,
 * or one below TLS 1.2 to a client that offered TLS 1.2 or more, ending in `DOWNGRD\x00`, says that a TLS 1.3 (or 1.2)
 * server was answering a hello someone had rewritten to offer less. The sentinel a server sets when it honestly
 * answers a client that offered less (our TLS 1.2 probe getting `DOWNGRD\x01`) is not a downgrade.
 */
export function detectDowngrade(offer: ClientHelloOptions, hello: ServerHello): DowngradeSignal | null {
  if (hello.helloRetryRequest) return null;
  const sentinel = downgradeSentinel(hello.random);
  if (!sentinel) return null;
  const offered = offeredMaxVersion(offer);
  const negotiated = hello.version;
  const tls13 = offered >= VERSIONS['TLSv1.3'] && negotiated <= VERSIONS['TLSv1.2'];
  const tls12 = sentinel === 'tls11' && offered >= VERSIONS['TLSv1.2'] && negotiated <= VERSIONS['TLSv1.1'];
  return tls13 || tls12 ? { sentinel, offered, negotiated } : null;
}

/** Where the second ClientHello's key share comes from (real keys, or probe shares when no secret is derived). */
export type KeyShareSource = (group: number) => { group: number; keyExchange: Uint8Array } | null;

/**
 * The second ClientHello after `hrr` (RFC 8446 §4.1.2): the same hello with the key_share replaced by one share for
 * the group the server asked for, and its cookie echoed. MG_ERR_UNSUPPORTED when we cannot make a share for the group.
 */
export function retryClientHello(offer: ClientHelloOptions, hrr: ServerHello, share: KeyShareSource): ClientHelloOptions {
  const next: ClientHelloOptions = { ...offer };
  const g = hrr.keyShareGroup;
  if (g !== null) {
    const entry = share(g);
    if (!entry) throw new MitmError('MG_ERR_UNSUPPORTED', `no key share can be built for group ${hex(g)} named by the HelloRetryRequest`, { details: { group: g } });
    next.keyShares = [entry];
  }
  const cookie = hrr.extensions.get(EXTENSION_TYPE.cookie);
  if (cookie) {
    // RFC 8446 §4.2.2: the extension holds opaque cookie<1..2^16-1>; we echo its content.
    if (cookie.length < 3 || ((cookie[0]! << 8) | cookie[1]!) !== cookie.length - 2) {
      throw new MitmError('MG_ERR_MALFORMED', 'HelloRetryRequest cookie: length does not match its extension');
    }
    next.cookie = cookie.subarray(2);
  }
  return next;
}
