/**
 * The lab's own traffic as a capture (issue 12), without root. A packet capture needs CAP_NET_RAW, so the lab records
 * at the socket level instead: a recording relay of ours on 127.0.0.1 sits in front of the lab's plain-text HTTP and
 * SMTP endpoints and its modern HTTPS one; the careless login client (`LAB_LOGINS`) talks through it — an HTTP GET
 * with Basic credentials, an SMTP AUTH PLAIN, an HTTPS GET — and every byte relayed, each way, is written as an IPv4/TCP
 * frame of the client's leg (src/lab/pcapng-writer.ts). The payloads are the real bytes; the headers are
 * reconstructed, and the file says so in its section comment. src/capture then analyses the file as it would
 * tcpdump's, so the main job shows the capture wing's findings: the plain-text logins, the plain-text services.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { MitmError, toMitmError } from '../errors.js';
import type { Finding } from '../model/index.js';
import { analyseStream, type CaptureReport } from '../capture/file.js';
import { encodePcapng, FrameSink, TcpStreamFrames } from './pcapng-writer.js';
import type { RunningEndpoint } from './server.js';

/** The comment every lab recording carries: what it is and what it is not. */
export const LAB_RECORDING_COMMENT =
  'mitmguard lab socket-level recording: payload bytes as relayed on 127.0.0.1 by the lab recorder; IPv4/TCP headers written by mitmguard (no packet capture without root)';
/** Per exchange of the login client (loopback: milliseconds). */
export const LAB_LOGIN_TIMEOUT_MS = 5_000;
/** The careless client's lab credentials: fake, and redacted in every finding (src/capture/redact.ts). */
const LAB_USER = 'newcomer';
const LAB_PASSWORD = 'lab-password-not-secret';

const nowUs = () => Math.round((performance.timeOrigin + performance.now()) * 1000);

interface Relay {
  port: number;
  close(): Promise<void>;
}

/** A TCP relay to `backendPort` that records the client's leg of every connection into `sink`. */
function startRecordingRelay(host: string, backendPort: number, sink: FrameSink): Promise<Relay> {
  const open = new Set<Socket>();
  const server: Server = createServer((client) => {
    open.add(client);
    const stream = new TcpStreamFrames(sink, { address: client.remoteAddress!, port: client.remotePort! }, { address: client.localAddress!, port: client.localPort! });
    stream.open(nowUs());
    const backend = connect({ host, port: backendPort });
    open.add(backend);
    let closedBy: boolean | null = null;
    const end = (fromClient: boolean) => {
      if (closedBy === null) {
        closedBy = fromClient;
        stream.close(fromClient, nowUs());
      }
    };
    client.on('data', (b: Buffer) => {
      stream.data(true, new Uint8Array(b.buffer, b.byteOffset, b.byteLength), nowUs());
      backend.write(b);
    });
    backend.on('data', (b: Buffer) => {
      stream.data(false, new Uint8Array(b.buffer, b.byteOffset, b.byteLength), nowUs());
      client.write(b);
    });
    client.on('end', () => { end(true); backend.end(); });
    backend.on('end', () => { end(false); client.end(); });
    for (const s of [client, backend]) {
      s.on('error', () => { end(s === client); client.destroy(); backend.destroy(); });
      s.on('close', () => open.delete(s));
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () => new Promise<void>((r) => { for (const s of open) s.destroy(); server.close(() => r()); }),
      });
    });
  });
}

/** An HTTP(S) GET with Basic credentials; resolves when the response has been read. */
function get(secure: boolean, port: number, ca: string | undefined, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = (secure ? httpsRequest : httpRequest)({ host: '127.0.0.1', port, path: '/login', auth: `${LAB_USER}:${LAB_PASSWORD}`, agent: false, signal, ...(secure ? { ca, servername: 'localhost' } : {}) });
    req.on('response', (res) => { res.resume(); res.on('end', resolve); res.on('error', reject); });
    req.on('error', reject);
    req.end();
  });
}

/** SMTP: read the greeting, EHLO, AUTH PLAIN with the credentials (RFC 4954 §4, RFC 4616 §2), QUIT. */
function smtpLogin(port: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port });
    const steps = ['EHLO lab-client', `AUTH PLAIN ${Buffer.from(`\0${LAB_USER}\0${LAB_PASSWORD}`).toString('base64')}`, 'QUIT'];
    let text = '';
    const onAbort = () => { s.destroy(); reject(new MitmError('MG_ERR_ABORTED', 'the SMTP login was interrupted')); };
    signal.addEventListener('abort', onAbort, { once: true });
    s.on('data', (b: Buffer) => {
      text += b.toString('latin1');
      // A reply ends with a line whose code is followed by a space (RFC 5321 §4.2.1).
      while (/^\d{3} .*\r\n/m.test(text)) {
        text = text.replace(/^[\s\S]*?^\d{3} .*\r\n/m, '');
        const next = steps.shift();
        if (next) s.write(`${next}\r\n`);
      }
    });
    s.on('error', reject);
    s.on('close', () => { signal.removeEventListener('abort', onAbort); resolve(); });
  });
}

export interface LabRecording {
  /** The pcapng file (a few KB), as src/capture reads it. */
  pcapng: Uint8Array;
  frames: number;
  dropped: number;
  exchanges: Array<{ what: string; ok: boolean; error?: string }>;
}

/** The recorded exchanges: which lab endpoint, how the client talks to it. */
const LAB_LOGINS = [
  { what: 'HTTP GET with Basic credentials to plain-http', endpoint: 'plain-http', run: (port: number, _ca: string, signal: AbortSignal) => get(false, port, undefined, signal) },
  { what: 'SMTP AUTH PLAIN to smtp-plaintext', endpoint: 'smtp-plaintext', run: (port: number, _ca: string, signal: AbortSignal) => smtpLogin(port, signal) },
  { what: 'HTTPS GET with Basic credentials to modern', endpoint: 'modern', run: (port: number, ca: string, signal: AbortSignal) => get(true, port, ca, signal) },
] as const;

/** Run the login client through recording relays in front of the lab's endpoints; the file of what was relayed. */
export async function recordLabTraffic(endpoints: readonly RunningEndpoint[], rootPem: string, options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<LabRecording> {
  const sink = new FrameSink();
  const exchanges: LabRecording['exchanges'] = [];
  for (const login of LAB_LOGINS) {
    const e = endpoints.find((x) => x.spec.name === login.endpoint);
    if (!e) {
      exchanges.push({ what: login.what, ok: false, error: `lab endpoint ${login.endpoint} is not running` });
      continue;
    }
    const relay = await startRecordingRelay('127.0.0.1', e.port, sink);
    const signal = AbortSignal.any([AbortSignal.timeout(options.timeoutMs ?? LAB_LOGIN_TIMEOUT_MS), ...(options.signal ? [options.signal] : [])]);
    try {
      await login.run(relay.port, rootPem, signal);
      exchanges.push({ what: login.what, ok: true });
    } catch (err) {
      exchanges.push({ what: login.what, ok: false, error: toMitmError(err).message });
    } finally {
      // The relay's sockets close after the exchange, so each FIN is recorded before the file is written.
      await new Promise((r) => setTimeout(r, 20));
      await relay.close();
    }
  }
  return { pcapng: encodePcapng(sink.frames, { comment: LAB_RECORDING_COMMENT, interfaceName: 'mitmguard-lab-recorder' }), frames: sink.frames.length, dropped: sink.dropped, exchanges };
}

/** Record, then analyse the recording with src/capture (the library behind `mitmguard capture`). */
export async function analyseLabTraffic(endpoints: readonly RunningEndpoint[], rootPem: string, options: { signal?: AbortSignal } = {}): Promise<{ recording: LabRecording; report: CaptureReport; findings: Finding[] }> {
  const recording = await recordLabTraffic(endpoints, rootPem, options);
  const failed = recording.exchanges.filter((x) => !x.ok);
  if (failed.length === recording.exchanges.length) throw new MitmError('MG_ERR_CONNECT', `no lab exchange could be recorded: ${failed.map((f) => `${f.what}: ${f.error}`).join('; ')}`);
  async function* chunks() {
    yield recording.pcapng;
  }
  const report = await analyseStream('lab-loopback.pcapng', chunks(), {});
  if (report.error) throw new MitmError(report.error.code, `the lab recording does not decode: ${report.error.message}`);
  return { recording, report, findings: report.findings };
}
