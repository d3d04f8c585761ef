/**
 * Per-Packet Information header (CACE Technologies PPI specification 1.0.10, LINKTYPE_PPI = 192), little-endian:
 * `pph_version(1) pph_flags(1) pph_len(2) pph_dlt(4)` then fields `pfh_type(2) pfh_datalen(2) data`. We read the
 * 802.11-Common field (type 2: TSF u64, flags u16, rate u16, channel freq u16, channel flags u16, FHSS hopset u8,
 * pattern u8, dBm antsignal s8, dBm antnoise s8) and hand on the inner link type (105 for 802.11).
 */
import { MitmError } from '../errors.js';
import { MAX_RADIOTAP_BYTES } from './limits.js';
import { channelFromFrequency, type RadioInfo } from './radiotap.js';

export interface PpiHeader extends RadioInfo {
  length: number;
  /** The link type of what follows the header. */
  dlt: number;
}

const FIELD_80211_COMMON = 2;

export function parsePpi(data: Uint8Array): PpiHeader {
  if (data.length < 8) throw new MitmError('MG_ERR_TRUNCATED', `ppi: header needs 8 bytes, ${data.length} present`);
  if (data[0] !== 0) throw new MitmError('MG_ERR_UNSUPPORTED', `ppi: version ${data[0]} (only 0 is defined)`);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const length = view.getUint16(2, true);
  if (length < 8) throw new MitmError('MG_ERR_MALFORMED', `ppi: pph_len ${length} is shorter than the fixed header`);
  if (length > MAX_RADIOTAP_BYTES) throw new MitmError('MG_ERR_TOO_LARGE', `ppi: pph_len ${length} exceeds ${MAX_RADIOTAP_BYTES}`);
  if (length > data.length) throw new MitmError('MG_ERR_TRUNCATED', `ppi: pph_len ${length} but only ${data.length} bytes captured`);
  const out: PpiHeader = { length, dlt: view.getUint32(4, true), frequencyMhz: null, channel: null, signalDbm: null, fcsAtEnd: false, badFcs: false };
  let offset = 8;
  while (offset < length) {
    if (offset + 4 > length) throw new MitmError('MG_ERR_MALFORMED', 'ppi: field header runs past pph_len', { details: { offset } });
    const type = view.getUint16(offset, true);
    const size = view.getUint16(offset + 2, true);
    const start = offset + 4;
    if (start + size > length) throw new MitmError('MG_ERR_MALFORMED', `ppi: field ${type} runs past pph_len`, { details: { offset } });
    if (type === FIELD_80211_COMMON && size >= 20) {
      const flags = view.getUint16(start + 8, true);
      out.fcsAtEnd = (flags & 0x1) !== 0;
      out.badFcs = (flags & 0x4) !== 0;
      const mhz = view.getUint16(start + 12, true);
      if (mhz) {
        out.frequencyMhz = mhz;
        out.channel = channelFromFrequency(mhz);
      }
      const signal = view.getInt8(start + 18);
      // -128..? A value of 0 with no signal flags is what writers put when they do not know; keep it as reported.
      out.signalDbm = signal;
    }
    offset = start + size;
  }
  return out;
}
