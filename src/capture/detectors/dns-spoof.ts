/**
 * DNS spoofing seen on the wire (RFC 5452): a second, different answer racing the first for one query, an answer from
 * an address that was not asked, responses matching no query (id guessing), a resolver outside the baseline, and
 * answers outside the baseline's pinned addresses. Queries are kept at most `queryTimeoutUs` (packet time).
 */
import type { Detector, Finding } from '../../model/index.js';
import type { Baseline } from '../baseline.js';
import type { CaptureEvent } from '../events.js';
import { at, BoundedMap, Raiser, WindowCounter } from './state.js';

export const DNS_WIRE_LIMITS = {
  maxPendingQueries: 65_536,
  /** A query waits this long for its answers; a racing answer must arrive within it. */
  queryTimeoutUs: 10_000_000,
  /** Unmatched responses for one client within `unmatchedWindowUs` that look like id guessing. */
  unmatchedThreshold: 20,
  unmatchedWindowUs: 10_000_000,
} as const;

interface Pending {
  server: string;
  ts: number;
  frame: number;
  answer: string | null;
  answerFrom: string | null;
  answerFrame: number;
}

export function createDnsSpoofDetector(baseline: Baseline, limits = DNS_WIRE_LIMITS): Detector<CaptureEvent> {
  const pending = new BoundedMap<string, Pending>(limits.maxPendingQueries);
  const unmatched = new WindowCounter(limits.unmatchedWindowUs, limits.unmatchedThreshold * 2);
  const resolvers = baseline.dnsServers ? new Set(baseline.dnsServers) : null;
  const pins = new Map(Object.entries(baseline.dnsAnswers).map(([n, a]) => [n.toLowerCase().replace(/\.$/, ''), new Set(a)]));
  const raiser = new Raiser();
  return {
    name: 'dns-spoof',
    observe(e) {
      if (e.kind !== 'name' || e.message.protocol !== 'dns') return [];
      const m = e.message;
      const q = m.questions[0];
      if (!q) return [];
      const out: Finding[] = [];
      const where = at(e.frameNumber, e.timestampUs);
      if (!m.response) {
        pending.set(`${e.src}|${e.srcPort}|${m.id}|${q.name}|${q.type}`, { server: e.dst, ts: e.timestampUs, frame: e.frameNumber, answer: null, answerFrom: null, answerFrame: 0 });
        return out;
      }
      const key = `${e.dst}|${e.dstPort}|${m.id}|${q.name}|${q.type}`;
      const p = pending.get(key);
      const answer = m.answers.map((a) => `${a.type} ${a.value}`).sort().join(', ') || `rcode ${m.rcode}`;
      if (resolvers && !resolvers.has(e.src)) {
        raiser.raise(out, 'capture.dns.unexpected-resolver', e.src, e.src, `${e.dst} got an answer for ${q.name} ${q.type} from ${e.src}, not in the baseline [${[...resolvers].join(', ')}], ${where}`);
      }
      const pin = pins.get(q.name);
      const off = pin ? m.answers.filter((a) => (a.type === 'A' || a.type === 'AAAA') && !pin.has(a.value)) : [];
      if (off.length) raiser.raise(out, 'capture.dns.answer-mismatch', `${q.name}|${off.map((a) => a.value).join(',')}`, q.name, `${q.name} answered ${off.map((a) => a.value).join(', ')} by ${e.src}; the baseline pins [${[...pin!].join(', ')}], ${where}`);
      if (!p || e.timestampUs - p.ts > limits.queryTimeoutUs) {
        const n = unmatched.add(e.dst, e.timestampUs);
        if (n >= limits.unmatchedThreshold) raiser.raise(out, 'capture.dns.txid-guessing', e.dst, e.dst, `${n} DNS responses to ${e.dst} within ${limits.unmatchedWindowUs / 1e6} s matched no pending query (latest for ${q.name}, id ${m.id}, from ${e.src}), ${where}`);
        return out;
      }
      if (e.src !== p.server) {
        raiser.raise(out, 'capture.dns.unexpected-source', `${q.name}|${e.src}|${p.server}`, q.name, `query for ${q.name} ${q.type} went to ${p.server} (frame ${p.frame}); answer came from ${e.src}, ${where}`);
      }
      if (p.answer === null) {
        p.answer = answer;
        p.answerFrom = e.src;
        p.answerFrame = e.frameNumber;
      } else if (p.answer !== answer) {
        raiser.raise(out, 'capture.dns.racing-answers', `${key}`, q.name, `query id ${m.id} from ${e.dst} for ${q.name} ${q.type} answered [${p.answer}] (frame ${p.answerFrame}, from ${p.answerFrom}) and [${answer}] (from ${e.src}), ${where}`);
      }
      return out;
    },
    finish: () => [],
  };
}
