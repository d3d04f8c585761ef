/**
 * PROXY protocol version 2 (haproxy's proxy-protocol.txt §2.2): the header a tunnel sends the backend first, carrying
 * the client's address and the verified identity, so the backend can log and authorise by who connected, not by the
 * tunnel's address. Sans-IO: addresses and identity in, bytes out.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { parseIp } from '../x509/general-name.js';

/** §2.2: the 12-byte signature. */
export const PP2_SIGNATURE = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);
/** §2.2.7 TLV types. */
export const PP2_TYPE = { AUTHORITY: 0x02, SSL: 0x20, SSL_VERSION: 0x21, SSL_CN: 0x22, UNIQUE_ID: 0x05 } as const;
/** §2.2.7: values of the TLV fields are at most 65535 bytes; identities longer than this are cut. */
const MAX_TLV = 2048;

const tlv = (type: number, value: Buffer) => {
  const v = value.subarray(0, MAX_TLV);
  return Buffer.concat([Buffer.from([type, v.length >> 8, v.length & 0xff]), v]);
};

export interface ProxyHeaderInput {
  source: { address: string; port: number };
  destination: { address: string; port: number };
  /** TLS version negotiated with the client, e.g. TLSv1.3. */
  tlsVersion?: string;
  /** The verified identity: SPIFFE ID, else DNS SAN, else CN (sent as PP2_SUBTYPE_SSL_CN). */
  identity?: string;
}

/** Encode the v2 header (command PROXY, TCP over IPv4 or IPv6; LOCAL when the families differ). */
export function encodeProxyV2(input: ProxyHeaderInput): Buffer {
  const strip = (a: string) => a.replace(/^::ffff:(?=\d+\.)/, '');
  const src = strip(input.source.address);
  const dst = strip(input.destination.address);
  const v4 = isIPv4(src) && isIPv4(dst);
  const v6 = isIPv6(src) && isIPv6(dst);
  let addresses = Buffer.alloc(0);
  let family = 0x00; // AF_UNSPEC
  if (v4 || v6) {
    family = v4 ? 0x11 : 0x21; // TCP over IPv4 / IPv6 (§2.2 byte 14)
    const ports = Buffer.alloc(4);
    ports.writeUInt16BE(input.source.port, 0);
    ports.writeUInt16BE(input.destination.port, 2);
    addresses = Buffer.concat([Buffer.from(parseIp(src)!), Buffer.from(parseIp(dst)!), ports]);
  }
  // PP2_TYPE_SSL: client bits (PP2_CLIENT_SSL 0x01 | PP2_CLIENT_CERT_CONN 0x02 | PP2_CLIENT_CERT_SESS 0x04), verify = 0 (ok)
  const sub = [
    ...(input.tlsVersion ? [tlv(PP2_TYPE.SSL_VERSION, Buffer.from(input.tlsVersion, 'ascii'))] : []),
    ...(input.identity ? [tlv(PP2_TYPE.SSL_CN, Buffer.from(input.identity, 'utf8'))] : []),
  ];
  const ssl = tlv(PP2_TYPE.SSL, Buffer.concat([Buffer.from([0x07, 0, 0, 0, 0]), ...sub]));
  const body = Buffer.concat([addresses, ssl]);
  const header = Buffer.alloc(16);
  PP2_SIGNATURE.copy(header, 0);
  header[12] = family === 0 ? 0x20 : 0x21; // version 2, command LOCAL (0) or PROXY (1)
  header[13] = family;
  header.writeUInt16BE(body.length, 14);
  return Buffer.concat([header, body]);
}
