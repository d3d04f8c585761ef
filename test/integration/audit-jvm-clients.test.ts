/**
 * The client audit against a JVM client: java.net.http.HttpClient (OpenJDK) trusting the lab CA through its own
 * KeyStore, the way application code does it. A representative subset of the catalogue keeps the JVM start-ups few.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runExecAudit, type AuditReport } from '../../src/audit/index.js';

const withVerdict = (r: AuditReport, verdict: string) => r.results.filter((x) => x.verdict === verdict).map((x) => x.scenario).sort();

const SOURCE = `
import java.io.FileInputStream;
import java.net.URI;
import java.net.http.*;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Base64;
import javax.net.ssl.*;

public class Fetch {
  public static void main(String[] a) throws Exception {
    KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
    ks.load(null, null);
    try (FileInputStream in = new FileInputStream(a[1])) {
      ks.setCertificateEntry("lab", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    HttpClient client = HttpClient.newBuilder().sslContext(ctx).connectTimeout(Duration.ofSeconds(10)).build();
    String auth = Base64.getEncoder().encodeToString(("audit:" + a[2]).getBytes());
    HttpRequest req = HttpRequest.newBuilder(URI.create(a[0])).header("Authorization", "Basic " + auth).timeout(Duration.ofSeconds(10)).build();
    System.out.println(client.send(req, HttpResponse.BodyHandlers.ofString()).statusCode());
  }
}
`;

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'mg-audit-jvm-'));
  writeFileSync(join(dir, 'Fetch.java'), SOURCE);
  execFileSync('javac', ['-d', dir, join(dir, 'Fetch.java')], { stdio: 'ignore', timeout: 120_000 });
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('Java HttpClient with a custom trust anchor refuses forged chains and names but accepts SHA-1 and RSA-1024 leaves', async () => {
  const report = await runExecAudit({
    protocol: 'https',
    only: ['self-signed', 'untrusted-ca', 'wrong-host', 'expired', 'eku-client-auth', 'nul-byte-cn', 'sha1-signature', 'md5-signature', 'rsa-1024-key', 'mimic-upstream', 'tls10-only', 'hsts-downgrade'],
    command: `java -cp ${dir} Fetch {url} {ca} {token}`,
    concurrency: 4,
    timeoutMs: 60_000,
  });
  // Surprising, recorded in docs/clients/java.md: the JDK's SHA-1 restriction ("SHA1 jdkCA & usage TLSServer") applies
  // only to chains anchored in the JDK's own cacerts, so a private CA may still issue SHA-1 leaves; RSA-1024 is allowed.
  assert.deepEqual(withVerdict(report, 'accepted'), ['baseline', 'rsa-1024-key', 'sha1-signature']);
  // HttpClient follows an http:// URL with no HSTS memory.
  assert.deepEqual(withVerdict(report, 'accepted-plaintext'), ['hsts-downgrade']);
  for (const id of ['self-signed', 'untrusted-ca', 'wrong-host', 'expired', 'eku-client-auth', 'nul-byte-cn', 'md5-signature', 'mimic-upstream', 'tls10-only']) {
    assert.equal(report.results.find((r) => r.scenario === id)!.verdict, 'rejected', id);
  }
});
