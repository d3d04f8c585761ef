/**
 * mitmguard scan of STARTTLS services: every probe (raw ClientHellos and node:tls handshakes alike) goes through the
 * connector, which runs the plain-text dialogue (src/starttls) before the ClientHello. Real postfix and PostgreSQL.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { scanTarget } from '../../src/scan/index.js';
import { startPostfix, startPostgres, type Daemon } from '../helpers/daemons.js';

describe('scan of STARTTLS services', { timeout: 300_000 }, () => {
  let postfix: Daemon;
  let postgres: Daemon;
  let plainPostfix: Daemon;
  before(async () => {
    [postfix, postgres, plainPostfix] = await Promise.all([
      startPostfix({ starttls: true }),
      startPostgres({ ssl: true, hba: 'hostssl' }),
      startPostfix({ starttls: false }),
    ]);
  });
  after(async () => {
    await Promise.all([postfix?.stop(), postgres?.stop(), plainPostfix?.stop()]);
  });

  it('enumerates TLS versions, suites and the certificate of postfix behind SMTP STARTTLS', async () => {
    const r = await scanTarget(`smtp://127.0.0.1:${postfix.port}`, { timeoutMs: 15_000, sni: 'mx.example.test' });
    assert.equal(r.ok, true, JSON.stringify(r.error));
    assert.equal(r.starttls, 'smtp');
    assert.equal(r.tls!.protocols['TLSv1.2'], true);
    assert.ok((r.tls!.cipherSuites['TLSv1.2'] ?? []).length > 0);
    assert.ok(r.tls!.certificates[0]!.sans.includes('mx.example.test'));
    assert.deepEqual(r.tls!.probeErrors, []);
  });

  it('enumerates PostgreSQL behind its SSLRequest, chosen with --starttls on a bare host:port', async () => {
    const r = await scanTarget(`127.0.0.1:${postgres.port}`, { timeoutMs: 15_000, starttls: 'postgres' });
    assert.equal(r.ok, true, JSON.stringify(r.error));
    assert.equal(r.starttls, 'postgres');
    assert.equal(r.tls!.protocols['TLSv1.3'] || r.tls!.protocols['TLSv1.2'], true);
    assert.ok(r.tls!.certificates.length > 0);
  });

  it('reports MG_ERR_STARTTLS for a mail server that does not offer STARTTLS', async () => {
    const r = await scanTarget(`smtp://127.0.0.1:${plainPostfix.port}`, { timeoutMs: 15_000 });
    assert.equal(r.ok, false);
    assert.equal(r.error?.code, 'MG_ERR_STARTTLS');
  });
});
