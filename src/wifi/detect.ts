/**
 * Wi-Fi intrusion detection over decoded 802.11 events (Detector, src/model): the air inventory and the alerts —
 * evil twin, KARMA/MANA, deauthentication/disassociation floods, beacon floods, downgrade of a known network and
 * PMKID harvesting. Stateful but pure: time comes from the frames, every table is bounded (src/wifi/limits.ts).
 */
import type { Detector, Finding } from '../model/index.js';
import { CheckRegistry } from '../checks/registry.js';
import { wifiChecks } from '../checks/wifi.js';
import { EMPTY_BASELINE, type AirBaseline } from './baseline.js';
import type { BeaconLike, Dot11Event } from './frame.js';
import { MAX_EVIDENCE_FRAMES, MAX_NETWORKS, MAX_SSIDS_PER_TRANSMITTER, MAX_TRACKED } from './limits.js';
import type { WifiAlertKind, WifiAlertObservation, WifiNetworkObservation } from './observations.js';
import { beaconSecurity, SECURITY_RANK, type NetworkSecurity } from './security.js';

const registry = new CheckRegistry(wifiChecks);

const BROADCAST = 'ff:ff:ff:ff:ff:ff';

/** A Map that forgets its least recently touched entry beyond `cap` (Zeek-style explicit expiry). */
class BoundedMap<K, V> {
  private readonly m = new Map<K, V>();
  evicted = 0;
  constructor(private readonly cap: number) {}
  get(k: K): V | undefined {
    const v = this.m.get(k);
    if (v !== undefined) {
      this.m.delete(k);
      this.m.set(k, v);
    }
    return v;
  }
  set(k: K, v: V): void {
    this.m.delete(k);
    this.m.set(k, v);
    if (this.m.size > this.cap) {
      this.m.delete(this.m.keys().next().value as K);
      this.evicted++;
    }
  }
  values(): IterableIterator<V> {
    return this.m.values();
  }
  entries(): IterableIterator<[K, V]> {
    return this.m.entries();
  }
  get size(): number {
    return this.m.size;
  }
}

/** A sliding window of event times and frame numbers (capture time, microseconds), bounded by the threshold. */
class Window {
  private times: number[] = [];
  private frameNumbers: number[] = [];
  total = 0;
  reasons = new Set<number>();
  receivers = new Set<string>();
  alerted = false;
  constructor(private readonly keep: number) {}
  push(us: number, frame: number, spanUs: number): number {
    this.total++;
    this.times.push(us);
    this.frameNumbers.push(frame);
    while (this.times.length > this.keep || (this.times.length && us - this.times[0]! > spanUs)) {
      this.times.shift();
      this.frameNumbers.shift();
    }
    return this.times.length;
  }
  /** The first frames of the current window: the evidence of a flood. */
  get frames(): number[] {
    return this.frameNumbers.slice(0, MAX_EVIDENCE_FRAMES);
  }
}

interface NetworkState {
  obs: WifiNetworkObservation;
  firstSecurity: NetworkSecurity;
  downgraded: boolean;
}

export interface WifiDetectorOptions {
  baseline?: AirBaseline;
  /** Finding target for alerts that name no single network (the capture file). */
  target?: string;
}

export interface AirSummary {
  networks: WifiNetworkObservation[];
  alerts: WifiAlertObservation[];
  /** Networks not stored because MAX_NETWORKS was reached. */
  networksDropped: number;
}

/** The target a network's findings name: `SSID (bssid)`. */
export function networkTarget(ssid: string | null, bssid: string | null): string {
  return `${ssid === null || ssid === '' ? '<hidden>' : ssid} (${bssid ?? '?'})`;
}

export class WifiIntrusionDetector implements Detector<Dot11Event> {
  readonly name = 'wifi';
  private readonly baseline: AirBaseline;
  private readonly target: string;
  private readonly networks = new Map<string, NetworkState>();
  private networksDropped = 0;
  private readonly alerts: WifiAlertObservation[] = [];
  private readonly alerted = new Set<string>();
  private readonly ssidsByBssid = new Map<string, Set<string>>();
  private readonly karma = new BoundedMap<string, { ssids: Set<string>; frames: number[]; firstUs: number }>(MAX_TRACKED);
  private readonly deauth = new BoundedMap<string, Window>(MAX_TRACKED);
  private readonly disassoc = new BoundedMap<string, Window>(MAX_TRACKED);
  private readonly newBssids: Window;
  private readonly seenBssids = new BoundedMap<string, true>(MAX_TRACKED);
  private readonly associated = new BoundedMap<string, true>(MAX_TRACKED);
  private readonly handshakes = new BoundedMap<string, { m1Frame: number; m1Us: number; pmkid: boolean; m2: boolean; associated: boolean }>(MAX_TRACKED);

  constructor(options: WifiDetectorOptions = {}) {
    this.baseline = options.baseline ?? EMPTY_BASELINE;
    this.target = options.target ?? 'air';
    this.newBssids = new Window(this.baseline.thresholds.beaconFloodBssids);
  }

  private get spanUs(): number {
    return this.baseline.thresholds.windowSeconds * 1_000_000;
  }

  observe(e: Dot11Event): Finding[] {
    if (e.radio.badFcs) return [];
    const before = this.alerts.length;
    switch (e.kind) {
      case 'beacon':
      case 'probe-response':
        this.onBeacon(e);
        break;
      case 'deauthentication':
      case 'disassociation': {
        if (e.protected || !e.transmitter) break; // a protected frame was sent by a key holder, not forged
        const table = e.kind === 'deauthentication' ? this.deauth : this.disassoc;
        let w = table.get(e.transmitter);
        if (!w) table.set(e.transmitter, (w = new Window(this.baseline.thresholds.deauthFrames)));
        const n = w.push(e.timestampUs, e.frameNumber, this.spanUs);
        if (e.reason !== null) w.reasons.add(e.reason);
        if (w.receivers.size < MAX_EVIDENCE_FRAMES) w.receivers.add(e.receiver);
        if (n >= this.baseline.thresholds.deauthFrames && !w.alerted) {
          w.alerted = true;
          const kind = e.kind === 'deauthentication' ? 'deauth-flood' : 'disassoc-flood';
          const receivers = [...w.receivers].map((r) => (r === BROADCAST ? 'broadcast' : r)).join(', ');
          this.raise(kind, null, e.bssid, w.frames, e.timestampUs, e.timestampUs,
            `${n} ${e.kind} frames from ${e.transmitter} within ${this.baseline.thresholds.windowSeconds} s (to ${receivers}; reason ${[...w.reasons].join(', ') || 'encrypted'})`);
        }
        break;
      }
      case 'association-request':
      case 'reassociation-request':
        if (e.transmitter && e.bssid) this.associated.set(`${e.bssid}|${e.transmitter}`, true);
        break;
      case 'eapol-key':
        this.onEapol(e);
        break;
      default:
        break;
    }
    return this.findingsFrom(before);
  }

  private onBeacon(e: BeaconLike): void {
    const bssid = e.transmitter ?? e.bssid;
    if (!bssid) return;
    const ssid = e.elements.ssid ?? '';
    const security = beaconSecurity(e);

    // Beacon flood: many BSSIDs never seen before within the window.
    if (e.kind === 'beacon' && !this.seenBssids.get(bssid)) {
      this.seenBssids.set(bssid, true);
      const n = this.newBssids.push(e.timestampUs, e.frameNumber, this.spanUs);
      if (n >= this.baseline.thresholds.beaconFloodBssids && !this.newBssids.alerted) {
        this.newBssids.alerted = true;
        this.raise('beacon-flood', null, null, this.newBssids.frames, e.timestampUs, e.timestampUs,
          `${n} new BSSIDs began beaconing within ${this.baseline.thresholds.windowSeconds} s (e.g. ${bssid} "${ssid}")`);
      }
    }

    // KARMA/MANA: one transmitter answering probes with many different SSIDs.
    if (e.kind === 'probe-response' && !e.elements.hidden && ssid !== '') {
      let k = this.karma.get(bssid);
      if (!k) this.karma.set(bssid, (k = { ssids: new Set(), frames: [], firstUs: e.timestampUs }));
      if (!k.ssids.has(ssid) && k.ssids.size < MAX_SSIDS_PER_TRANSMITTER) {
        k.ssids.add(ssid);
        if (k.frames.length < MAX_EVIDENCE_FRAMES) k.frames.push(e.frameNumber);
      }
      if (k.ssids.size >= this.baseline.thresholds.karmaSsids) {
        this.raiseOnce(`karma|${bssid}`, 'karma', null, bssid, k.frames, k.firstUs, e.timestampUs,
          `${bssid} answered probe requests as ${k.ssids.size} different networks: ${[...k.ssids].map((s) => JSON.stringify(s)).join(', ')}`);
      }
    }

    const key = `${bssid}|${ssid}`;
    let state = this.networks.get(key);
    if (!state) {
      if (this.networks.size >= MAX_NETWORKS) {
        this.networksDropped++;
        return;
      }
      const known = this.baseline.networks.some((n) => n.ssid === ssid);
      state = {
        obs: {
          bssid, ssid, hidden: e.elements.hidden, channel: e.elements.dsChannel ?? e.radio.channel, signalDbm: e.radio.signalDbm, security,
          beacons: 0, probeResponses: 0, firstFrame: e.frameNumber, requireWpa3: this.baseline.requireWpa3, known,
        },
        firstSecurity: security,
        downgraded: false,
      };
      this.networks.set(key, state);
      this.checkAgainstBaseline(e, bssid, ssid, security);
      this.checkSsidConsistency(e, bssid, ssid, security);
    }
    const o = state.obs;
    if (e.kind === 'beacon') o.beacons++;
    else o.probeResponses++;
    if (e.radio.signalDbm !== null && (o.signalDbm === null || e.radio.signalDbm > o.signalDbm)) o.signalDbm = e.radio.signalDbm;
    // Downgrade: the same BSS advertising weaker security than it did earlier in the capture.
    if (!state.downgraded && SECURITY_RANK[security.label] < SECURITY_RANK[state.firstSecurity.label]) {
      state.downgraded = true;
      this.raise('downgrade', ssid, bssid, [o.firstFrame, e.frameNumber], e.timestampUs, e.timestampUs,
        `${networkTarget(ssid, bssid)} advertised ${state.firstSecurity.label} (frame ${o.firstFrame}) and then ${security.label} (frame ${e.frameNumber})`);
      o.security = security;
    }
  }

  private checkAgainstBaseline(e: BeaconLike, bssid: string, ssid: string, security: NetworkSecurity): void {
    const known = this.baseline.networks.find((n) => n.ssid === ssid);
    if (!known || this.baseline.allowBssids.includes(bssid)) return;
    const weaker = known.security !== null && SECURITY_RANK[security.label] < SECURITY_RANK[known.security];
    const ownBssid = known.bssids.includes(bssid);
    if (ownBssid && weaker) {
      this.raise('downgrade', ssid, bssid, [e.frameNumber], e.timestampUs, e.timestampUs,
        `${networkTarget(ssid, bssid)} is one of ours but advertises ${security.label}; the baseline requires ${known.security}`);
    } else if (!ownBssid && known.bssids.length > 0) {
      const kind = weaker ? 'evil-twin-weaker' : 'evil-twin';
      this.raise(kind, ssid, bssid, [e.frameNumber], e.timestampUs, e.timestampUs,
        `"${ssid}" is served by ${bssid}, which is not one of its baseline BSSIDs (${known.bssids.join(', ')}); it advertises ${security.label}` +
          (known.security ? `, the baseline requires ${known.security}` : ''));
    } else if (!ownBssid && weaker) {
      this.raise('evil-twin-weaker', ssid, bssid, [e.frameNumber], e.timestampUs, e.timestampUs,
        `"${ssid}" on ${bssid} advertises ${security.label}; the baseline requires ${known.security}`);
    }
  }

  /** Without a baseline: the same SSID advertised with different security by different BSSIDs is a twin in the making. */
  private checkSsidConsistency(e: BeaconLike, bssid: string, ssid: string, security: NetworkSecurity): void {
    if (ssid === '' || e.elements.hidden || this.baseline.allowSsids.includes(ssid)) return;
    let bssids = this.ssidsByBssid.get(ssid);
    if (!bssids) {
      if (this.ssidsByBssid.size >= MAX_NETWORKS) return;
      this.ssidsByBssid.set(ssid, (bssids = new Set()));
    }
    bssids.add(bssid);
    if (this.baseline.networks.some((n) => n.ssid === ssid && n.bssids.length > 0)) return; // the baseline already decides
    for (const other of bssids) {
      if (other === bssid) continue;
      const o = this.networks.get(`${other}|${ssid}`);
      if (o && o.firstSecurity.label !== security.label) {
        const [weak, strong] = SECURITY_RANK[security.label] < SECURITY_RANK[o.firstSecurity.label] ? [[bssid, security.label], [other, o.firstSecurity.label]] : [[other, o.firstSecurity.label], [bssid, security.label]];
        this.raiseOnce(`mismatch|${ssid}|${weak[0]}`, 'security-mismatch', ssid, weak[0]!, [o.obs.firstFrame, e.frameNumber], e.timestampUs, e.timestampUs,
          `"${ssid}" is advertised as ${strong[1]} by ${strong[0]} and as ${weak[1]} by ${weak[0]}`);
        return;
      }
    }
  }

  private onEapol(e: Extract<Dot11Event, { kind: 'eapol-key' }>): void {
    if (!e.bssid || !e.transmitter) return;
    if (e.key.message === 1 && e.transmitter === e.bssid) {
      const k = `${e.bssid}|${e.receiver}`;
      const prior = this.handshakes.get(k);
      this.handshakes.set(k, {
        m1Frame: prior?.m1Frame ?? e.frameNumber, m1Us: prior?.m1Us ?? e.timestampUs, pmkid: (prior?.pmkid ?? false) || e.key.hasPmkid, m2: prior?.m2 ?? false,
        associated: this.associated.get(k) === true,
      });
    } else if (e.key.message === 2) {
      const h = this.handshakes.get(`${e.bssid}|${e.transmitter}`);
      if (h) h.m2 = true;
    }
  }

  finish(): Finding[] {
    const before = this.alerts.length;
    // PMKID harvesting: an AP handing a PMKID in M1 to a station that never associated here or never answered with M2.
    const byAp = new Map<string, { stations: string[]; frames: number[]; firstUs: number; lastUs: number }>();
    for (const [k, h] of this.handshakes.entries()) {
      if (!h.pmkid || (h.m2 && h.associated)) continue;
      const [ap, sta] = k.split('|') as [string, string];
      let g = byAp.get(ap);
      if (!g) byAp.set(ap, (g = { stations: [], frames: [], firstUs: h.m1Us, lastUs: h.m1Us }));
      g.stations.push(`${sta}${h.associated ? '' : ' (no association seen)'}${h.m2 ? '' : ' (no M2)'}`);
      if (g.frames.length < MAX_EVIDENCE_FRAMES) g.frames.push(h.m1Frame);
      g.firstUs = Math.min(g.firstUs, h.m1Us);
      g.lastUs = Math.max(g.lastUs, h.m1Us);
    }
    for (const [ap, g] of byAp) {
      this.raise('pmkid-harvest', null, ap, g.frames, g.firstUs, g.lastUs,
        `${ap} sent a PMKID in EAPOL message 1 to ${g.stations.length} station(s) that did not complete the handshake: ${g.stations.slice(0, MAX_EVIDENCE_FRAMES).join(', ')}`);
    }
    return this.findingsFrom(before);
  }

  /** The air inventory and every alert raised so far (for reports). */
  summary(): AirSummary {
    return { networks: [...this.networks.values()].map((n) => n.obs), alerts: [...this.alerts], networksDropped: this.networksDropped };
  }

  /**
   * Findings of the inventory: the `wifi.network.*` checks. With a baseline that lists our networks, only those are
   * judged (a neighbour's open network is inventory, not our finding; impersonations of ours are alerts); without one,
   * every network seen is (a survey). Allow-listed SSIDs and BSSIDs are never judged.
   */
  networkFindings(): Finding[] {
    const own = this.baseline.networks.length > 0;
    return [...this.networks.values()]
      .filter((n) => (!own || n.obs.known) && !this.baseline.allowSsids.includes(n.obs.ssid) && !this.baseline.allowBssids.includes(n.obs.bssid))
      .flatMap((n) => registry.run('wifi-network', n.obs, networkTarget(n.obs.ssid, n.obs.bssid)));
  }

  private raiseOnce(key: string, ...args: Parameters<WifiIntrusionDetector['raise']>): void {
    if (this.alerted.has(key)) return;
    if (this.alerted.size < MAX_TRACKED) this.alerted.add(key);
    this.raise(...args);
  }

  private raise(alert: WifiAlertKind, ssid: string | null, bssid: string | null, frames: number[], firstUs: number, lastUs: number, summary: string): void {
    const key = `${alert}|${ssid}|${bssid}`;
    if (alert !== 'pmkid-harvest' && this.alerted.has(key)) return;
    if (this.alerted.size < MAX_TRACKED) this.alerted.add(key);
    if (this.alerts.length >= MAX_TRACKED) return;
    if (ssid === null && bssid !== null) ssid = this.ssidOf(bssid);
    this.alerts.push({ alert, summary, ssid, bssid, frames: frames.slice(0, MAX_EVIDENCE_FRAMES), firstUs, lastUs });
  }

  private ssidOf(bssid: string): string | null {
    for (const n of this.networks.values()) if (n.obs.bssid === bssid && n.obs.ssid !== '') return n.obs.ssid;
    return null;
  }

  private findingsFrom(index: number): Finding[] {
    return this.alerts.slice(index).flatMap((a) => registry.run('wifi-alert', a, a.bssid ? networkTarget(a.ssid, a.bssid) : this.target));
  }
}
