/**
 * Targets as URIs, for report formats that locate a result by URI (SARIF `artifactLocation.uri`, HTML links).
 * A target is whatever the user named: `host:port`, `smtp://host:25`, a file, or a client command.
 */

const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
const HOST_PORT = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+):(\d{1,5})$/i;
const BARE_HOST = /^[a-z0-9.-]+$/i;

/**
 * The URI of a target. `host:port` becomes `tls://host:port` (a TLS endpoint; RFC 3986 §3.2 authority), a URI stays as
 * it is, anything else (a file, a command) becomes a `urn:mitmguard:target:` URN with the text percent-encoded.
 *
 * @example targetUri('127.0.0.1:8443') // 'tls://127.0.0.1:8443'
 */
export function targetUri(target: string): string {
  const t = target.trim();
  if (HAS_SCHEME.test(t)) return encodeURI(decodeURISafe(t));
  if (HOST_PORT.test(t)) return `tls://${t.toLowerCase()}`;
  if (BARE_HOST.test(t) && t.includes('.')) return `tls://${t.toLowerCase()}:443`;
  return `urn:mitmguard:target:${encodeURIComponent(t)}`;
}

function decodeURISafe(s: string): string {
  try {
    return decodeURI(s);
  } catch {
    return s;
  }
}
