/**
 * Checks of the BGP area (issue 13): hijacks, RPKI origin validation, visibility, path and neighbour changes.
 * Each reads one `bgp-alert` observation (src/bgp/observations.ts) raised by the monitors in src/bgp/monitor.ts.
 */
import '../bgp/observations.js';
import type { BgpAlert, BgpAlertKind } from '../bgp/observations.js';
import type { Severity } from '../model/index.js';
import { defineCheck } from './registry.js';

const RFC6811 = 'https://www.rfc-editor.org/rfc/rfc6811';
const RFC6480 = 'https://www.rfc-editor.org/rfc/rfc6480';
const RFC7908 = 'https://www.rfc-editor.org/rfc/rfc7908';
const RFC4271 = 'https://www.rfc-editor.org/rfc/rfc4271';
const MANRS = 'https://www.manrs.org/netops/guide/';

function evidence(a: BgpAlert): string {
  const parts = [a.detail];
  if (a.path !== undefined) parts.push(`path ${a.path || '(empty)'}`);
  if (a.peers.length) parts.push(`seen from ${a.peers.join(', ')}`);
  if (a.rov?.vrps.length) parts.push(`VRPs ${a.rov.vrps.join(', ')}`);
  parts.push(`at ${a.time}`);
  return parts.join('; ');
}

function alertCheck(kind: BgpAlertKind, fields: { id: string; severity: Severity; title: string; description: string; remediation: string; references: string[] }, severityOf?: (a: BgpAlert) => Severity | undefined) {
  return defineCheck({
    ...fields,
    source: 'bgp-alert',
    pillar: 'network',
    evaluate: (a) => {
      if (a.kind !== kind) return null;
      const s = severityOf?.(a);
      return s ? { evidence: evidence(a), severity: s } : { evidence: evidence(a) };
    },
  });
}

export const bgpChecks = [
  alertCheck('hijack-exact', {
    id: 'bgp.hijack.exact-prefix',
    severity: 'critical',
    title: 'Our prefix is originated by an unexpected AS',
    description: 'A route for one of our prefixes has an origin AS that the monitor file does not list: an origin hijack (or a forgotten legitimate origin). Traffic that follows it goes to the other network — the largest man in the middle there is.',
    remediation: 'Confirm with the origin AS whether it is authorised; if not, contact it and its upstreams, announce the same prefix and more-specifics from your AS, publish ROAs so RPKI-validating networks drop the hijack. If it is legitimate, add it to the prefix\'s origins.',
    references: [RFC6811, RFC7908, MANRS],
  }),
  alertCheck('hijack-more-specific', {
    id: 'bgp.hijack.more-specific',
    severity: 'critical',
    title: 'A more-specific of our prefix is originated by an unexpected AS',
    description: 'A prefix inside one of ours is announced by another AS. Longest-prefix match makes every router prefer it, so it draws the traffic even where our own route is still seen (sub-prefix hijack).',
    remediation: 'Find out whether the space is delegated to that AS; if not, announce the same more-specifics yourself, contact the origin and its upstreams, and publish ROAs with a maxLength equal to what you announce so the hijack is RPKI-invalid. If it is delegated, set ignoreMorespecifics or list it with its origin.',
    references: [RFC7908, RFC6811, MANRS],
  }),
  alertCheck('moas', {
    id: 'bgp.hijack.moas',
    severity: 'medium',
    title: 'Our prefix is seen with more than one origin AS (MOAS)',
    description: 'The same prefix is originated by several ASes at once (or the path ends in an AS_SET). This can be legitimate anycast or multi-homing, or one of the origins is a hijacker.',
    remediation: 'Check every origin against who is authorised to announce the prefix; list the legitimate ones in the monitor file and in ROAs.',
    references: ['https://www.rfc-editor.org/rfc/rfc1930', RFC6811],
  }),
  alertCheck('rpki-invalid', {
    id: 'bgp.rpki.invalid',
    severity: 'high',
    title: 'RPKI-invalid announcement of our prefix or by our AS',
    description: 'RFC 6811 origin validation says the route is invalid: VRPs cover it, but none authorises its origin AS, or the prefix is longer than the maxLength allows. Networks that validate drop it; if the origin is ours, our own announcement is being dropped; if not, it is a hijack that RPKI catches.',
    remediation: 'If the origin is ours: fix the ROA (add the AS, or raise maxLength to what you announce) or stop the announcement. If it is not: treat it as a hijack and contact the origin; your ROAs are doing their job.',
    references: [RFC6811, RFC6480, 'https://www.rfc-editor.org/rfc/rfc9319'],
  }, (a) => (a.origin !== undefined && a.origin !== null && a.expectedOrigins?.includes(a.origin) ? 'high' : 'critical')),
  alertCheck('rpki-not-covered', {
    id: 'bgp.rpki.not-covered',
    severity: 'medium',
    title: 'Our prefix is not covered by any ROA',
    description: 'No VRP covers the prefix, so its RPKI state is NotFound and validating networks cannot tell a hijack from the real route.',
    remediation: 'Create a ROA for the prefix with your origin AS and a maxLength equal to the longest prefix you announce (RFC 9319: no looser).',
    references: [RFC6480, 'https://www.rfc-editor.org/rfc/rfc9319'],
  }),
  alertCheck('roa-expiring', {
    id: 'bgp.rpki.roa-expiring',
    severity: 'medium',
    title: 'A ROA covering our prefix expires soon',
    description: 'A VRP covering or inside one of our prefixes expires (its ROA or a certificate in its chain) within the configured window. When it lapses the route becomes NotFound, or Invalid if another ROA still covers it.',
    remediation: 'Renew the ROA (or the certificate chain behind it) at your RIR or in your hosted/delegated CA before it expires.',
    references: [RFC6480, 'https://www.rfc-editor.org/rfc/rfc6482'],
  }, (a) => (a.detail.includes('has expired') ? 'high' : undefined)),
  alertCheck('visibility-loss', {
    id: 'bgp.visibility.loss',
    severity: 'high',
    title: 'Our prefix lost visibility',
    description: 'The prefix was withdrawn (or its sessions went down) at a share of the peers that had it at or above the configured threshold: its traffic may be blackholed, or reaching us only through fewer paths.',
    remediation: 'Check the announcing routers and their sessions, filters at the upstreams, and whether a more-specific elsewhere took the traffic.',
    references: [RFC4271],
  }),
  alertCheck('new-prefix', {
    id: 'bgp.origin.new-prefix',
    severity: 'low',
    title: 'Our AS originates a prefix the monitor file does not list',
    description: 'One of our monitored ASes announces a prefix (or a more-specific of ours) that is not in the monitor file: a leak of an internal route, a typo, or a new announcement nobody added to monitoring.',
    remediation: 'If it is intended, add it to the monitor file (and publish a ROA); otherwise withdraw it and check the export filters.',
    references: [MANRS],
  }),
  alertCheck('unexpected-upstream', {
    id: 'bgp.path.unexpected-upstream',
    severity: 'medium',
    title: 'An unexpected upstream AS appears next to our origin',
    description: 'The AS left of our origin in the path is not one of the expected upstreams: a route leak, a new provider, or a path-manipulation attack that keeps our origin but forges the adjacency.',
    remediation: 'Confirm whether the adjacency exists; if not, contact the AS and its upstreams. Add real new upstreams to the monitor file.',
    references: [RFC7908, 'https://datatracker.ietf.org/doc/draft-ietf-sidrops-aspa-verification/'],
  }),
  alertCheck('unexpected-downstream', {
    id: 'bgp.path.unexpected-downstream',
    severity: 'medium',
    title: 'An unexpected downstream AS appears next to our AS',
    description: 'The AS right of one of our monitored ASes in a path is not one of its expected downstreams: we may be leaking or transiting routes we should not.',
    remediation: 'Check the import and export filters of the session with that AS.',
    references: [RFC7908],
  }),
  alertCheck('path-match', {
    id: 'bgp.path.pattern-match',
    severity: 'medium',
    title: 'An AS path to our prefix matches a configured condition',
    description: 'A path matched a rule of the monitor file (a regular expression on the comma-separated path, or a minimum or maximum length).',
    remediation: 'Follow the procedure the rule was written for (its matchDescription).',
    references: [RFC4271],
  }),
];
