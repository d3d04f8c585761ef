/**
 * Does the server require a client certificate? A full handshake without one answers it: a server that requires one
 * fails the handshake (TLS 1.2: alert after our empty Certificate, RFC 5246 §7.4.6) or, in TLS 1.3, sends
 * certificate_required (alert 116, RFC 8446 §4.4.2.4) right after our Finished. A server that lets us stay connected
 * for the grace period does not require one.
 */
import { connect } from 'node:tls';
import { toMitmError } from '../errors.js';

/** How long to wait after the handshake for a TLS 1.3 certificate_required alert. */
export const CLIENT_AUTH_GRACE_MS = 1500;
export const CLIENT_AUTH_TIMEOUT_MS = 5000;

export type ClientAuthProbe = { required: boolean; evidence: string } | { required: null; evidence: string };

export function probeClientAuthRequired(host: string, port: number, opts: { servername?: string; signal?: AbortSignal; timeoutMs?: number } = {}): Promise<ClientAuthProbe> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: ClientAuthProbe) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(r);
    };
    const socket = connect({
      host,
      port,
      rejectUnauthorized: false,
      ...(opts.servername ? { servername: opts.servername } : {}),
      // Legacy servers in the lab and in the field: we judge client authentication here, not ciphers.
      ciphers: 'ALL:@SECLEVEL=0',
      minVersion: 'TLSv1',
    });
    let handshaken = false;
    const timer = setTimeout(() => done({ required: null, evidence: 'no answer within the time limit' }), opts.timeoutMs ?? CLIENT_AUTH_TIMEOUT_MS);
    const onAbort = () => done({ required: null, evidence: 'aborted' });
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    socket.on('secureConnect', () => {
      handshaken = true;
      setTimeout(() => done({ required: false, evidence: `handshake (${socket.getProtocol()}) completed without a client certificate and the connection stayed open` }), CLIENT_AUTH_GRACE_MS);
    });
    socket.on('data', () => {});
    socket.on('error', (err) => {
      const code = String((err as { code?: unknown }).code ?? '');
      const alert = /CERTIFICATE_REQUIRED|HANDSHAKE_FAILURE|BAD_CERTIFICATE|ALERT/i.test(code) || /alert/i.test(err.message);
      if (alert) done({ required: true, evidence: `without a client certificate the server ended the ${handshaken ? 'connection' : 'handshake'}: ${code || err.message}` });
      else done({ required: null, evidence: `${toMitmError(err).code}: ${err.message}` });
    });
    socket.on('close', () => {
      if (handshaken) done({ required: true, evidence: 'the server closed the connection after a handshake without a client certificate' });
      else done({ required: null, evidence: 'the connection closed before the handshake finished' });
    });
  });
}
