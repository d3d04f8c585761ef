/** Alerts (RFC 8446 §6): two bytes, level and description. */
import { ByteReader } from '../../bytes.js';
import { ALERT_DESCRIPTIONS } from './registry.js';

export interface Alert {
  /** 1 warning, 2 fatal (RFC 5246 §7.2). */
  level: number;
  description: number;
  name: string;
}

export function parseAlert(fragment: Uint8Array): Alert {
  const r = new ByteReader(fragment, 'alert');
  const level = r.u8('level');
  const description = r.u8('description');
  // A record may carry several alerts in theory; the first decides, the rest is ignored on purpose.
  return { level, description, name: ALERT_DESCRIPTIONS[description] ?? `alert_${description}` };
}
