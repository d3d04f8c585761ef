/**
 * A real handshake through node:tls, for what a TLS 1.3 ServerHello cannot tell (the certificate, stapled OCSP and ALPN
 * travel encrypted, RFC 8446 §4.3). Used only when the server speaks no TLS ≤ 1.2. The socket comes from the same
 * connector as every probe, so STARTTLS targets work too.
 */
// Only types at the top: node:tls costs ~15 ms to load on Node 24 and is needed only for this fallback, so it is
// imported where it is used (a `scan --tls-only` of a server whose flight we can read never loads it).
import type { ConnectionOptions } from 'node:tls';
import { MitmError, toMitmError } from '../../errors.js';
import { openConnection } from './connector.js';
import type { ProbeContext } from './context.js';
import { STOP_AT_DONE } from './exchange.js';
import { TLS13_SUITES } from './hellos.js';
import { Limiter } from './limiter.js';
import { peerChainOf } from './peer-chain.js';

export interface ServerHandshakeFacts {
  /** DER certificates, leaf first, as presented. */
  chain: Uint8Array[];
  ocspStapled: boolean;
  alpn: string | null;
  /** The server refused every offered ALPN protocol (alert 120); no chain was read. */
  refusedAlpn?: boolean;
  /** Whether a CertificateRequest came; only known when the flight was read ('flight'), not through node:tls. */
  certificateRequested?: boolean;
  /** How the facts were read: the decrypted server flight, or a full node:tls handshake. */
  via?: 'flight' | 'node:tls';
}


/**
 * The TLS 1.3 facts of one server flight: a ClientHello with real key shares, the server's encrypted flight read up to
 * its Finished (src/tls/wire/tls13.ts) — chain, stapled OCSP, ALPN and whether a client certificate is requested —
 * and no handshake completed. When the flight cannot be read that way (the server asks for a key share we did not
 * send, or anything else goes wrong), a real node:tls handshake (`tls13Handshake`) answers instead.
 */
export async function tls13Facts(ctx: ProbeContext, alpn: readonly string[]): Promise<ServerHandshakeFacts> {
  const answer = await ctx
    .hello('TLSv1.3', { suites: TLS13_SUITES, ...(alpn.length ? { alpn } : {}), statusRequest: true }, STOP_AT_DONE, true)
    .catch((err: unknown) => {
      // Recorded, not swallowed: the node:tls handshake below still answers, and the JSON says why it had to.
      ctx.fail(`tls13 flight${alpn.length ? ` ${alpn.join(',')}` : ''}`, err);
      return null;
    });
  if (answer?.kind === 'hello' && answer.serverFinished && answer.chain?.length) {
    return {
      chain: answer.chain,
      ocspStapled: answer.certificateStatus !== null,
      alpn: answer.encryptedAlpn,
      certificateRequested: answer.certificateRequested,
      via: 'flight',
    };
  }
  // RFC 7301 §3.2: no_application_protocol (120) answers "not this protocol"; that is a result, not a failure.
  if (answer?.kind === 'refused' && answer.alert?.description === 120 && alpn.length) {
    return { chain: [], ocspStapled: false, alpn: null, refusedAlpn: true, via: 'flight' };
  }
  return tls13Handshake(ctx, alpn);
}

/**
 * One TLS 1.3 handshake offering `alpn` (none when empty); resolves with the chain, OCSP staple and the selected
 * protocol, or `refusedAlpn` when the server answered no_application_protocol.
 */
export function tls13Handshake(ctx: ProbeContext, alpn: readonly string[]): Promise<ServerHandshakeFacts> {
  const s = ctx.settings;
  return Limiter.run(s.limiters, async () => {
    ctx.probes++;
    const [{ connect: tlsConnect }, socket] = await Promise.all([
      import('node:tls'),
      openConnection(s.endpoint, { timeoutMs: s.timeoutMs, ...(s.signal ? { signal: s.signal } : {}) }),
    ]);
    return new Promise<ServerHandshakeFacts>((resolve, reject) => {
      let ocsp = false;
      const options: ConnectionOptions = {
        socket,
        // We observe, we do not trust: validation is the x509 module's job on the chain we return.
        rejectUnauthorized: false,
        minVersion: 'TLSv1.3',
      };
      if (alpn.length) options.ALPNProtocols = [...alpn];
      if (ctx.sni) options.servername = ctx.sni;
      // node:tls honours requestOCSP on client sockets; @types/node lists it only on TLSSocketOptions.
      Object.assign(options, { requestOCSP: true });
      const tls = tlsConnect(options);
      const timer = setTimeout(() => done(new MitmError('MG_ERR_TIMEOUT', `TLS 1.3 handshake took longer than ${s.timeoutMs} ms`)), s.timeoutMs);
      const done = (err: unknown, value?: ServerHandshakeFacts) => {
        clearTimeout(timer);
        tls.destroy();
        socket.destroy();
        if (err) reject(toMitmError(err, 'MG_ERR_HANDSHAKE'));
        else resolve(value!);
      };
      // Node emits null when the server sent no status (RFC 6066 §8 makes stapling optional).
      tls.on('OCSPResponse', (r: Buffer | null) => {
        ocsp = r !== null && r.length > 0;
      });
      tls.once('secureConnect', () => {
        const peer = tls.getPeerCertificate(true);
        done(null, { chain: peer && peer.raw ? peerChainOf(peer) : [], ocspStapled: ocsp, alpn: tls.alpnProtocol || null, via: 'node:tls' });
      });
      tls.once('error', (err: NodeJS.ErrnoException) => {
        // RFC 7301 §3.2: no_application_protocol (120) answers "not this protocol"; that is a result, not a failure.
        if (alpn.length > 0 && (err.code === 'ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL' || /alert number 120\b/.test(err.message))) {
          done(null, { chain: [], ocspStapled: false, alpn: null, refusedAlpn: true, via: 'node:tls' });
        } else {
          done(new MitmError('MG_ERR_HANDSHAKE', err.message, { cause: err }));
        }
      });
    });
  });
}
