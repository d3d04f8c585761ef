/**
 * A ServerHello-only scanner cannot tell a server that supports a suite from one that names whatever was offered and
 * hangs up (the "echo" server). For the suites whose findings are critical — NULL, EXPORT, anonymous, single DES, RC4 —
 * one real handshake (node:tls, OpenSSL at security level 0) confirms the suite where this machine's OpenSSL can still
 * negotiate it; the rest are reported `confirmed: false`, which the checks carry into their evidence.
 */
import { connect as tlsConnect, type SecureVersion } from 'node:tls';
import type { ProtocolName, SuiteConfirmation, TlsFacts } from '../../model/index.js';
import { suiteByName, type CipherSuite } from '../wire/suites.js';
import { openConnection } from './connector.js';
import type { ProbeContext } from './context.js';
import { Limiter } from './limiter.js';

/** Confirmation handshakes per target; beyond it suites are reported unconfirmed (an echo server accepts hundreds). */
export const MAX_CONFIRMATIONS = 8;

/** The suites a single completed handshake should confirm before a critical finding rests on them. */
export function isCriticalSuite(s: CipherSuite): boolean {
  return s.cipher === 'NULL' || s.export || s.anonymous || s.cipher.startsWith('RC4') || (s.cipher.startsWith('DES') && !s.export);
}

const NODE_VERSIONS: Partial<Record<ProtocolName, SecureVersion>> = { 'TLSv1.0': 'TLSv1', 'TLSv1.1': 'TLSv1.1', 'TLSv1.2': 'TLSv1.2' };

/** One handshake offering only `suite` at `version`; resolves with what happened, never rejects. */
function handshakeWith(ctx: ProbeContext, version: SecureVersion, suite: CipherSuite): Promise<{ ok: boolean; detail: string }> {
  const s = ctx.settings;
  return Limiter.run(s.limiters, async () => {
    ctx.probes++;
    const socket = await openConnection(s.endpoint, { timeoutMs: s.timeoutMs, ...(s.signal ? { signal: s.signal } : {}) });
    return new Promise<{ ok: boolean; detail: string }>((resolve) => {
      let tls: ReturnType<typeof tlsConnect> | null = null;
      const timer = setTimeout(() => done(false, `no completed handshake within ${s.timeoutMs} ms`), s.timeoutMs);
      const done = (ok: boolean, detail: string) => {
        clearTimeout(timer);
        tls?.destroy();
        socket.destroy();
        resolve({ ok, detail });
      };
      try {
        tls = tlsConnect({
          socket,
          // Observing, not trusting: the chain is the validator's business. Level 0 lets OpenSSL offer these suites.
          rejectUnauthorized: false,
          ciphers: `${suite.openssl}:@SECLEVEL=0`,
          minVersion: version,
          maxVersion: version,
          ...(ctx.sni ? { servername: ctx.sni } : {}),
        });
      } catch (err) {
        done(false, `this machine's OpenSSL cannot offer it (${(err as Error).message})`);
        return;
      }
      tls.once('secureConnect', () => {
        const got = tls!.getCipher();
        if (got.standardName === suite.name) done(true, `a ${version} handshake completed with it`);
        else done(false, `the handshake completed with ${got.standardName} instead`);
      });
      tls.once('error', (err) => done(false, `the handshake failed: ${err.message}`));
    });
  }).catch((err: Error) => ({ ok: false, detail: `no connection: ${err.message}` }));
}

/** Confirm the critical suites of `cipherSuites`, at most MAX_CONFIRMATIONS handshakes, in order. */
export async function confirmCriticalSuites(ctx: ProbeContext, cipherSuites: TlsFacts['cipherSuites']): Promise<SuiteConfirmation[]> {
  let attempts = 0;
  const tasks: Array<Promise<SuiteConfirmation>> = [];
  for (const [version, names] of Object.entries(cipherSuites) as Array<[ProtocolName, string[]]>) {
    for (const name of names) {
      const suite = suiteByName(name);
      if (!suite || !isCriticalSuite(suite)) continue;
      const nodeVersion = NODE_VERSIONS[version];
      if (!nodeVersion || !suite.openssl) {
        tasks.push(Promise.resolve({ version, suite: name, confirmed: false, detail: 'only a ServerHello named it; no TLS stack here can complete a handshake with it' }));
      } else if (attempts >= MAX_CONFIRMATIONS) {
        tasks.push(Promise.resolve({ version, suite: name, confirmed: false, detail: `only a ServerHello named it; not attempted (more than ${MAX_CONFIRMATIONS} critical suites)` }));
      } else {
        attempts++;
        // In parallel, bounded by the context's limiters like every other probe.
        tasks.push(
          handshakeWith(ctx, nodeVersion, suite).then((r) => ({
            version, suite: name, confirmed: r.ok, detail: r.ok ? r.detail : `only a ServerHello named it; ${r.detail}`,
          })),
        );
      }
    }
  }
  return Promise.all(tasks);
}
