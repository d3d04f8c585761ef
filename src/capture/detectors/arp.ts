/**
 * ARP poisoning (RFC 826 has no authentication): an IP whose MAC changes, the gateway's IP claimed by another MAC,
 * one MAC claiming many IPs, an ARP sender that is not the frame's Ethernet source, and a steady stream of replies
 * nobody asked for. VRRP/HSRP/CARP virtual MACs and the baseline's allowMacs are exempt from the "many IPs" and
 * "changed" rules.
 */
import type { Detector, Finding } from '../../model/index.js';
import { isVirtualRouterMac, type Baseline } from '../baseline.js';
import type { CaptureEvent } from '../events.js';
import { at, BoundedMap, Raiser, WindowCounter } from './state.js';

export const ARP_LIMITS = {
  /** IPv4 → MAC bindings remembered. */
  maxBindings: 65_536,
  /** Distinct IPs one MAC may claim before it is reported. */
  manyIpsThreshold: 5,
  /** A reply counts as solicited when its request was seen this long before (packet time). */
  requestWindowUs: 5_000_000,
  /** Unsolicited replies (or gratuitous announcements) from one MAC within `floodWindowUs` that raise a finding. */
  unsolicitedThreshold: 5,
  floodWindowUs: 60_000_000,
} as const;

interface Binding {
  mac: string;
  frame: number;
  ts: number;
  previous: string[];
}

export function createArpDetector(baseline: Baseline, limits = ARP_LIMITS): Detector<CaptureEvent> {
  const bindings = new BoundedMap<string, Binding>(limits.maxBindings);
  const ipsByMac = new BoundedMap<string, Set<string>>(limits.maxBindings);
  const requests = new BoundedMap<string, number>(limits.maxBindings);
  const unsolicited = new WindowCounter(limits.floodWindowUs, limits.unsolicitedThreshold * 4);
  const gateways = new Map(baseline.gateways.map((g) => [g.ip, g.mac]));
  const known = new Map(baseline.hosts.map((h) => [h.ip, h.mac]));
  const allowed = new Set(baseline.allowMacs);
  const exempt = (mac: string) => allowed.has(mac) || isVirtualRouterMac(mac);
  const raiser = new Raiser();

  return {
    name: 'arp',
    observe(e) {
      if (e.kind !== 'arp') return [];
      const out: Finding[] = [];
      const { arp } = e;
      const where = at(e.frameNumber, e.timestampUs);
      if (e.ethSrc && e.ethSrc !== arp.senderMac) {
        raiser.raise(out, 'capture.arp.sender-mismatch', `${e.ethSrc}|${arp.senderMac}`, arp.senderIp, `ARP sender ${arp.senderMac} (${arp.senderIp}) sent from Ethernet source ${e.ethSrc}, ${where}`);
      }
      // RFC 5227 probes use sender IP 0.0.0.0 and bind nothing.
      if (arp.senderIp === '0.0.0.0') return out;
      const gw = gateways.get(arp.senderIp);
      if (gw && gw !== arp.senderMac) {
        raiser.raise(out, 'capture.arp.gateway-claimed', `${arp.senderIp}|${arp.senderMac}`, arp.senderIp, `gateway ${arp.senderIp} is ${gw} in the baseline; ${arp.senderMac} claimed it, ${where}`);
      }
      const expected = known.get(arp.senderIp);
      const prior = bindings.get(arp.senderIp);
      if (prior && prior.mac !== arp.senderMac && !exempt(arp.senderMac) && !exempt(prior.mac) && gw !== arp.senderMac && expected !== arp.senderMac) {
        const flip = prior.previous.includes(arp.senderMac) ? ' (flip-flop back to an earlier MAC)' : '';
        raiser.raise(out, 'capture.arp.mac-changed', `${arp.senderIp}|${prior.mac}|${arp.senderMac}`, arp.senderIp, `${arp.senderIp} was at ${prior.mac} (frame ${prior.frame}), now at ${arp.senderMac}${flip}, ${where}`);
      } else if (!prior && expected && expected !== arp.senderMac && !exempt(arp.senderMac)) {
        raiser.raise(out, 'capture.arp.mac-changed', `${arp.senderIp}|${expected}|${arp.senderMac}`, arp.senderIp, `${arp.senderIp} is at ${expected} in the baseline, now at ${arp.senderMac}, ${where}`);
      }
      if (!prior || prior.mac !== arp.senderMac) {
        const previous = prior ? [...prior.previous.filter((m) => m !== arp.senderMac), prior.mac].slice(-4) : [];
        bindings.set(arp.senderIp, { mac: arp.senderMac, frame: e.frameNumber, ts: e.timestampUs, previous });
      }
      const ips = ipsByMac.get(arp.senderMac) ?? new Set<string>();
      if (!ips.has(arp.senderIp) && ips.size < limits.manyIpsThreshold * 4) ips.add(arp.senderIp);
      ipsByMac.set(arp.senderMac, ips);
      if (ips.size >= limits.manyIpsThreshold && !exempt(arp.senderMac)) {
        raiser.raise(out, 'capture.arp.mac-claims-many-ips', arp.senderMac, arp.senderMac, `${arp.senderMac} claimed ${ips.size} addresses (${[...ips].slice(0, 8).join(', ')}), ${where}`);
      }
      if (arp.operation === 1) requests.set(`${arp.senderIp}>${arp.targetIp}`, e.timestampUs);
      else if (arp.operation === 2) {
        const asked = requests.get(`${arp.targetIp}>${arp.senderIp}`);
        const solicited = asked !== undefined && e.timestampUs - asked <= limits.requestWindowUs && arp.targetIp !== arp.senderIp;
        // A request is answered once: further replies to it are unsolicited.
        if (solicited) requests.delete(`${arp.targetIp}>${arp.senderIp}`);
        else {
          const n = unsolicited.add(arp.senderMac, e.timestampUs);
          if (n >= limits.unsolicitedThreshold) {
            raiser.raise(out, 'capture.arp.unsolicited-replies', arp.senderMac, arp.senderMac, `${arp.senderMac} sent ${n} ARP replies nobody asked for within ${limits.floodWindowUs / 1e6} s (claiming ${arp.senderIp} to ${arp.targetIp}), ${where}`);
          }
        }
      }
      return out;
    },
    finish: () => [],
  };
}
