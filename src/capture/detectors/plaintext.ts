/**
 * Plain text on the wire: every credential a decoder saw (redacted), session cookies sent without TLS, and — at the
 * end — one finding per plain-text service (protocol, server, port) with its flows and bytes.
 */
import type { Detector, Finding } from '../../model/index.js';
import { describeRedacted } from '../redact.js';
import type { CaptureEvent } from '../events.js';
import { at, BoundedMap, Raiser } from './state.js';

/** Protocols whose plain-text flows are reported (each has an encrypted form to move to). */
export const REPORTED_PLAINTEXT = new Set(['http', 'ftp', 'telnet', 'smtp', 'pop3', 'imap', 'ldap', 'redis', 'mysql', 'postgresql', 'snmp', 'mqtt', 'memcached', 'vnc', 'rexec', 'rlogin', 'rsh', 'docker']);

export const PLAINTEXT_LIMITS = { maxServices: 4096 } as const;

export function createPlaintextDetector(limits = PLAINTEXT_LIMITS): Detector<CaptureEvent> {
  const services = new BoundedMap<string, { protocol: string; target: string; flows: number; bytes: number; firstFrame: number; firstUs: number }>(limits.maxServices);
  const raiser = new Raiser();
  return {
    name: 'plaintext',
    observe(e) {
      const out: Finding[] = [];
      if (e.kind === 'credential') {
        const c = e.credential;
        const target = `${e.flow.server}:${e.flow.serverPort}`;
        const where = at(e.frameNumber, e.timestampUs);
        const id = c.kind === 'session-cookie' ? 'capture.plaintext.session-cookie' : 'capture.plaintext.credentials';
        const secret = c.secret ? ` ${describeRedacted(c.secret)}` : '';
        raiser.raise(out, id, `${target}|${c.protocol}|${c.kind}|${c.user}|${c.secret?.saltedSha256Prefix}`, target, `${c.protocol} ${c.kind} from ${e.flow.client} to ${target}${c.user !== null ? `, user ${JSON.stringify(c.user)}` : ''}${secret}, ${where}`, c.kind === 'http-digest' || c.kind === 'apop' || c.kind === 'password-md5' ? 'medium' : undefined);
        return out;
      }
      if (e.kind === 'flow-end' && !e.encrypted && e.protocol && REPORTED_PLAINTEXT.has(e.protocol) && e.bytes > 0) {
        const target = `${e.flow.server}:${e.flow.serverPort}`;
        const key = `${e.protocol}|${target}`;
        const s = services.get(key) ?? { protocol: e.protocol, target, flows: 0, bytes: 0, firstFrame: e.frameNumber, firstUs: e.timestampUs };
        s.flows++;
        s.bytes += e.bytes;
        services.set(key, s);
      }
      return out;
    },
    finish() {
      const out: Finding[] = [];
      for (const s of [...services.values()].sort((a, b) => b.bytes - a.bytes)) {
        raiser.raise(out, 'capture.plaintext.protocol', `${s.protocol}|${s.target}`, s.target, `${s.protocol} in the clear to ${s.target}: ${s.flows} flow(s), ${s.bytes} bytes, first seen in frame ${s.firstFrame}`);
      }
      return out;
    },
  };
}
