/**
 * A small announcing BGP speaker for the lab (issue 13), sans-IO: src/bgp's session state machine (RFC 4271 §8) for
 * the OPEN/KEEPALIVE exchange and the timers, and once the session is Established, one UPDATE per route (RFC 4271
 * §4.3) encoded by src/bgp's codec. Lab-only: src/bgp's own speaker is a collector and never announces; this one
 * exists so the main job can show a hijack between two speakers of our own on loopback.
 *
 * ADD-PATH is never used for sending: src/bgp's session advertises receive only (RFC 7911 §4), so neither side may
 * send path identifiers.
 */
import { MitmError } from '../errors.js';
import type { PathAttributes } from '../bgp/attributes.js';
import { encodeUpdate } from '../bgp/message.js';
import { parsePrefix } from '../bgp/prefix.js';
import { BgpSession, type SessionOptions, type SessionOutput } from '../bgp/session.js';

/** Routes one lab speaker may announce: a handful, not a table. */
export const MAX_LAB_ROUTES = 64;

export interface LabRoute {
  /** IPv4 prefix text (`198.51.100.0/24`). */
  prefix: string;
  /** The AS_PATH as an AS_SEQUENCE, our AS first, the origin last. */
  path: number[];
}

export interface AnnouncingOptions extends SessionOptions {
  /** NEXT_HOP of every route (RFC 4271 §5.1.3): the speaker's own address. */
  nextHop: string;
  routes: readonly LabRoute[];
}

export class AnnouncingSession {
  private readonly session: BgpSession;
  private readonly updates: Array<{ attributes: PathAttributes; prefix: ReturnType<typeof parsePrefix> }>;
  /** UPDATEs sent (all of them, once, right after the session is Established). */
  announced = 0;

  constructor(private readonly opts: AnnouncingOptions) {
    if (opts.routes.length > MAX_LAB_ROUTES) throw new MitmError('MG_ERR_TOO_LARGE', `${opts.routes.length} routes, more than ${MAX_LAB_ROUTES}`);
    this.updates = opts.routes.map((r) => {
      const prefix = parsePrefix(r.prefix);
      if (prefix.afi !== 4) throw new MitmError('MG_ERR_USAGE', `${r.prefix}: the lab speaker announces IPv4 only`);
      if (!r.path.length || r.path[0] !== opts.localAs) throw new MitmError('MG_ERR_USAGE', `${r.prefix}: the AS_PATH must start with our AS ${opts.localAs} (RFC 4271 §5.1.2)`);
      return { prefix, attributes: { origin: 'IGP', asPath: [{ type: 'sequence', asns: [...r.path] }], nextHop: opts.nextHop } };
    });
    this.session = new BgpSession(opts);
  }

  get state() {
    return this.session.state;
  }

  start(now: number): SessionOutput {
    return this.session.start(now);
  }

  /** Bytes from the peer; when they complete the session, our UPDATEs follow the session's own output. */
  receive(chunk: Uint8Array, now: number): SessionOutput {
    const out = this.session.receive(chunk, now);
    const established = out.events.find((e) => e.type === 'established');
    if (established && established.type === 'established' && this.announced === 0) {
      for (const u of this.updates) out.send.push(encodeUpdate({ attributes: u.attributes, nlri: [{ prefix: u.prefix }] }, { as4: established.as4 }));
      this.announced = this.updates.length;
    }
    return out;
  }

  tick(now: number): SessionOutput {
    return this.session.tick(now);
  }

  stop(): SessionOutput {
    return this.session.stop();
  }
}
