/**
 * Radiotap header decoding (https://www.radiotap.org, LINKTYPE_IEEE802_11_RADIOTAP = 127). Little-endian throughout.
 * The header is `it_version(1) it_pad(1) it_len(2) it_present(4)…`; bit 31 of a present word says another word follows.
 * Fields follow in bit order, each aligned to its natural alignment counted from the start of the header. A field whose
 * size we do not know ends the walk (the 802.11 frame still starts at `it_len`), as every radiotap parser must.
 */
import { MitmError } from '../errors.js';
import { MAX_RADIOTAP_BYTES, MAX_RADIOTAP_PRESENT_WORDS } from './limits.js';

/** What the decoders below use of the radio header. */
export interface RadioInfo {
  /** MHz, from the Channel (bit 3) or XChannel (bit 18) field. */
  frequencyMhz: number | null;
  /** 802.11 channel number derived from the frequency. */
  channel: number | null;
  /** dBm antenna signal (bit 5). */
  signalDbm: number | null;
  /** Flags field 0x10: the frame ends with a 4-byte FCS. */
  fcsAtEnd: boolean;
  /** Flags field 0x40: the FCS check failed; the frame must not be trusted. */
  badFcs: boolean;
}

export interface RadiotapHeader extends RadioInfo {
  /** it_len: where the 802.11 frame starts. */
  length: number;
  /** Present bits of the radiotap namespace, as the field numbers seen (0–31 of the first word, 32+ of extensions). */
  present: number[];
}

/** Field number → [alignment, size] (radiotap.org "Defined fields"). */
const FIELDS: Record<number, readonly [number, number]> = {
  0: [8, 8], // TSFT
  1: [1, 1], // Flags
  2: [1, 1], // Rate
  3: [2, 4], // Channel: freq u16, flags u16
  4: [1, 2], // FHSS
  5: [1, 1], // dBm antenna signal (s8)
  6: [1, 1], // dBm antenna noise
  7: [2, 2], // lock quality
  8: [2, 2], // TX attenuation
  9: [2, 2], // dB TX attenuation
  10: [1, 1], // dBm TX power
  11: [1, 1], // antenna
  12: [1, 1], // dB antenna signal
  13: [1, 1], // dB antenna noise
  14: [2, 2], // RX flags
  15: [2, 2], // TX flags
  16: [1, 1], // RTS retries
  17: [1, 1], // data retries
  18: [4, 8], // XChannel: flags u32, freq u16, channel u8, maxpower u8
  19: [1, 3], // MCS
  20: [4, 8], // A-MPDU status
  21: [2, 12], // VHT
  22: [8, 12], // timestamp
  23: [2, 12], // HE
  24: [2, 12], // HE-MU
  25: [2, 6], // HE-MU-other-user
  26: [1, 1], // 0-length PSDU
  27: [2, 4], // L-SIG
};
const BIT_RADIOTAP_NS = 29;
const BIT_VENDOR_NS = 30;
const BIT_EXT = 31;

/** IEEE 802.11-2020 Annex E: channel number from the centre frequency. */
export function channelFromFrequency(mhz: number): number | null {
  if (mhz === 2484) return 14;
  if (mhz >= 2412 && mhz < 2484) return (mhz - 2407) / 5;
  if (mhz >= 5955 && mhz <= 7115) return (mhz - 5950) / 5; // 6 GHz
  if (mhz >= 5000 && mhz < 5925) return (mhz - 5000) / 5;
  if (mhz >= 4910 && mhz <= 4980) return (mhz - 4000) / 5;
  return null;
}

function malformed(message: string, offset: number): MitmError {
  return new MitmError('MG_ERR_MALFORMED', `radiotap: ${message}`, { details: { offset } });
}

/** Decode a radiotap header from the start of `data`. */
export function parseRadiotap(data: Uint8Array): RadiotapHeader {
  if (data.length < 8) throw new MitmError('MG_ERR_TRUNCATED', `radiotap: header needs 8 bytes, ${data.length} present`);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (data[0] !== 0) throw new MitmError('MG_ERR_UNSUPPORTED', `radiotap: version ${data[0]} (only 0 is defined)`);
  const length = view.getUint16(2, true);
  if (length < 8) throw malformed(`it_len ${length} is shorter than the fixed header`, 2);
  if (length > MAX_RADIOTAP_BYTES) throw new MitmError('MG_ERR_TOO_LARGE', `radiotap: it_len ${length} exceeds ${MAX_RADIOTAP_BYTES}`);
  if (length > data.length) throw new MitmError('MG_ERR_TRUNCATED', `radiotap: it_len ${length} but only ${data.length} bytes captured`);

  // The present words: each word's bit 31 announces another. Namespace bits decide how the next word is read.
  const words: { bits: number; ns: 'radiotap' | 'vendor'; base: number }[] = [];
  let offset = 4;
  let ns: 'radiotap' | 'vendor' = 'radiotap';
  let base = 0;
  for (;;) {
    if (offset + 4 > length) throw malformed('present bitmap runs past it_len', offset);
    const bits = view.getUint32(offset, true);
    words.push({ bits, ns, base });
    offset += 4;
    if (!(bits & (1 << BIT_EXT))) break;
    if (words.length >= MAX_RADIOTAP_PRESENT_WORDS) throw malformed(`more than ${MAX_RADIOTAP_PRESENT_WORDS} present words`, offset);
    if (bits & (1 << BIT_RADIOTAP_NS)) {
      ns = 'radiotap';
      base = 0;
    } else if (bits & (1 << BIT_VENDOR_NS)) {
      ns = 'vendor';
      base = 0;
    } else base += 32;
  }

  const out: RadiotapHeader = { length, present: [], frequencyMhz: null, channel: null, signalDbm: null, fcsAtEnd: false, badFcs: false };
  const align = (a: number) => {
    offset = (offset + a - 1) & ~(a - 1);
  };
  walk: for (const word of words) {
    for (let bit = 0; bit < 29; bit++) {
      if (!(word.bits & (1 << bit))) continue;
      if (word.ns === 'vendor') break walk; // vendor fields are skipped as a block below, never by bit
      const field = word.base + bit;
      out.present.push(field);
      const shape = FIELDS[field];
      if (!shape) break walk; // unknown size: the rest cannot be located, the frame can
      align(shape[0]);
      if (offset + shape[1] > length) throw malformed(`field ${field} runs past it_len`, offset);
      readField(field, view, offset, out);
      offset += shape[1];
    }
    if (word.bits & (1 << BIT_VENDOR_NS) && word.bits & (1 << BIT_EXT)) {
      // Vendor namespace: OUI(3) sub_namespace(1) skip_length(2), aligned to 2, then skip_length bytes.
      align(2);
      if (offset + 6 > length) throw malformed('vendor namespace header runs past it_len', offset);
      const skip = view.getUint16(offset + 4, true);
      offset += 6 + skip;
      if (offset > length) throw malformed('vendor namespace data runs past it_len', offset);
    }
  }
  return out;
}

function readField(field: number, view: DataView, at: number, out: RadiotapHeader): void {
  switch (field) {
    case 1: {
      const flags = view.getUint8(at);
      out.fcsAtEnd = (flags & 0x10) !== 0;
      out.badFcs = (flags & 0x40) !== 0;
      break;
    }
    case 3:
      setFrequency(out, view.getUint16(at, true));
      break;
    case 5:
      out.signalDbm = view.getInt8(at);
      break;
    case 18:
      if (out.frequencyMhz === null) setFrequency(out, view.getUint16(at + 4, true));
      break;
  }
}

function setFrequency(out: RadioInfo, mhz: number): void {
  if (mhz === 0) return;
  out.frequencyMhz = mhz;
  out.channel = channelFromFrequency(mhz);
}
