/**
 * Mutual-TLS requirement probes: does the server request a client certificate, require one, and reject one from a
 * CA it does not know? TLS ≤ 1.2 shows its CertificateRequest (with acceptable CA names) in clear text; TLS 1.3
 * encrypts it, so there a real node:tls handshake without a certificate and the alert that follows tell the story.
 */
import type { Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { MitmError, toMitmError } from '../errors.js';
import { createAuthority, issueLeaf, privateKeyPem, EKU } from '../pki/index.js';
import { upgradeToTls, type StartTlsProtocol } from '../starttls/index.js';
import { encodeClientHello } from '../tls/wire/client-hello.js';
import { helloOptions, legacySuitesFor, TLS13_SUITES } from '../tls/scan/hellos.js';
import { exchangeHello, STOP_AT_DONE } from '../tls/scan/exchange.js';
import { CertificateRequestReader, parseTls13CertificateRequestFacts, type CertificateRequestFacts } from '../tls/wire/certificate-request.js';
import { connectTcp } from '../tls/scan/connector.js';
import type { HandshakeAttempt, HandshakeOutcome, MtlsObservation } from './types.js';
import { errorInfo } from '../model/index.js';
export type { HandshakeAttempt, HandshakeOutcome, MtlsObservation } from './types.js';

export interface MtlsTarget {
  target: string;
  host: string;
  port: number;
  /** Server name for SNI (omitted for IP addresses). */
  name?: string;
  starttls?: StartTlsProtocol | null;
}

export interface MtlsOptions {
  timeoutMs: number;
  /**
   * After a TLS 1.3 handshake completes, how long to wait for the server's verdict on the client's (absent or
   * untrusted) certificate, which arrives after the client's Finished (RFC 8446 §4.4.2.4). Default 1000 ms.
   */
  settleMs?: number;
  signal?: AbortSignal;
  /**
   * The endpoint speaks HTTP: after the handshake, send `GET /` and count a 400/403/495/496 answer as a rejection.
   * nginx (ssl_verify_client on) completes every handshake and refuses missing or untrusted certificates only at
   * the HTTP layer, so without this a TLS-level probe would call it optional.
   */
  http?: boolean;
}

/** HTTP answers that mean "your client certificate is missing or not trusted" (nginx maps 495/496 to 400). */
export const HTTP_CERTIFICATE_REJECTIONS = new Set([400, 403, 495, 496]);

async function connected(target: MtlsTarget, options: MtlsOptions): Promise<Socket> {
  const socket = await connectTcp(target.host, target.port, options);
  if (target.starttls) {
    try {
      await upgradeToTls(socket, target.starttls, { host: target.name ?? target.host, timeoutMs: options.timeoutMs, ...(options.signal ? { signal: options.signal } : {}) });
    } catch (err) {
      socket.destroy();
      throw err;
    }
  }
  return socket;
}

const sniOf = (t: MtlsTarget): string | undefined => {
  const n = t.name ?? t.host;
  return /^[\d.]+$|:/.test(n) ? undefined : n;
};

/** Send a raw TLS 1.2 ClientHello and read the server flight for a CertificateRequest. */
export async function readCertificateRequest(target: MtlsTarget, options: MtlsOptions): Promise<{ version: number; request: CertificateRequestFacts | null } | { alert: string }> {
  const socket = await connected(target, options);
  const sni = sniOf(target);
  const hello = encodeClientHello(helloOptions('TLSv1.2', { sni: sni ?? null, suites: legacySuitesFor('TLSv1.2') }));
  const reader = new CertificateRequestReader();
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new MitmError('MG_ERR_TIMEOUT', `no ServerHelloDone within ${options.timeoutMs} ms`)), options.timeoutMs);
      socket.on('data', (chunk: Buffer) => {
        try {
          const out = reader.push(chunk);
          if (!out.done) return;
          clearTimeout(timer);
          resolve('alert' in out ? { alert: out.alert } : { version: out.version, request: out.request });
        } catch (err) {
          clearTimeout(timer);
          reject(toMitmError(err, 'MG_ERR_PROTOCOL'));
        }
      });
      socket.once('close', () => {
        clearTimeout(timer);
        reject(new MitmError('MG_ERR_CONNECTION_RESET', 'server closed the connection during the handshake'));
      });
      socket.on('error', () => {});
      socket.write(hello);
    });
  } finally {
    socket.destroy();
  }
}

/**
 * Send a TLS 1.3 ClientHello with real key shares and read the server's encrypted flight up to its Finished
 * (src/tls/wire/tls13.ts): was a client certificate requested, and which CAs and signature algorithms does the request
 * name? null when the server does not answer with TLS 1.3 (or asks for a key share we did not send).
 */
export async function readTls13CertificateRequest(target: MtlsTarget, options: MtlsOptions): Promise<{ request: CertificateRequestFacts | null } | null> {
  const socket = await connected(target, options);
  const hello = encodeClientHello(helloOptions('TLSv1.3', { sni: sniOf(target) ?? null, suites: TLS13_SUITES }));
  // The scanner's own exchange: reads the decrypted flight to the server's Finished and closes the socket.
  const answer = await exchangeHello(socket, hello, STOP_AT_DONE, options.timeoutMs, options.signal, true);
  if (answer.kind !== 'hello' || !answer.serverFinished) return null;
  const cr = answer.certificateRequest;
  return { request: cr?.tls13 ? parseTls13CertificateRequestFacts(cr.body) : null };
}

/** Describe a node:tls error as the alert it carries (`certificate required`, `unknown ca`, …). */
function alertOf(err: Error & { code?: string }): string | null {
  const m = /ALERT_([A-Z_]+)/.exec(err.code ?? '') ?? /alert ([a-z ]+)/i.exec(err.message);
  return m ? m[1]!.toLowerCase().replace(/_/g, ' ') : null;
}

/**
 * A real node:tls handshake pinned to one version, optionally with a client certificate. `completed` means the
 * handshake finished and no alert followed within `settleMs` (a NewSessionTicket also counts: in TLS 1.3 a server
 * sends it only after accepting the client's Finished); `rejected` means an alert ended it.
 */
export async function attemptHandshake(target: MtlsTarget, version: 'TLSv1.2' | 'TLSv1.3', options: MtlsOptions, client?: { cert: string; key: string }): Promise<HandshakeAttempt> {
  let socket: Socket;
  try {
    socket = await connected(target, options);
  } catch (err) {
    return { version, outcome: 'failed', alert: toMitmError(err).message };
  }
  const settleMs = options.settleMs ?? 1000;
  const sni = sniOf(target);
  const tlsOptions: ConnectionOptions = {
    socket,
    minVersion: version,
    maxVersion: version,
    // This probe asks what the server demands of clients; the server's own certificate is judged by the scan.
    rejectUnauthorized: false,
    ...(sni ? { servername: sni } : {}),
    ...(client ?? {}),
  };
  return new Promise<HandshakeAttempt>((resolve) => {
    const t = tlsConnect(tlsOptions);
    let secure = false;
    let settle: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => done(secure ? 'completed' : 'failed', secure ? null : 'timeout'), options.timeoutMs + settleMs);
    const done = (outcome: HandshakeOutcome, alert: string | null) => {
      clearTimeout(timer);
      if (settle) clearTimeout(settle);
      t.removeAllListeners();
      t.on('error', () => {});
      t.destroy();
      socket.destroy();
      resolve({ version, outcome, alert });
    };
    t.once('secureConnect', () => {
      secure = true;
      if (options.http) {
        askHttp();
        return;
      }
      settle = setTimeout(() => done('completed', null), settleMs);
    });
    t.once('session', () => {
      if (secure && !options.http) done('completed', null);
    });
    let status: number | null = null;
    const askHttp = () => {
      let head = '';
      t.on('data', (b: Buffer) => {
        head += b.toString('latin1');
        const line = head.split('\r\n')[0] ?? '';
        if (!head.includes('\r\n') && head.length < 4096) return;
        const m = /^HTTP\/\d(?:\.\d)? (\d{3})/.exec(line);
        status = m ? Number(m[1]) : null;
        const rejected = status !== null && HTTP_CERTIFICATE_REJECTIONS.has(status);
        finishWith(rejected ? 'rejected' : 'completed', rejected ? `HTTP ${line.slice(9, 80)}` : null);
      });
      t.write(`GET / HTTP/1.1\r\nHost: ${sni ?? target.host}\r\nUser-Agent: mitmguard\r\nConnection: close\r\n\r\n`);
    };
    const finishWith = (outcome: HandshakeOutcome, alert: string | null) => {
      clearTimeout(timer);
      t.removeAllListeners();
      t.on('error', () => {});
      t.destroy();
      socket.destroy();
      resolve({ version, outcome, alert, httpStatus: status });
    };
    t.on('error', (err: Error & { code?: string }) => {
      const alert = alertOf(err);
      // Before secureConnect: an alert is a rejection only if the version itself was accepted; a protocol_version
      // alert or a failed negotiation means the server does not speak this version.
      if (!alert || /protocol version|unsupported protocol|wrong version/i.test(`${alert} ${err.message}`)) return done('failed', alert ?? err.code ?? err.message);
      done('rejected', alert);
    });
    t.once('end', () => done(secure ? 'rejected' : 'failed', 'server closed the connection'));
  });
}

let throwaway: { cert: string; key: string } | undefined;
/** A client certificate from a CA made for this run only, which no server can trust. */
export function untrustedClientCertificate(): { cert: string; key: string } {
  if (!throwaway) {
    const ca = createAuthority('mitmguard throwaway client CA (untrusted by design)');
    const leaf = issueLeaf(ca, { names: [], subject: 'mitmguard untrusted client', eku: [EKU.clientAuth] });
    throwaway = { cert: leaf.pem + ca.cert.pem, key: privateKeyPem(leaf.keyPair) };
  }
  return throwaway;
}

/**
 * Probe whether `target` requests and requires client certificates, and whether it accepts one from an untrusted CA.
 *
 * @example
 * const seen = await probeMtls({ target: 'api:8443', host: 'api', port: 8443 }, { timeoutMs: 5000 });
 * if (seen.required === false) console.log('anyone can connect without a client certificate');
 */
export async function probeMtls(target: MtlsTarget, options: MtlsOptions): Promise<MtlsObservation> {
  const obs: MtlsObservation = {
    target: target.target, host: target.host, port: target.port, certificateRequest: null, requestedOnTls12: null, requestedOnTls13: null,
    withoutCertificate: [], untrustedCertificate: null, required: null, requested: null, error: null,
  };
  // A probe that failed is recorded with its code; the others still answer (a TLS 1.2-only server fails the TLS 1.3 read).
  const failed = (probe: string, err: unknown) => (obs.probeErrors ??= []).push({ probe, ...errorInfo(err) });
  try {
    const [flight, flight13] = await Promise.all([
      readCertificateRequest(target, options).catch((err) => {
        failed('tls12-certificate-request', err);
        return { error: toMitmError(err) };
      }),
      readTls13CertificateRequest(target, options).catch((err) => {
        failed('tls13-certificate-request', err);
        return null;
      }),
    ]);
    if ('version' in flight && flight.version <= 0x0303 && flight.version !== 0) {
      obs.certificateRequest = flight.request;
      obs.requestedOnTls12 = flight.request !== null;
    }
    if (flight13) {
      obs.requestedOnTls13 = flight13.request !== null;
      obs.certificateRequest ??= flight13.request;
    }
    for (const version of ['TLSv1.2', 'TLSv1.3'] as const) obs.withoutCertificate.push(await attemptHandshake(target, version, options));
    const outcomes = obs.withoutCertificate.map((a) => a.outcome);
    obs.required = outcomes.includes('completed') ? false : outcomes.includes('rejected') ? true : null;
    const seen = [obs.requestedOnTls12, obs.requestedOnTls13];
    obs.requested = obs.required === true || seen.includes(true) ? true : seen.includes(false) && obs.required === false ? false : null;
    if (obs.requested) {
      const version = obs.withoutCertificate.find((a) => a.outcome !== 'failed')?.version ?? 'TLSv1.3';
      obs.untrustedCertificate = await attemptHandshake(target, version, options, untrustedClientCertificate());
    }
    if (outcomes.every((o) => o === 'failed') && obs.requestedOnTls12 === null && !obs.requestedOnTls13) {
      obs.error = { code: 'MG_ERR_HANDSHAKE', message: obs.withoutCertificate.map((a) => `${a.version}: ${a.alert}`).join('; ') };
    }
  } catch (err) {
    const e = toMitmError(err);
    obs.error = { code: e.code, message: e.message };
  }
  return obs;
}

