/**
 * A passive BGP speaker's session as a sans-IO state machine (RFC 4271 §8): bytes and the time in, bytes to send and
 * events out. It opens with our capabilities (4-octet AS, IPv4/IPv6 unicast, route refresh, ADD-PATH receive,
 * extended messages), answers the peer's OPEN, keeps the session alive and hands on every UPDATE — and never sends
 * one: a route collector announces nothing.
 *
 * Any malformed or oversized message is answered with the NOTIFICATION RFC 4271 §6 names for it and the session
 * closes; so does a hold timer that runs out (§6.5). Time is given by the caller (`now`, milliseconds), never read.
 */
import { MitmError } from '../errors.js';
import { AFI_IPV4, AFI_IPV6, SAFI_UNICAST } from './attributes.js';
import { BGP_LIMITS } from './limits.js';
import {
  BgpProtocolError, decodeMessage, encodeKeepalive, encodeNotification, encodeOpen, messageLength, NOTIFICATION_NAMES, NOTIFY,
  type OpenMessage, type UpdateMessage,
} from './message.js';

export type SessionState = 'idle' | 'open-sent' | 'open-confirm' | 'established' | 'closed';

export interface SessionOptions {
  localAs: number;
  bgpId: string;
  /** Our proposed hold time in seconds (RFC 4271 §4.2: 0, or at least 3). */
  holdTime?: number;
  /** The AS the peer must have; any when undefined. */
  peerAs?: number;
}

export type SessionEvent =
  | { type: 'established'; open: OpenMessage; as4: boolean; addPath: boolean; holdTime: number }
  | { type: 'update'; update: UpdateMessage; at: number }
  | { type: 'closed'; reason: string; sent?: { code: number; subcode: number }; received?: { code: number; subcode: number }; error?: MitmError };

export interface SessionOutput {
  send: Uint8Array[];
  events: SessionEvent[];
}

const FAMILIES = [{ afi: AFI_IPV4, safi: SAFI_UNICAST }, { afi: AFI_IPV6, safi: SAFI_UNICAST }];

export class BgpSession {
  state: SessionState = 'idle';
  private buf = new Uint8Array(0);
  private as4 = false;
  private addPathFamilies = new Set<string>();
  private maxLength: number = BGP_LIMITS.maxMessage;
  private holdMs = 0;
  private lastReceived = 0;
  private lastSent = 0;
  private readonly holdTime: number;
  /** The peer's OPEN, once received. */
  peerOpen: OpenMessage | undefined;

  constructor(private readonly opts: SessionOptions) {
    this.holdTime = opts.holdTime ?? 90;
    if (this.holdTime !== 0 && this.holdTime < 3) throw new MitmError('MG_ERR_USAGE', 'hold time must be 0 or at least 3 seconds (RFC 4271 §4.2)');
  }

  /** The OPEN that starts the session (RFC 4271 §8.2.2, Connect → OpenSent). */
  start(now: number): SessionOutput {
    this.state = 'open-sent';
    this.lastReceived = now;
    this.lastSent = now;
    // Until the OPENs are exchanged, a large hold timer guards the wait (RFC 4271 §8.2.2 suggests 4 minutes).
    this.holdMs = 240_000;
    const open = encodeOpen({
      asn: this.opts.localAs, holdTime: this.holdTime, bgpId: this.opts.bgpId, families: FAMILIES,
      addPath: FAMILIES.map((f) => ({ ...f, sendReceive: 1 })), routeRefresh: true, extendedMessage: true,
    });
    return { send: [open], events: [] };
  }

  private addPath = (afi: number, safi: number) => this.addPathFamilies.has(`${afi}/${safi}`);

  private fail(code: number, subcode: number, reason: string, error?: MitmError, data: readonly number[] = []): SessionOutput {
    this.state = 'closed';
    const closed: SessionEvent = { type: 'closed', reason, sent: { code, subcode } };
    if (error) closed.error = error;
    return { send: [encodeNotification(code, subcode, data)], events: [closed] };
  }

  /** Bytes from the peer. */
  receive(chunk: Uint8Array, now: number): SessionOutput {
    const out: SessionOutput = { send: [], events: [] };
    if (this.state === 'closed' || this.state === 'idle') return out;
    const merged = new Uint8Array(this.buf.length + chunk.length);
    merged.set(this.buf, 0);
    merged.set(chunk, this.buf.length);
    let off = 0;
    try {
      for (;;) {
        const len = messageLength(merged, off, this.maxLength);
        if (len === 0 || merged.length - off < len) break;
        const msg = merged.subarray(off, off + len);
        off += len;
        this.lastReceived = now;
        const r = this.handle(msg, now);
        out.send.push(...r.send);
        out.events.push(...r.events);
        if ((this.state as SessionState) === 'closed') return out;
      }
    } catch (err) {
      if (err instanceof BgpProtocolError) {
        // RFC 4271 §6.1: a bad length is reported with the erroneous length field as data.
        const data = err.notifyCode === NOTIFY.MESSAGE_HEADER && err.notifySubcode === NOTIFY.BAD_MESSAGE_LENGTH && merged.length - off >= 18 ? [merged[off + 16]!, merged[off + 17]!] : [];
        const r = this.fail(err.notifyCode, err.notifySubcode, err.message, err, data);
        return { send: [...out.send, ...r.send], events: [...out.events, ...r.events] };
      }
      throw err;
    }
    this.buf = merged.slice(off);
    return out;
  }

  private handle(msg: Uint8Array, now: number): SessionOutput {
    const m = decodeMessage(msg, { as4: this.as4, addPath: this.addPath, maxLength: this.maxLength });
    if (m.type === 'notification') {
      this.state = 'closed';
      return { send: [], events: [{ type: 'closed', reason: `peer sent NOTIFICATION ${m.code}/${m.subcode} (${NOTIFICATION_NAMES[m.code] ?? 'unknown'})`, received: { code: m.code, subcode: m.subcode } }] };
    }
    switch (this.state) {
      case 'open-sent': {
        if (m.type !== 'open') return this.fail(NOTIFY.FSM, 1, `expected OPEN, got ${m.type.toUpperCase()}`);
        return this.onOpen(m, now);
      }
      case 'open-confirm': {
        if (m.type !== 'keepalive') return this.fail(NOTIFY.FSM, 2, `expected KEEPALIVE, got ${m.type.toUpperCase()}`);
        this.state = 'established';
        return { send: [], events: [{ type: 'established', open: this.peerOpen!, as4: this.as4, addPath: this.addPathFamilies.size > 0, holdTime: this.holdMs / 1000 }] };
      }
      case 'established': {
        if (m.type === 'update') return { send: [], events: [{ type: 'update', update: m, at: now }] };
        if (m.type === 'open') return this.fail(NOTIFY.FSM, 3, 'OPEN in Established');
        return { send: [], events: [] }; // KEEPALIVE, ROUTE-REFRESH (we have nothing to refresh)
      }
      default:
        return { send: [], events: [] };
    }
  }

  private onOpen(m: OpenMessage, now: number): SessionOutput {
    // RFC 4271 §6.2: version, peer AS, hold time.
    if (m.version !== 4) return this.fail(NOTIFY.OPEN, NOTIFY.UNSUPPORTED_VERSION, `BGP version ${m.version}`, undefined, [0, 4]);
    const peerAs = m.capabilities.fourOctetAs ?? m.myAs;
    if (this.opts.peerAs !== undefined && peerAs !== this.opts.peerAs) return this.fail(NOTIFY.OPEN, NOTIFY.BAD_PEER_AS, `peer AS ${peerAs}, expected ${this.opts.peerAs}`);
    if (m.holdTime === 1 || m.holdTime === 2) return this.fail(NOTIFY.OPEN, NOTIFY.UNACCEPTABLE_HOLD_TIME, `hold time ${m.holdTime}`);
    this.peerOpen = m;
    this.as4 = m.capabilities.fourOctetAs !== undefined;
    // RFC 7911 §4: we receive paths for a family when we said receive and the peer said send (2) or both (3).
    for (const a of m.capabilities.addPath) if (a.sendReceive & 2) this.addPathFamilies.add(`${a.afi}/${a.safi}`);
    if (m.capabilities.extendedMessage) this.maxLength = BGP_LIMITS.maxExtendedMessage;
    const hold = Math.min(this.holdTime, m.holdTime);
    this.holdMs = hold * 1000;
    this.state = 'open-confirm';
    this.lastSent = now;
    return { send: [encodeKeepalive()], events: [] };
  }

  /** Timers (RFC 4271 §10): a KEEPALIVE every third of the hold time; the session closes when the hold timer expires. */
  tick(now: number): SessionOutput {
    if (this.state === 'closed' || this.state === 'idle' || this.holdMs === 0) return { send: [], events: [] };
    if (now - this.lastReceived >= this.holdMs) return this.fail(NOTIFY.HOLD_TIMER_EXPIRED, 0, `hold timer expired (${this.holdMs / 1000} s without a message)`);
    if (this.state !== 'open-sent' && now - this.lastSent >= this.holdMs / 3) {
      this.lastSent = now;
      return { send: [encodeKeepalive()], events: [] };
    }
    return { send: [], events: [] };
  }

  /** Close on our side (Cease, RFC 4486 subcode 2: administrative shutdown). */
  stop(reason = 'administrative shutdown'): SessionOutput {
    if (this.state === 'closed') return { send: [], events: [] };
    return this.fail(NOTIFY.CEASE, 2, reason);
  }
}
