/**
 * The lab's wing targets as data (issues 12–15): artefacts the lab ships or runs that are not TLS endpoints — an 802.11
 * capture, Wi-Fi and VPN profiles with known flaws, the BGP lab — each a target of the main job's report
 * (`wifi:lab-air`), its findings those the wing's library reports. `expected.findings` must all be found, under `pillar`;
 * a miss fails the main job as an endpoint's does. Pure: no I/O here (the analyses are in src/lab/wings.ts).
 */
import type { ErrorInfo, Finding, Pillar, TargetReport } from '../model/index.js';
import type { ReportDocument } from '../report/model.js';
import type { ExpectationMiss } from './endpoints.js';

export type LabWingKind = 'wifi-air' | 'wifi-profiles' | 'vpn-configs' | 'bgp-lab' | 'capture-lab';

/** What the lab's socket-level recording held (src/lab/capture.ts). */
export interface LabCaptureObservation {
  frames: number;
  bytes: number;
  /** The file's own statement of what it is (its pcapng section comment). */
  comment: string;
  exchanges: Array<{ what: string; ok: boolean; error?: string }>;
}

/** What the lab's BGP run saw (src/lab/bgp.ts): sessions, announcements and the RPKI verdict of each (RFC 6811). */
export interface LabBgpObservation {
  collector: { asn: number; sessions: number; established: number };
  speakers: Array<{ name: string; asn: number; established: boolean; announced: number; closed: string }>;
  announcements: number;
  expectedAnnouncements: number;
  rpki: { valid: number; invalid: number; 'not-found': number };
}

declare module '../model/target.js' {
  interface TargetObservations {
    /** The `bgp:lab` target: the lab's collector and speakers. */
    labBgp?: LabBgpObservation | null;
    /** The `capture:lab-loopback` target: the lab's recording of its own login client. */
    labCapture?: LabCaptureObservation | null;
  }
}

export interface LabWingTarget {
  name: string;
  kind: LabWingKind;
  title: string;
  /** How it appears in the report. */
  target: string;
  pillar: Pillar;
  /** The files it reads, relative to the lab's samples directory (src/lab/samples/). */
  files: string[];
  expected: {
    findings: string[];
    /** `bgp-lab`: how many announcements must get each RPKI verdict. */
    rpki?: LabBgpObservation['rpki'];
  };
}

export const LAB_WING_TARGETS: LabWingTarget[] = [
  {
    name: 'lab-air',
    kind: 'wifi-air',
    title: '802.11 capture of the lab network LabCorp (WPA3-SAE): an open evil twin, a KARMA responder, a deauthentication flood',
    target: 'wifi:lab-air',
    pillar: 'network',
    files: ['lab-air.pcap', 'lab-air.yaml'],
    expected: { findings: ['wifi.ids.evil-twin-weaker', 'wifi.ids.karma', 'wifi.ids.deauth-flood'] },
  },
  {
    name: 'lab-profiles',
    kind: 'wifi-profiles',
    title: 'Wi-Fi profiles of a lab laptop (wpa_supplicant, NetworkManager): EAP without a CA, WEP, a short PSK without PMF, open autoconnect',
    target: 'wifi:lab-profiles',
    pillar: 'network',
    files: ['wifi/wpa_supplicant.conf', 'wifi/LabGuest.nmconnection'],
    expected: { findings: ['wifi.config.eap-no-ca', 'wifi.config.wep', 'wifi.config.short-psk', 'wifi.config.psk-without-pmf', 'wifi.config.open-autoconnect'] },
  },
  {
    name: 'lab-vpn',
    kind: 'vpn-configs',
    title: 'VPN profiles of a lab laptop (OpenVPN, WireGuard): no server verification, compression, TLS 1.0; an IPv4-only tunnel without DNS',
    target: 'vpn:lab-configs',
    pillar: 'network',
    files: ['vpn/lab-client.ovpn', 'vpn/lab-wg.conf'],
    expected: {
      findings: ['vpn.openvpn.no-server-verification', 'vpn.openvpn.compression', 'vpn.openvpn.tls-below-1.2', 'vpn.wireguard.ipv6-leak', 'vpn.wireguard.no-dns'],
    },
  },
  {
    name: 'lab-bgp',
    kind: 'bgp-lab',
    title: 'BGP on loopback: a route collector, the origin AS65010 of 198.51.100.0/24 and 203.0.113.0/24, a hijacker AS65066 announcing 198.51.100.0/24 and 198.51.100.128/25',
    target: 'bgp:lab',
    pillar: 'network',
    files: ['bgp/monitors.yml', 'bgp/vrps.json'],
    expected: {
      findings: ['bgp.hijack.exact-prefix', 'bgp.hijack.more-specific', 'bgp.hijack.moas', 'bgp.rpki.invalid', 'bgp.rpki.not-covered'],
      // Valid: the origin's /24 (its ROA). Invalid: the hijacker's /24 and /25 (the ROA names AS65010). NotFound: 203.0.113.0/24 (no ROA).
      rpki: { valid: 1, invalid: 2, 'not-found': 1 },
    },
  },
  {
    name: 'lab-capture',
    kind: 'capture-lab',
    title: 'The lab\'s own loopback traffic, recorded at the socket level: a careless client logging in over HTTP Basic and SMTP AUTH PLAIN, and over HTTPS',
    target: 'capture:lab-loopback',
    pillar: 'encryption',
    files: [],
    expected: { findings: ['capture.plaintext.credentials', 'capture.plaintext.protocol'] },
  },
];

/**
 * A wing's findings as a target of the scan document. Each finding names the lab target; what the wing named (a
 * network `SSID (bssid)`, a file and line) leads its evidence, so nothing is lost. An analysis that failed is a failed
 * target carrying its error.
 */
export function labWingTarget(spec: { target: string }, result: { findings: readonly Finding[]; durationMs: number; observations?: Partial<TargetReport> } | { error: ErrorInfo; durationMs: number }): TargetReport {
  const base = { target: spec.target, host: 'localhost', port: 0, tls: null, durationMs: result.durationMs };
  if ('error' in result) return { ...base, ok: false, error: result.error, findings: [] };
  return { ...base, ...result.observations, ok: true, error: null, findings: result.findings.map((f) => ({ ...f, target: spec.target, evidence: f.evidence.includes(f.target) ? f.evidence : `${f.target}: ${f.evidence}` })) };
}

/** Every expected id must be found on its target, under its pillar; a missing target or a failed analysis is a miss. */
export function checkLabWingExpectations(report: ReportDocument, specs: readonly Pick<LabWingTarget, 'name' | 'target' | 'pillar' | 'expected'>[]): ExpectationMiss[] {
  const misses: ExpectationMiss[] = [];
  for (const s of specs) {
    const t = report.report.targets.find((x) => x.target === s.target);
    if (!t) {
      misses.push({ endpoint: s.name, what: 'not in the report' });
      continue;
    }
    if (!t.ok) misses.push({ endpoint: s.name, what: `analysis failed: ${t.error?.code ?? 'MG_ERR_INTERNAL'} ${t.error?.message ?? ''}`.trim() });
    for (const id of s.expected.findings) {
      const f = t.findings.find((x) => x.id === id || x.relatedTo?.includes(id));
      if (!f) misses.push({ endpoint: s.name, what: `missing finding ${id}` });
      else if (f.pillar !== s.pillar) misses.push({ endpoint: s.name, what: `${id} under ${f.pillar}, expected ${s.pillar}` });
    }
    if (s.expected.rpki && t.ok) {
      // The observation is in the scan document's target (the report section summarises findings and grades).
      const got = report.targets.find((x) => x.target === s.target)?.labBgp?.rpki;
      for (const [state, n] of Object.entries(s.expected.rpki)) {
        const had = got?.[state as keyof LabBgpObservation['rpki']];
        if (had !== n) misses.push({ endpoint: s.name, what: `${n} RPKI ${state} announcement(s) expected, ${had ?? 'none'} seen` });
      }
    }
  }
  return misses;
}
