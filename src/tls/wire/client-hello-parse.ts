/**
 * ClientHello parser (RFC 8446 §4.1.2): the other direction of ./client-hello.ts, for round-trip tests and for peeking
 * at a client's offer (the proxy's SNI routing, the client audit). Reads only declared lengths; every size is capped.
 */
import { ByteReader } from '../../bytes.js';
import { MitmError } from '../../errors.js';
import { LIMITS } from './limits.js';
import { EXTENSION_TYPE, HANDSHAKE_TYPE } from './registry.js';

export interface ParsedClientHello {
  version: number;
  random: Uint8Array;
  sessionId: Uint8Array;
  cipherSuites: number[];
  compressionMethods: number[];
  /** Raw extensions in the order sent. */
  extensions: Array<{ type: number; data: Uint8Array }>;
  serverName: string | null;
  supportedVersions: number[];
  groups: number[];
  keyShareGroups: number[];
  alpn: string[];
}

/** Parse a ClientHello handshake message (with its 4-byte header). */
export function parseClientHello(message: Uint8Array): ParsedClientHello {
  const outer = new ByteReader(message, 'ClientHello');
  const type = outer.u8('msg_type');
  if (type !== HANDSHAKE_TYPE.clientHello) throw new MitmError('MG_ERR_PROTOCOL', `expected ClientHello, got handshake message ${type}`);
  const r = outer.vector(3, 'body', LIMITS.MAX_HANDSHAKE_MESSAGE);
  outer.end();
  const version = r.u16('legacy_version');
  const random = r.take(32, 'random');
  const sessionId = r.vector(1, 'legacy_session_id', 32).rest();
  const suites = r.vector(2, 'cipher_suites');
  if (suites.remaining % 2 !== 0) throw new MitmError('MG_ERR_MALFORMED', 'ClientHello: odd cipher_suites length');
  const cipherSuites: number[] = [];
  while (!suites.done) cipherSuites.push(suites.u16('cipher_suite'));
  const compressionMethods = [...r.vector(1, 'legacy_compression_methods').rest()];
  const extensions: ParsedClientHello['extensions'] = [];
  if (!r.done) {
    const ext = r.vector(2, 'extensions');
    while (!ext.done) extensions.push({ type: ext.u16('extension_type'), data: ext.vector(2, 'extension_data').rest() });
  }
  r.end();
  const find = (t: number) => extensions.find((e) => e.type === t)?.data;
  const u16List = (data: Uint8Array | undefined, lengthBytes: 1 | 2, what: string): number[] => {
    if (!data) return [];
    const x = new ByteReader(data, what);
    const l = x.vector(lengthBytes, what);
    x.end();
    const out: number[] = [];
    while (!l.done) out.push(l.u16(what));
    return out;
  };
  let serverName: string | null = null;
  const sni = find(EXTENSION_TYPE.serverName);
  if (sni) {
    const list = new ByteReader(sni, 'server_name').vector(2, 'server_name_list');
    if (list.u8('name_type') === 0) serverName = new TextDecoder().decode(list.vector(2, 'host_name').rest());
  }
  const keyShareGroups: number[] = [];
  const ks = find(EXTENSION_TYPE.keyShare);
  if (ks) {
    const list = new ByteReader(ks, 'key_share').vector(2, 'client_shares');
    while (!list.done) {
      keyShareGroups.push(list.u16('group'));
      list.vector(2, 'key_exchange');
    }
  }
  const alpn: string[] = [];
  const al = find(EXTENSION_TYPE.alpn);
  if (al) {
    const list = new ByteReader(al, 'alpn').vector(2, 'protocol_name_list');
    while (!list.done) alpn.push(new TextDecoder().decode(list.vector(1, 'protocol_name').rest()));
  }
  return {
    version,
    random,
    sessionId,
    cipherSuites,
    compressionMethods,
    extensions,
    serverName,
    supportedVersions: u16List(find(EXTENSION_TYPE.supportedVersions), 1, 'supported_versions'),
    groups: u16List(find(EXTENSION_TYPE.supportedGroups), 2, 'supported_groups'),
    keyShareGroups,
    alpn,
  };
}
