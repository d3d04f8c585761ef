/**
 * A small recorded scan (three endpoints, as the lab's modern, legacy and expired endpoints answered) for unit tests
 * of the renderers and for trying `mitmguard report` without a network. Certificate PEMs are omitted.
 */
import { parseHsts } from '../posture/hsts.js';
import type { CertificateFacts, ScanDocument, TargetReport, TlsFacts } from '../model/index.js';

const DAY = 86_400_000;

const cert = (now: Date, over: Partial<CertificateFacts>): CertificateFacts => ({
  pem: '',
  subject: 'CN=127.0.0.1',
  issuer: 'CN=mitmguard lab issuing CA,O=mitmguard lab',
  notBefore: new Date(now.getTime() - DAY).toISOString(),
  notAfter: new Date(now.getTime() + 89 * DAY).toISOString(),
  sans: ['127.0.0.1', 'localhost'],
  keyType: 'ec',
  keyBits: 256,
  signatureAlgorithm: 'ecdsa-with-SHA256',
  sha256: '00',
  ...over,
});

const tls = (over: Partial<TlsFacts>): TlsFacts => ({
  protocols: { SSLv2: false, SSLv3: false, 'TLSv1.0': false, 'TLSv1.1': false, 'TLSv1.2': true, 'TLSv1.3': true },
  cipherSuites: { 'TLSv1.2': ['TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256'], 'TLSv1.3': ['TLS_AES_128_GCM_SHA256'] },
  serverPreference: {},
  groups: ['x25519', 'secp256r1'],
  alpn: ['http/1.1'],
  certificates: [],
  ocspStapled: false,
  secureRenegotiation: true,
  fallbackScsv: true,
  compression: false,
  ...over,
});

export function sampleScanDocument(now = new Date()): ScanDocument {
  const targets: TargetReport[] = [
    {
      target: 'https://127.0.0.1:8443',
      host: '127.0.0.1',
      port: 8443,
      ok: true,
      error: null,
      tls: tls({ certificates: [cert(now, {})] }),
      findings: [],
      durationMs: 410,
      http: {
        target: 'https://127.0.0.1:8443',
        host: '127.0.0.1',
        https: { url: 'https://127.0.0.1:8443/', status: 200, location: null, hsts: 'max-age=63072000; includeSubDomains', cookies: [], error: null, policy: parseHsts('max-age=63072000; includeSubDomains'), mixedContent: [] },
        httpChain: [],
      },
    } as TargetReport,
    {
      target: 'https://127.0.0.1:8444',
      host: '127.0.0.1',
      port: 8444,
      ok: true,
      error: null,
      tls: tls({
        protocols: { SSLv2: false, SSLv3: false, 'TLSv1.0': true, 'TLSv1.1': true, 'TLSv1.2': true, 'TLSv1.3': false },
        cipherSuites: { 'TLSv1.0': ['TLS_RSA_WITH_AES_128_CBC_SHA'], 'TLSv1.2': ['TLS_RSA_WITH_AES_128_CBC_SHA', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'] },
        certificates: [cert(now, { keyType: 'rsa', keyBits: 2048, signatureAlgorithm: 'ecdsa-with-SHA256' })],
      }),
      findings: [
        {
          id: 'tls.protocol.tls10-enabled',
          pillar: 'encryption',
          severity: 'medium',
          target: 'https://127.0.0.1:8444',
          title: 'TLS 1.0 is enabled',
          evidence: 'the server completed a TLS 1.0 handshake',
          remediation: 'Disable TLS 1.0 and 1.1 (RFC 8996).',
          references: ['RFC 8996'],
        },
      ],
      durationMs: 1200,
    },
    {
      target: 'https://127.0.0.1:8445',
      host: '127.0.0.1',
      port: 8445,
      ok: true,
      error: null,
      tls: tls({ certificates: [cert(now, { notBefore: new Date(now.getTime() - 120 * DAY).toISOString(), notAfter: new Date(now.getTime() - 30 * DAY).toISOString() })] }),
      findings: [],
      durationMs: 380,
    },
    { target: 'https://127.0.0.1:8446', host: '127.0.0.1', port: 8446, ok: false, error: { code: 'MG_ERR_CONNECT', message: 'connect ECONNREFUSED 127.0.0.1:8446' }, tls: null, findings: [], durationMs: 2 },
  ];
  return { tool: 'mitmguard', version: '0.1.0', startedAt: new Date(now.getTime() - 5000).toISOString(), finishedAt: now.toISOString(), targets };
}
