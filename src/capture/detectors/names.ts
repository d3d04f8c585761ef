/**
 * Name-resolution poisoning on the local link (Responder, RFC 4795 §2.1 / RFC 1002 / RFC 6762): one host answering
 * LLMNR, NBT-NS or mDNS queries for many names, an answer from a responder outside the baseline (or for a name the
 * baseline says DNS owns), and two hosts answering one mDNS name with different addresses.
 */
import type { Detector, Finding } from '../../model/index.js';
import type { Baseline } from '../baseline.js';
import type { CaptureEvent } from '../events.js';
import { at, BoundedMap, Raiser } from './state.js';

export const NAME_LIMITS = {
  /** Distinct names one host answers for before it is a poisoner. */
  poisonerThreshold: 3,
  maxResponders: 4096,
  maxNames: 65_536,
} as const;

const LABEL: Record<string, string> = { llmnr: 'LLMNR', nbns: 'NBT-NS', mdns: 'mDNS' };

export function createNameDetector(baseline: Baseline, limits = NAME_LIMITS): Detector<CaptureEvent> {
  const namesByResponder = new BoundedMap<string, { names: Set<string>; protocols: Set<string> }>(limits.maxResponders);
  const mdnsOwners = new BoundedMap<string, { responder: string; value: string; frame: number }>(limits.maxNames);
  const allowed = baseline.nameResponders ? new Set(baseline.nameResponders) : null;
  const dnsNames = new Set(Object.keys(baseline.dnsAnswers).map((n) => n.toLowerCase().replace(/\.$/, '')));
  const raiser = new Raiser();
  return {
    name: 'names',
    observe(e) {
      if (e.kind !== 'name' || e.message.protocol === 'dns' || !e.message.response) return [];
      const out: Finding[] = [];
      const m = e.message;
      const proto = LABEL[m.protocol]!;
      const where = at(e.frameNumber, e.timestampUs);
      const answered = m.answers.filter((a) => a.type === 'A' || a.type === 'AAAA' || a.type === 'NB');
      if (answered.length === 0) return out;
      const responder = e.src;
      const seen = namesByResponder.get(responder) ?? { names: new Set<string>(), protocols: new Set<string>() };
      const names = seen.names;
      for (const a of answered) if (names.size < limits.poisonerThreshold * 4) names.add(a.name);
      seen.protocols.add(proto);
      namesByResponder.set(responder, seen);
      const text = answered.map((a) => `${a.name} → ${a.value}`).join(', ');
      if (m.protocol !== 'mdns' || names.size >= limits.poisonerThreshold) {
        if (names.size >= limits.poisonerThreshold && !allowed?.has(responder)) {
          const list = [...names].slice(0, 8).join(', ');
          raiser.raise(out, 'capture.names.poisoner', responder, responder, `${responder}${e.ethSrc ? ` (${e.ethSrc})` : ''} answered ${[...seen.protocols].join('/')} queries for ${names.size} names (${list}) with its own address; latest ${proto} ${text}, ${where}`);
        }
      }
      if (m.protocol !== 'mdns') {
        const forDnsName = answered.find((a) => dnsNames.has(a.name));
        if ((allowed && !allowed.has(responder)) || forDnsName) {
          const why = forDnsName ? `${forDnsName.name} is a DNS name in the baseline` : `responder not in the baseline [${[...allowed!].join(', ')}]`;
          raiser.raise(out, 'capture.names.unexpected-responder', `${responder}|${answered[0]!.name}`, responder, `${proto} answer from ${responder} to ${e.dst}: ${text}; ${why}, ${where}`);
        }
        return out;
      }
      for (const a of answered) {
        const prior = mdnsOwners.get(`${a.name}|${a.type}`);
        if (prior && prior.responder !== responder && prior.value !== a.value) {
          raiser.raise(out, 'capture.names.mdns-conflict', `${a.name}|${responder}`, a.name, `${a.name} answered by ${prior.responder} as ${prior.value} (frame ${prior.frame}) and by ${responder} as ${a.value}, ${where}`);
        }
        if (!prior) mdnsOwners.set(`${a.name}|${a.type}`, { responder, value: a.value, frame: e.frameNumber });
      }
      return out;
    },
    finish: () => [],
  };
}
