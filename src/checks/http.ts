/**
 * HTTP posture checks over an HttpObservation: HSTS (RFC 6797), the plain-HTTP redirect chain, cookies and mixed
 * content. Registered through src/checks/posture.ts.
 */
import { defineCheck } from './registry.js';
import { HSTS_MIN_MAX_AGE, preloadBlockers } from '../posture/hsts.js';
import type { HttpHop, HttpObservation } from '../posture/types.js';

declare module '../checks/types.js' {
  interface ObservationMap {
    /** `/` over HTTPS and the plain-HTTP redirect chain of one site (src/posture probeHttp). */
    http: HttpObservation;
  }
}

const RFC6797 = 'https://www.rfc-editor.org/rfc/rfc6797';
const PRELOAD = 'https://hstspreload.org/#submission-requirements';
const MIXED = 'https://www.w3.org/TR/mixed-content/';

const httpsAnswered = (o: HttpObservation) => o.https !== null && o.https.status !== null;
const sameHost = (a: string, b: string) => new URL(a).hostname.toLowerCase() === new URL(b).hostname.toLowerCase();
const plainAnswered = (o: HttpObservation) => o.httpChain.length > 0 && o.httpChain[0]!.status !== null;

/** Whether the first plain-HTTP hop redirects to HTTPS on the same host (null: plain HTTP not answered). */
export function firstHopToHttpsSameHost(o: HttpObservation): boolean | null {
  const first = o.httpChain[0];
  if (!first || first.status === null) return null;
  if (!first.location || first.status < 300 || first.status > 399) return false;
  const second = o.httpChain[1];
  const target = second?.url ?? (() => {
    try {
      return new URL(first.location!, first.url).href;
    } catch {
      return null;
    }
  })();
  return target !== null && target.startsWith('https:') && sameHost(target, first.url);
}

const downgrades = (chain: HttpHop[]): string[] => {
  const out: string[] = [];
  for (let i = 1; i < chain.length; i++) if (chain[i - 1]!.url.startsWith('https:') && chain[i]!.url.startsWith('http:')) out.push(`${chain[i - 1]!.url} → ${chain[i]!.url}`);
  return out;
};

export const httpChecks = [
  defineCheck({
    id: 'http.hsts.missing',
    source: 'http',
    pillar: 'encryption',
    severity: 'medium',
    title: 'No Strict-Transport-Security header over HTTPS',
    description:
      'Without HSTS a browser that is sent to http:// (a typed address, an old link, a man in the middle rewriting links) makes the first request in clear text, which sslstrip-style attacks hijack.',
    remediation: 'Send `Strict-Transport-Security: max-age=31536000; includeSubDomains` on every HTTPS response (nginx: add_header ... always).',
    references: [RFC6797, 'https://cheatsheetseries.owasp.org/cheatsheets/HTTP_Strict_Transport_Security_Cheat_Sheet.html'],
    evaluate: (o) => (httpsAnswered(o) && o.https!.hsts === null ? { evidence: `GET ${o.https!.url} answered ${o.https!.status} without Strict-Transport-Security` } : null),
  }),
  defineCheck({
    id: 'http.hsts.invalid',
    source: 'http',
    pillar: 'encryption',
    severity: 'medium',
    title: 'The Strict-Transport-Security header is invalid',
    description: 'Browsers ignore an HSTS header that breaks RFC 6797 §6.1 (missing max-age, repeated directives), so the site has no HSTS at all.',
    remediation: 'Send exactly one well-formed header: `max-age=<seconds>` plus optional `includeSubDomains` and `preload`, each once.',
    references: [RFC6797],
    evaluate: (o) => (o.https?.policy && !o.https.policy.valid ? { evidence: `${JSON.stringify(o.https.hsts)}: ${o.https.policy.problems.join('; ')}` } : null),
  }),
  defineCheck({
    id: 'http.hsts.short-max-age',
    source: 'http',
    pillar: 'encryption',
    severity: 'low',
    title: 'HSTS max-age is shorter than one year',
    description: 'A short max-age lets the policy lapse between visits, re-opening the first-request window; max-age=0 removes it.',
    remediation: `Raise max-age to at least ${HSTS_MIN_MAX_AGE} seconds (one year).`,
    references: [RFC6797, PRELOAD],
    evaluate: (o) => {
      const p = o.https?.policy;
      if (!p?.valid || p.maxAge === null || p.maxAge >= HSTS_MIN_MAX_AGE) return null;
      return { evidence: `max-age=${p.maxAge}${p.maxAge === 0 ? ' (deletes the policy)' : ''}`, ...(p.maxAge < 86_400 ? { severity: 'medium' as const } : {}) };
    },
  }),
  defineCheck({
    id: 'http.hsts.no-include-subdomains',
    source: 'http',
    pillar: 'encryption',
    severity: 'low',
    title: 'HSTS does not include subdomains',
    description: 'Without includeSubDomains a man in the middle can use a plain-HTTP subdomain to set or read cookies scoped to the parent domain.',
    remediation: 'Add includeSubDomains once every subdomain serves HTTPS.',
    references: ['https://www.rfc-editor.org/rfc/rfc6797#section-14.4', PRELOAD],
    evaluate: (o) => (o.https?.policy?.valid && !o.https.policy.includeSubDomains ? { evidence: `Strict-Transport-Security: ${o.https.hsts}` } : null),
  }),
  defineCheck({
    id: 'http.hsts.not-preload-ready',
    source: 'http',
    pillar: 'encryption',
    severity: 'info',
    title: 'The site is not eligible for the HSTS preload list',
    description: 'Only preloading protects the very first visit. The preload list asks for max-age of a year, includeSubDomains, the preload directive, and a same-host redirect from HTTP.',
    remediation: 'Meet the hstspreload.org requirements, then submit the registrable domain.',
    references: [PRELOAD],
    evaluate: (o) => {
      if (!o.https?.policy?.valid) return null;
      const blockers = preloadBlockers(o.https.policy, firstHopToHttpsSameHost(o));
      return blockers.length ? { evidence: blockers.join('; ') } : null;
    },
  }),
  defineCheck({
    id: 'http.hsts.over-http',
    source: 'http',
    pillar: 'encryption',
    severity: 'info',
    title: 'HSTS is sent over plain HTTP, where browsers ignore it',
    description: 'RFC 6797 §8.1 makes browsers ignore Strict-Transport-Security on plain-HTTP responses (a man in the middle could forge or strip it), so sending it there protects nothing.',
    remediation: 'Redirect plain HTTP to HTTPS and send HSTS on the HTTPS responses.',
    references: ['https://www.rfc-editor.org/rfc/rfc6797#section-8.1'],
    evaluate: (o) => {
      const hop = o.httpChain.find((h) => h.url.startsWith('http:') && h.hsts !== null);
      return hop ? { evidence: `${hop.url} sent Strict-Transport-Security: ${hop.hsts}` } : null;
    },
  }),
  defineCheck({
    id: 'http.redirect.missing',
    source: 'http',
    pillar: 'encryption',
    severity: 'high',
    title: 'Plain HTTP serves content instead of redirecting to HTTPS',
    description: 'The plain-HTTP chain ends in a page served over http://: everything on it, and every form posted from it, is readable and changeable on the path.',
    remediation: 'Answer every plain-HTTP request with a 301/308 to the same URL over HTTPS (nginx: return 301 https://$host$request_uri;).',
    references: ['https://cheatsheetseries.owasp.org/cheatsheets/Transport_Layer_Security_Cheat_Sheet.html'],
    evaluate: (o) => {
      const last = o.httpChain[o.httpChain.length - 1];
      if (!last || last.status === null || !last.url.startsWith('http:')) return null;
      if (last.status >= 300 && last.status <= 399) return null;
      return { evidence: `${last.url} answered ${last.status} over plain HTTP${o.httpChain.length > 1 ? ` after ${o.httpChain.length - 1} redirect(s)` : ''}` };
    },
  }),
  defineCheck({
    id: 'http.redirect.first-hop',
    source: 'http',
    pillar: 'encryption',
    severity: 'medium',
    title: 'The first redirect does not go to HTTPS on the same host',
    description: 'When the first hop goes to another host or stays on plain HTTP, the HSTS policy of the original host is never set and the chain can be hijacked before it reaches HTTPS.',
    remediation: 'Redirect http://host/ to https://host/ first; redirect to other hosts only from HTTPS.',
    references: [PRELOAD, RFC6797],
    evaluate: (o) => {
      const first = o.httpChain[0];
      if (!first || first.status === null || !first.location || first.status < 300 || first.status > 399) return null;
      return firstHopToHttpsSameHost(o) === false ? { evidence: `${first.url} redirects to ${first.location}` } : null;
    },
  }),
  defineCheck({
    id: 'http.redirect.downgrade',
    source: 'http',
    pillar: 'encryption',
    severity: 'high',
    title: 'The redirect chain goes from HTTPS back to HTTP',
    description: 'A hop from https:// to http:// hands the request to whoever sits on the path.',
    remediation: 'Make every redirect target an https:// URL.',
    references: [RFC6797],
    evaluate: (o) => {
      const d = downgrades(o.httpChain);
      return d.length ? { evidence: d.join('; ') } : null;
    },
  }),
  defineCheck({
    id: 'http.cookie.not-secure',
    source: 'http',
    pillar: 'encryption',
    severity: 'medium',
    title: 'Cookies are set without the Secure attribute',
    description: 'A cookie without Secure is also sent over plain HTTP, where a man in the middle reads it (session hijacking) — even on an HTTPS-only site, by luring the browser to any http:// URL of the domain.',
    remediation: 'Set Secure (and HttpOnly, SameSite) on every cookie; use the __Host- prefix for session cookies.',
    references: ['https://www.rfc-editor.org/rfc/rfc6265#section-4.1.2.5'],
    evaluate: (o) => {
      const cookies = [...(o.https?.cookies ?? []), ...o.httpChain.flatMap((h) => h.cookies)].filter((c) => !c.secure);
      if (!cookies.length) return null;
      const names = [...new Set(cookies.map((c) => `${c.name}${c.overHttps ? '' : ' (set over plain HTTP)'}`))];
      return { evidence: `without Secure: ${names.join(', ')}` };
    },
  }),
  defineCheck({
    id: 'http.mixed-content',
    source: 'http',
    pillar: 'encryption',
    severity: 'medium',
    title: 'The HTTPS landing page loads resources over plain HTTP',
    description: 'Scripts, stylesheets, frames or forms referenced by http:// URLs on an HTTPS page can be replaced on the path; active content gives a man in the middle the page.',
    remediation: 'Reference every subresource by https:// (or a relative URL); add `Content-Security-Policy: upgrade-insecure-requests` while migrating.',
    references: [MIXED],
    evaluate: (o) => {
      const m = o.https?.mixedContent ?? [];
      if (!m.length) return null;
      return { evidence: m.map((x) => `<${x.element}> ${x.url}`).join(', '), severity: m.some((x) => x.active) ? 'medium' : 'low' };
    },
  }),
];
