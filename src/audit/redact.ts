/**
 * Captured secrets never leave the moment they arrive: a password, an Authorization header or a RESP AUTH argument is
 * reduced to an HMAC-SHA-256 under a random key of this run (never stored), a length range, and whether it held the
 * run's canary token — proof that a secret was sent, without the secret and without a hash a guessed password could be
 * checked against offline. Free text (client stderr, the command template) is scrubbed of the token in every encoding a
 * client prints it in, and of the credentials a command line carries.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { RedactedSecret } from './types.js';

const asBytes = (v: Uint8Array | string): Buffer => (typeof v === 'string' ? Buffer.from(v, 'utf8') : Buffer.from(v));

/** A fresh key for one audit run: HMACs of one run can be compared with each other, never with a guess. */
export function newRunSalt(): Uint8Array {
  return randomBytes(32);
}

/** Lengths are reported as a power-of-two range, so the report does not give a guesser the exact length either. */
function lengthRange(n: number): [number, number] {
  if (n === 0) return [0, 0];
  let hi = 8;
  while (hi < n) hi *= 2;
  return [hi === 8 ? 1 : hi / 2 + 1, hi];
}

/** HMAC and measure a secret; `token` is the run's canary, looked for inside the secret; `salt` the run's key. */
export function redactSecret(secret: Uint8Array | string, token: string | undefined, salt: Uint8Array): RedactedSecret {
  const bytes = asBytes(secret);
  return {
    hmac: createHmac('sha256', salt).update(bytes).digest('hex').slice(0, 16),
    lengthRange: lengthRange(bytes.length),
    containsToken: token !== undefined && token.length > 0 && bytes.includes(Buffer.from(token, 'utf8')),
  };
}

/** One line of evidence for a secret: `(redacted, 9–16 bytes, run hmac 3f2a9c01…, holds the canary token)`. */
export function describeSecret(s: RedactedSecret): string {
  const [lo, hi] = s.lengthRange;
  return `(redacted, ${lo}–${hi} bytes, run hmac ${s.hmac.slice(0, 8)}…${s.containsToken ? ', holds the canary token' : ''})`;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Runs that may be base64 or base64url (RFC 4648 §4, §5), long enough to hide a token. */
const BASE64_RUN = /[A-Za-z0-9+/_-]{8,}={0,2}/g;
/** Runs of percent-encoded or plain URL characters (RFC 3986 §2.1). */
const PERCENT_RUN = /(?:%[0-9A-Fa-f]{2}|[A-Za-z0-9._~-])*%[0-9A-Fa-f]{2}(?:%[0-9A-Fa-f]{2}|[A-Za-z0-9._~-])*/g;

function decodesToToken(run: string, token: string): boolean {
  const padded = run.replace(/-/g, '+').replace(/_/g, '/');
  // A run may start mid-quantum (`Basic ` precedes it) or be cut: try the four alignments.
  for (let cut = 0; cut < 4 && cut < padded.length; cut++) {
    const body = padded.slice(cut).replace(/=+$/, '');
    const usable = body.slice(0, body.length - (body.length % 4 === 1 ? 1 : 0));
    if (Buffer.from(usable, 'base64').toString('latin1').includes(token)) return true;
  }
  return false;
}

/**
 * Replace the token in `text` in every encoding a client prints it in: as is, hex (either case), percent-encoded, and
 * inside base64 or base64url (`Authorization: Basic YWRtaW46…`, a JWT): the whole encoded run becomes `<token>`.
 */
export function scrubToken(text: string, token: string | undefined): string {
  if (!token) return text;
  let out = text.split(token).join('<token>');
  const hex = Buffer.from(token, 'utf8').toString('hex');
  out = out.replace(new RegExp(escapeRe(hex), 'gi'), '<token>');
  out = out.replace(PERCENT_RUN, (run) => {
    try {
      return decodeURIComponent(run).includes(token) ? '<token>' : run;
    } catch {
      return run;
    }
  });
  return out.replace(BASE64_RUN, (run) => (decodesToToken(run, token) ? '<token>' : run));
}

/**
 * Credentials a command line or a client's log carries, whatever the token: URL user info, `-u user:pass`,
 * `--pass`/`--password`/`-a` (redis-cli) values, `PGPASSWORD=`/`password=` assignments, Authorization header values.
 * Placeholders (`{token}`) are kept: they name where the canary goes, they are not secrets.
 */
const CREDENTIAL_PATTERNS: ReadonlyArray<[RegExp, string]> = [
  // RFC 3986 §3.2.1 userinfo: keep the user, hide the password.
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^\s:@/]*:)[^\s@/]+@/gi, '$1<redacted>@'],
  [/((?:^|\s)(?:-u|--user|--proxy-user)\s+[^\s:]*:)\S+/g, '$1<redacted>'],
  [/((?:^|\s)(?:--pass|--password|--auth-password|-a)(?:\s+|=))\S+/g, '$1<redacted>'],
  [/(\b(?:PGPASSWORD|REDISCLI_AUTH|password|passwd|pwd)=)[^\s&'"]+/gi, '$1<redacted>'],
  [/(\bauthorization:\s*(?:[A-Za-z-]+\s+)?)\S+/gi, '$1<redacted>'],
];

export function redactCredentials(text: string): string {
  return CREDENTIAL_PATTERNS.reduce((t, [re, by]) => t.replace(re, (...m) => (String(m[0]).includes('{token}') ? String(m[0]) : String(m[0]).replace(re, by))), text);
}

/** Client stderr as stored: token scrubbed in every encoding, then credentials, then the tail kept. */
export function scrubClientText(text: string, token: string | undefined, keep: number): string {
  return redactCredentials(scrubToken(text, token)).trim().slice(-keep);
}

/**
 * A request target with query values hidden: `/login?user=a&pw=b` → `/login?user=<redacted>&pw=<redacted>`.
 * Query strings carry tokens often enough that the audit never stores their values.
 */
export function redactRequestTarget(target: string): string {
  const q = target.indexOf('?');
  if (q < 0) return target;
  const params = target.slice(q + 1).split('&').map((p) => {
    const eq = p.indexOf('=');
    return eq < 0 ? p : `${p.slice(0, eq)}=<redacted>`;
  });
  return `${target.slice(0, q)}?${params.join('&')}`;
}
