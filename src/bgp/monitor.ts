/**
 * The BGP monitors as one detector (Detector<RouteEvent>, src/model): route events in — from an MRT file or the
 * live collector, alike — findings out. Each monitor is a small function over the announcement and the monitored
 * entry it falls under; state (who sees what, which alerts were raised) has named bounds. Time is the events' own.
 *
 * Monitors: exact-prefix and more-specific hijack, MOAS, RPKI-invalid of our prefix or by our AS, our prefix not
 * covered by a ROA, ROAs about to expire, visibility loss, new prefix from our AS, unexpected upstream and downstream,
 * path patterns. Each alert becomes a `bgp.*` finding through the check registry.
 */
import { CheckRegistry } from '../checks/registry.js';
import { bgpChecks } from '../checks/bgp.js';
import type { Detector, Finding } from '../model/index.js';
import { formatPath } from './attributes.js';
import type { PeerRef, RouteAnnouncement, RouteEvent } from './events.js';
import type { MonitorConfig, MonitoredAs, MonitoredPrefix, MonitorName } from './monitor-config.js';
import type { BgpAlert, BgpAlertKind } from './observations.js';
import { covers, formatPrefix, samePrefix, type Prefix } from './prefix.js';
import { PrefixMap } from './prefix-map.js';
import { formatVrp, type RovTable } from './rov.js';
import type { Vrp } from './vrp.js';

/** Named bounds of the monitors' state. */
export const MONITOR_LIMITS = {
  /** Distinct alert keys remembered (each raised once); past it, new keys are counted, not remembered. */
  maxAlertKeys: 100_000,
  /** Peers listed in one alert's evidence, and remembered per alert key. */
  maxPeersPerAlert: 16,
  /** Prefixes whose visibility is tracked (ours and their more-specifics). */
  maxTrackedPrefixes: 200_000,
  /** Peers per tracked prefix. */
  maxPeersPerPrefix: 4096,
  /** ASes in a path string given to a user's regular expression. */
  maxPatternPathLength: 256,
} as const;

const registry = new CheckRegistry(bgpChecks);

export interface BgpMonitorOptions {
  /** Route origin validation (RFC 6811); without it the RPKI monitors are off. */
  rov?: RovTable;
  /** The VRPs (for ROA expiry); taken from the same set as `rov`. */
  vrps?: readonly Vrp[];
  /** The VRP feed's own time (seconds), used for expiry when no event carries a time. */
  vrpGeneratedAt?: number;
}

const peerText = (p: PeerRef) => `${p.address} AS${p.asn}`;
/** Visibility counts paths: a peer, and with ADD-PATH each of its path ids. */
const pathKey = (peer: string, pathId: number | undefined) => (pathId === undefined ? peer : `${peer}#${pathId}`);
const iso = (us: number) => new Date(Math.floor(us / 1000)).toISOString();

/** The AS left of the origin, prepending skipped; undefined when the origin is the whole path. */
function upstreamOf(asns: number[]): number | undefined {
  const origin = asns[asns.length - 1];
  for (let i = asns.length - 2; i >= 0; i--) if (asns[i] !== origin) return asns[i];
  return undefined;
}

interface Visibility {
  peers: Set<string>;
  max: number;
  alerted: boolean;
  monitored: MonitoredPrefix;
  prefix: Prefix;
  lastPath: string;
}

export class BgpMonitor implements Detector<RouteEvent> {
  readonly name = 'bgp-monitor';
  private readonly monitored = new PrefixMap<MonitoredPrefix>();
  private readonly ourAses: Set<number>;
  private readonly monitoredAses = new Map<number, MonitoredAs>();
  private readonly ignoredPeers: Set<string>;
  private readonly raised = new Map<string, Set<string>>();
  private readonly fired = new Set<string>();
  private readonly origins = new Map<string, Map<number | null, string>>();
  private readonly visibility = new Map<string, Visibility>();
  private lastUs = 0;
  /** Alerts that could not be remembered because MONITOR_LIMITS.maxAlertKeys was reached. */
  droppedAlerts = 0;
  /** Announcements and withdrawals seen. */
  readonly counts = { announcements: 0, withdrawals: 0, peerDowns: 0, rpki: { valid: 0, invalid: 0, 'not-found': 0 } };

  constructor(private readonly config: MonitorConfig, private readonly options: BgpMonitorOptions = {}) {
    for (const m of config.prefixes) this.monitored.set(m.prefix, m);
    this.ourAses = new Set([...config.asns.map((a) => a.asn), ...config.prefixes.flatMap((p) => p.origins)]);
    for (const a of config.asns) this.monitoredAses.set(a.asn, a);
    this.ignoredPeers = new Set(config.ignorePeers);
  }

  observe(event: RouteEvent): Finding[] {
    if (event.timestampUs > this.lastUs) this.lastUs = event.timestampUs;
    if (this.ignoredPeers.has(event.peer.address)) return [];
    if (event.type === 'announce') return this.announce(event);
    if (event.type === 'withdraw') {
      this.counts.withdrawals++;
      return this.lose(formatPrefix(event.prefix), pathKey(peerText(event.peer), event.pathId), event.timestampUs);
    }
    this.counts.peerDowns++;
    const out: Finding[] = [];
    const peer = peerText(event.peer);
    for (const [key, v] of [...this.visibility.entries()]) {
      for (const p of [...v.peers]) if (p === peer || p.startsWith(`${peer}#`)) out.push(...this.lose(key, p, event.timestampUs));
    }
    return out;
  }

  finish(): Finding[] {
    return this.rpkiConfiguration();
  }

  /** The most specific monitored entry covering `p`. */
  private entryFor(p: Prefix): MonitoredPrefix | undefined {
    const c = this.monitored.covering(p);
    return c[c.length - 1];
  }

  /**
   * Raise an alert once per key, when `minPeers` distinct peers have seen it (configuration-level alerts, peer null,
   * at once). Returns its finding the first time, nothing after.
   */
  private raise(kind: BgpAlertKind, key: string, peer: string | null, alert: Omit<BgpAlert, 'kind' | 'peers'>): Finding[] {
    const k = `${kind}|${key}`;
    if (this.fired.has(k)) return [];
    let peers = this.raised.get(k);
    if (!peers) {
      if (this.raised.size >= MONITOR_LIMITS.maxAlertKeys) {
        this.droppedAlerts++;
        return [];
      }
      peers = new Set();
      this.raised.set(k, peers);
    }
    if (peer !== null && peers.size < MONITOR_LIMITS.maxPeersPerAlert) peers.add(peer);
    if (peer !== null && peers.size < this.config.thresholds.minPeers) return [];
    this.fired.add(k);
    const a: BgpAlert = { kind, peers: [...peers], ...alert };
    return registry.run('bgp-alert', a, alert.monitored ?? alert.prefix);
  }

  private runs(m: MonitoredPrefix | undefined, monitor: MonitorName): m is MonitoredPrefix {
    return !!m && !m.ignore && m.monitors.has(monitor);
  }

  /** Whether any monitor can say anything about this route: most of a full table is nobody's business of ours. */
  private concerns(r: RouteAnnouncement, m: MonitoredPrefix | undefined): boolean {
    if (m) return true;
    if (r.origin !== undefined && this.ourAses.has(r.origin)) return true;
    if (this.monitoredAses.size) for (const a of r.asns) if (this.monitoredAses.has(a)) return true;
    return false;
  }

  private announce(r: RouteAnnouncement): Finding[] {
    this.counts.announcements++;
    const m0 = this.entryFor(r.prefix);
    if (!this.concerns(r, m0)) return [];
    const out: Finding[] = [];
    const m = m0;
    const prefix = formatPrefix(r.prefix);
    const peer = peerText(r.peer);
    const path = formatPath(r.path);
    const time = iso(r.timestampUs);
    const origin = r.origin ?? null;
    const originText = origin !== null ? `AS${origin}` : r.asns.length ? `an AS_SET (${path.split(' ').pop()})` : 'no origin (an empty AS path)';
    const exact = !!m && samePrefix(m.prefix, r.prefix);
    const base = { prefix, path, time, origin, ...(m ? { monitored: m.text, description: m.description, expectedOrigins: m.origins } : {}) };
    const expected = !!m && origin !== null && m.origins.includes(origin);

    if (this.runs(m, 'hijack') && !expected) {
      if (exact) {
        out.push(...this.raise('hijack-exact', `${prefix}|${origin}`, peer, { ...base, detail: `${prefix} (${m.description || 'monitored'}) originated by ${originText}, expected ${m.origins.map((a) => `AS${a}`).join(' or ')}` }));
      } else if (!m.ignoreMorespecifics) {
        out.push(...this.raise('hijack-more-specific', `${prefix}|${origin}`, peer, { ...base, detail: `${prefix}, inside our ${m.text} (${m.description || 'monitored'}), originated by ${originText}, expected ${m.origins.map((a) => `AS${a}`).join(' or ')}` }));
      }
    }
    if (this.runs(m, 'moas') && (exact || !m.ignoreMorespecifics)) out.push(...this.moas(prefix, peer, origin, base));
    if (this.runs(m, 'newPrefix') && expected && !exact) {
      out.push(...this.raise('new-prefix', prefix, peer, { ...base, detail: `our AS${origin} announces ${prefix}, a more-specific of ${m.text} that the monitor file does not list` }));
    } else if (!m && origin !== null && this.monitoredAses.has(origin)) {
      out.push(...this.raise('new-prefix', prefix, peer, { ...base, detail: `our AS${origin} announces ${prefix}, which no monitored prefix covers` }));
    }
    const ours = origin !== null && this.ourAses.has(origin);
    if (this.options.rov && ((m && !m.ignore && m.monitors.has('rpki')) || ours)) out.push(...this.rpki(r, prefix, peer, base, expected || ours));
    out.push(...this.neighbours(r, m, prefix, peer, base, ours ? origin : null));
    if (this.runs(m, 'path') && m.paths.length) out.push(...this.pathRules(r, m, prefix, peer, base));
    if (m && !m.ignore && (exact || expected)) this.see(m, r.prefix, prefix, pathKey(peer, r.pathId), path);
    return out;
  }

  private moas(prefix: string, peer: string, origin: number | null, base: Omit<BgpAlert, 'kind' | 'peers' | 'detail'>): Finding[] {
    let seen = this.origins.get(prefix);
    if (!seen) {
      if (this.origins.size >= MONITOR_LIMITS.maxTrackedPrefixes) return [];
      seen = new Map();
      this.origins.set(prefix, seen);
    }
    if (!seen.has(origin) && seen.size < MONITOR_LIMITS.maxPeersPerAlert) seen.set(origin, peer);
    if (seen.size < 2 && origin !== null) return [];
    const list = [...seen.entries()].map(([o, p]) => `${o === null ? 'AS_SET' : `AS${o}`} (from ${p})`);
    return this.raise('moas', prefix, null, { ...base, detail: `${prefix} has ${seen.size} origins: ${list.join(', ')}` });
  }

  private rpki(r: RouteAnnouncement, prefix: string, peer: string, base: Omit<BgpAlert, 'kind' | 'peers' | 'detail'>, byUs: boolean): Finding[] {
    const rov = this.options.rov!;
    const res = rov.validate(r.prefix, r.origin);
    this.counts.rpki[res.state]++;
    if (res.state === 'valid') return [];
    if (res.state === 'not-found') {
      if (!byUs) return [];
      return this.raise('rpki-not-covered', prefix, peer, { ...base, detail: `${prefix} from AS${r.origin} is RPKI NotFound: no ROA covers it`, rov: { state: 'not-found', vrps: [] } });
    }
    const vrps = rov.covering(r.prefix).slice(0, MONITOR_LIMITS.maxPeersPerAlert).map(formatVrp);
    const why = res.reason === 'max-length' ? `the prefix is longer than the maxLength the ROA for AS${r.origin} allows` : `no ROA authorises ${r.origin === undefined ? 'an AS_SET origin' : `AS${r.origin}`}`;
    return this.raise('rpki-invalid', `${prefix}|${r.origin}`, peer, { ...base, detail: `${prefix} from ${r.origin === undefined ? 'an AS_SET' : `AS${r.origin}`} is RPKI Invalid: ${why}${byUs ? ' (announced by our AS)' : ''}`, rov: { state: 'invalid', reason: res.reason!, vrps } });
  }

  /** Upstream of our origin (when `origin` is ours), and downstream of every monitored AS on the path. */
  private neighbours(r: RouteAnnouncement, m: MonitoredPrefix | undefined, prefix: string, peer: string, base: Omit<BgpAlert, 'kind' | 'peers' | 'detail'>, origin: number | null): Finding[] {
    const out: Finding[] = [];
    if (m && (m.ignore || !m.monitors.has('neighbours'))) return out;
    const expectedUp = origin === null ? undefined : m?.upstreams.length ? m.upstreams : this.monitoredAses.get(origin)?.upstreams;
    const up = upstreamOf(r.asns);
    if (origin !== null && expectedUp && up !== undefined && !expectedUp.includes(up)) {
      out.push(...this.raise('unexpected-upstream', `${prefix}|${origin}|${up}`, peer, { ...base, detail: `AS${up} is upstream of our AS${origin} for ${prefix}; expected ${expectedUp.map((a) => `AS${a}`).join(', ') || 'none'}` }));
    }
    // Adjacency is only known inside AS_SEQUENCEs: an AS_SET has no order.
    const seq = r.path.every((seg) => seg.type === 'sequence') ? r.asns : [];
    for (let i = 0; i < seq.length - 1; i++) {
      const asn = seq[i]!;
      const down = this.monitoredAses.get(asn)?.downstreams;
      if (!down) continue;
      let j = i + 1;
      while (j < seq.length && seq[j] === asn) j++;
      const next = seq[j];
      if (next !== undefined && !down.includes(next)) {
        out.push(...this.raise('unexpected-downstream', `${asn}|${next}`, peer, { ...base, detail: `AS${next} is downstream of our AS${asn} for ${prefix}; expected ${down.map((a) => `AS${a}`).join(', ') || 'none'}` }));
      }
    }
    return out;
  }

  private pathRules(r: RouteAnnouncement, m: MonitoredPrefix, prefix: string, peer: string, base: Omit<BgpAlert, 'kind' | 'peers' | 'detail'>): Finding[] {
    const out: Finding[] = [];
    // BGPalerter's form: ASes comma-separated, prepends kept.
    const text = r.asns.slice(0, MONITOR_LIMITS.maxPatternPathLength).join(',');
    m.paths.forEach((rule, i) => {
      const hits: string[] = [];
      if (rule.match && rule.match.test(text) && !(rule.notMatch && rule.notMatch.test(text))) hits.push(`matches ${rule.match.source}`);
      if (rule.maxLength !== undefined && r.asns.length > rule.maxLength) hits.push(`${r.asns.length} ASes, above maxLength ${rule.maxLength}`);
      if (rule.minLength !== undefined && r.asns.length < rule.minLength) hits.push(`${r.asns.length} ASes, below minLength ${rule.minLength}`);
      if (hits.length) out.push(...this.raise('path-match', `${prefix}|${i}|${text}`, peer, { ...base, detail: `${rule.matchDescription ?? `path rule ${i + 1} of ${m.text}`}: ${hits.join(', ')}` }));
    });
    return out;
  }

  private see(m: MonitoredPrefix, p: Prefix, prefix: string, peer: string, path: string): void {
    let v = this.visibility.get(prefix);
    if (!v) {
      if (this.visibility.size >= MONITOR_LIMITS.maxTrackedPrefixes) return;
      v = { peers: new Set(), max: 0, alerted: false, monitored: m, prefix: p, lastPath: path };
      this.visibility.set(prefix, v);
    }
    if (v.peers.size < MONITOR_LIMITS.maxPeersPerPrefix) v.peers.add(peer);
    v.lastPath = path;
    if (v.peers.size > v.max) v.max = v.peers.size;
    if (v.alerted && (v.max - v.peers.size) / v.max < this.config.thresholds.visibilityLoss) {
      v.alerted = false;
      this.fired.delete(`visibility-loss|${prefix}`);
    }
  }

  private lose(prefix: string, peer: string, us: number): Finding[] {
    const v = this.visibility.get(prefix);
    if (!v || !v.peers.delete(peer)) return [];
    const lost = v.max - v.peers.size;
    if (v.alerted || !v.monitored.monitors.has('visibility') || v.max < this.config.thresholds.minPeers || lost / v.max < this.config.thresholds.visibilityLoss) return [];
    v.alerted = true;
    return this.raise('visibility-loss', prefix, null, {
      prefix, monitored: v.monitored.text, description: v.monitored.description, expectedOrigins: v.monitored.origins, time: iso(us), path: v.lastPath,
      detail: `${prefix} withdrawn at ${lost} of the ${v.max} peers that had it (${Math.round((100 * lost) / v.max)}%); last withdrawn by ${peer}; still seen by ${v.peers.size}`,
    });
  }

  /** Configuration-level RPKI: each monitored prefix and origin checked against the VRPs, and ROA expiry. */
  private rpkiConfiguration(): Finding[] {
    const rov = this.options.rov;
    if (!rov) return [];
    const out: Finding[] = [];
    const nowS = this.lastUs ? this.lastUs / 1e6 : this.options.vrpGeneratedAt;
    const time = nowS !== undefined ? new Date(nowS * 1000).toISOString() : 'the time of the VRP file';
    for (const m of this.config.prefixes) {
      if (m.ignore || !m.monitors.has('rpki')) continue;
      for (const origin of m.origins) {
        const res = rov.validate(m.prefix, origin);
        if (res.state === 'not-found') {
          out.push(...this.raise('rpki-not-covered', `${m.text}|${origin}`, null, { prefix: m.text, monitored: m.text, description: m.description, origin, expectedOrigins: m.origins, time, detail: `no ROA covers ${m.text} (${m.description || 'monitored'}) for AS${origin}`, rov: { state: 'not-found', vrps: [] } }));
        } else if (res.state === 'invalid') {
          const vrps = rov.covering(m.prefix).map(formatVrp);
          out.push(...this.raise('rpki-invalid', `${m.text}|${origin}`, null, { prefix: m.text, monitored: m.text, description: m.description, origin, expectedOrigins: m.origins, time, detail: `our ${m.text} from AS${origin} would be RPKI Invalid (${res.reason === 'max-length' ? 'longer than the ROA maxLength' : 'no ROA authorises the AS'})`, rov: { state: 'invalid', reason: res.reason!, vrps } }));
        }
      }
    }
    if (nowS === undefined || !this.options.vrps) return out;
    const window = this.config.thresholds.roaExpiryDays * 86400;
    for (const v of this.options.vrps) {
      if (v.expires === undefined || v.expires - nowS > window) continue;
      const ours = this.config.prefixes.find((m) => !m.ignore && (covers(m.prefix, v.prefix) || covers(v.prefix, m.prefix)));
      if (!ours) continue;
      const left = v.expires - nowS;
      const when = new Date(v.expires * 1000).toISOString();
      out.push(...this.raise('roa-expiring', formatVrp(v), null, {
        prefix: formatPrefix(v.prefix), monitored: ours.text, description: ours.description, origin: v.asn, time,
        detail: left < 0 ? `the ROA ${formatVrp(v)} has expired (${when})` : `the ROA ${formatVrp(v)} expires ${when}, in ${(left / 86400).toFixed(1)} days`,
        rov: { state: 'expiring', vrps: [formatVrp(v)] },
      }));
    }
    return out;
  }
}
