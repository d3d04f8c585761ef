/**
 * Raw TLS: no application protocol is known, so any byte the client sends after the handshake is application data.
 * One event per connection; later bytes are counted by the connection's byte limit, not recorded again.
 */
import { out, type ProtocolSession, type SessionFactory } from './types.js';

/** How much of the first application data is hashed (enough to find the canary token near the start). */
export const RAW_CAPTURE_BYTES = 64 * 1024;

export const rawSession: SessionFactory = (): ProtocolSession => {
  let seen = 0;
  let reported = false;
  return {
    greet: () => out(),
    receive(chunk) {
      seen += chunk.length;
      if (reported) return out();
      reported = true;
      const secret = chunk.subarray(0, RAW_CAPTURE_BYTES);
      return out({ events: [{ kind: 'data', summary: `application data (first read ${chunk.length} bytes)`, significant: true, secret }] });
    },
    secured: () => out(),
  };
};
