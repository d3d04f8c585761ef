/** A minimal ES256 ACME client (RFC 8555) for tests: enough to drive orders and see the server refuse what it must. */
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

/** A minimal ES256 ACME client: enough to see the server refuse what it must. */
export class Es256Client {
  constructor(private readonly directory: string) {}
  readonly key: KeyObject = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
  kid = '';
  dir: Record<string, string> = {};
  async init(): Promise<void> {
    this.dir = (await (await fetch(this.directory)).json()) as Record<string, string>;
  }
  async nonce(): Promise<string> {
    return (await fetch(this.dir.newNonce!, { method: 'HEAD' })).headers.get('replay-nonce')!;
  }
  async post(url: string, payload: unknown, opts: { nonce?: string; forge?: boolean; jwk?: boolean } = {}): Promise<{ status: number; body: Record<string, unknown>; location: string | null }> {
    const jwk = this.key.export({ format: 'jwk' });
    const header = { alg: 'ES256', nonce: opts.nonce ?? (await this.nonce()), url, ...(opts.jwk || !this.kid ? { jwk: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y } } : { kid: this.kid }) };
    const p = Buffer.from(JSON.stringify(header)).toString('base64url');
    const b = payload === '' ? '' : Buffer.from(JSON.stringify(payload)).toString('base64url');
    const sig = sign('sha256', Buffer.from(`${p}.${b}`), { key: this.key, dsaEncoding: 'ieee-p1363' });
    if (opts.forge) sig[0] = sig[0]! ^ 1;
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/jose+json' }, body: JSON.stringify({ protected: p, payload: b, signature: sig.toString('base64url') }) });
    const text = await res.text();
    return { status: res.status, body: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : { text }, location: res.headers.get('location') };
  }

  /** Poll a URL (POST-as-GET) until its status is one of `final`, at most `tries` times 200 ms apart. */
  async poll(url: string, final: string[], tries = 75): Promise<Record<string, unknown>> {
    let body: Record<string, unknown> = {};
    for (let i = 0; i < tries; i++) {
      body = (await this.post(url, '')).body;
      if (final.includes(String(body.status))) return body;
      await new Promise((r) => setTimeout(r, 200));
    }
    return body;
  }
  /** The key authorization for a token (RFC 8555 §8.1). */
  keyAuthorization(token: string): string {
    const jwk = this.key.export({ format: 'jwk' });
    const thumb = createHash('sha256').update(JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y })).digest('base64url');
    return `${token}.${thumb}`;
  }
}
