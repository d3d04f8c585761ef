/**
 * Domain names as strings in presentation form, always fully qualified with a trailing dot and lower case for
 * comparisons. Wire forms are built here once (RFC 1035 §3.1) so that the codec and DNSSEC agree on every byte.
 */
import { MitmError } from '../errors.js';
import { DNS_LIMITS } from './limits.js';

/** Lower-case, trailing dot, `\.`-free. Rejects empty labels and labels over 63 octets. */
export function normalizeName(input: string): string {
  let n = input.trim().toLowerCase();
  if (n === '' || n === '.') return '.';
  if (!n.endsWith('.')) n += '.';
  const labels = n.slice(0, -1).split('.');
  for (const l of labels) {
    if (l.length === 0) throw new MitmError('MG_ERR_DNS_PACKET', `name ${JSON.stringify(input)} has an empty label`);
    if (Buffer.byteLength(l) > DNS_LIMITS.maxLabelLength) {
      throw new MitmError('MG_ERR_DNS_PACKET', `name ${JSON.stringify(input)} has a label over ${DNS_LIMITS.maxLabelLength} octets`);
    }
  }
  if (Buffer.byteLength(n) + 1 > DNS_LIMITS.maxNameLength) {
    throw new MitmError('MG_ERR_DNS_PACKET', `name ${JSON.stringify(input)} is over ${DNS_LIMITS.maxNameLength} octets`);
  }
  return n;
}

/** Labels from the leftmost, without the root: `www.example.` → ['www', 'example']. */
export function nameLabels(name: string): string[] {
  return name === '.' ? [] : name.slice(0, -1).split('.');
}

/** Number of labels, not counting the root nor a leading `*` (RFC 4034 §3.1.3 RRSIG Labels field). */
export function labelCount(name: string): number {
  const labels = nameLabels(name);
  return labels[0] === '*' ? labels.length - 1 : labels.length;
}

/** The parent name: `www.example.` → `example.`; the root has none. */
export function parentName(name: string): string | null {
  if (name === '.') return null;
  const i = name.indexOf('.');
  const rest = name.slice(i + 1);
  return rest === '' ? '.' : rest;
}

/** The rightmost `n` labels of `name`. */
export function suffixName(name: string, n: number): string {
  const labels = nameLabels(name);
  if (n <= 0) return '.';
  return labels.slice(labels.length - n).join('.') + '.';
}

/** true when `name` equals `zone` or lies below it. Both normalised. */
export function isSubdomain(name: string, zone: string): boolean {
  if (zone === '.') return true;
  return name === zone || name.endsWith('.' + zone);
}

/**
 * Labels of a presentation name as octet values, `\.` and `\DDD` escapes (RFC 1035 §5.1) undone, case preserved: an
 * empty label wherever two dots meet, none after a trailing dot. Values of escapes are as written (wire encoders
 * truncate them to octets).
 */
export function presentationLabels(name: string): number[][] {
  const labels: number[][] = [];
  let cur: number[] = [];
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c === 0x5c) {
      const d = name.slice(i + 1, i + 4);
      if (/^\d{3}$/.test(d)) {
        cur.push(Number(d));
        i += 3;
      } else {
        cur.push(name.charCodeAt(i + 1));
        i += 1;
      }
    } else if (c === 0x2e) {
      labels.push(cur);
      cur = [];
    } else cur.push(c & 0xff);
  }
  if (cur.length) labels.push(cur);
  return labels;
}

/** Label octets of a presentation name, with `\.` and `\DDD` escapes (RFC 1035 §5.1) undone. */
export function labelBytes(name: string): Buffer[] {
  // Buffer.from keeps the low eight bits of each value.
  const labels = presentationLabels(name).map((l) => Buffer.from(l));
  return labels.filter((l, i) => l.length > 0 || i < labels.length - 1);
}

const lowerBytes = (b: Buffer) => Buffer.from(b.map((x) => (x >= 0x41 && x <= 0x5a ? x | 0x20 : x)));

/**
 * Canonical DNS name order (RFC 4034 §6.1): compare label by label from the rightmost, each label as lower-cased
 * octets, a shorter name sorting first when it is a suffix of the other.
 */
export function compareCanonical(a: string, b: string): number {
  const la = (a === '.' ? [] : labelBytes(a)).map(lowerBytes).reverse();
  const lb = (b === '.' ? [] : labelBytes(b)).map(lowerBytes).reverse();
  const n = Math.min(la.length, lb.length);
  for (let i = 0; i < n; i++) {
    const c = Buffer.compare(la[i]!, lb[i]!);
    if (c !== 0) return c;
  }
  return la.length - lb.length;
}

/**
 * Read a possibly compressed name at `offset` in `msg` (RFC 1035 §4.1.4). Pointers must point strictly backwards,
 * which alone rules out loops; the jump count is a second named bound.
 */
export function readName(msg: Uint8Array, offset: number): { name: string; next: number } {
  const labels: string[] = [];
  let pos = offset;
  let next = -1;
  let jumps = 0;
  let wireLength = 1;
  for (;;) {
    if (pos >= msg.length) throw namePacketError(`name at offset ${offset} runs past the end of the message`);
    const len = msg[pos]!;
    if (len === 0) {
      if (next < 0) next = pos + 1;
      break;
    }
    const kind = len & 0xc0;
    if (kind === 0xc0) {
      if (pos + 1 >= msg.length) throw namePacketError(`compression pointer at offset ${pos} is truncated`);
      const target = ((len & 0x3f) << 8) | msg[pos + 1]!;
      if (target >= pos) throw namePacketError(`compression pointer at offset ${pos} points forward or to itself (loop)`);
      if (++jumps > DNS_LIMITS.maxPointerJumps) throw namePacketError(`name at offset ${offset} follows more than ${DNS_LIMITS.maxPointerJumps} pointers`);
      if (next < 0) next = pos + 2;
      pos = target;
      continue;
    }
    if (kind !== 0) throw namePacketError(`label type 0x${kind.toString(16)} at offset ${pos} is not supported (RFC 6891 §5)`);
    if (pos + 1 + len > msg.length) throw namePacketError(`label at offset ${pos} runs past the end of the message`);
    wireLength += len + 1;
    if (wireLength > DNS_LIMITS.maxNameLength) throw namePacketError(`name at offset ${offset} is over ${DNS_LIMITS.maxNameLength} octets`);
    labels.push(escapeLabel(msg.subarray(pos + 1, pos + 1 + len)));
    pos += 1 + len;
  }
  return { name: labels.length === 0 ? '.' : labels.join('.') + '.', next };
}

/** Presentation form of a label: dots and non-printable octets escaped (RFC 4343 §2.1) so names round-trip. */
function escapeLabel(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) {
    if (b === 0x2e || b === 0x5c) s += '\\' + String.fromCharCode(b);
    else if (b < 0x21 || b > 0x7e) s += '\\' + b.toString().padStart(3, '0');
    else s += String.fromCharCode(b);
  }
  return s;
}

/** Wire form of a presentation name as produced by readName (escapes undone), case preserved. */
export function wireOf(name: string): number[] {
  if (name === '.') return [0];
  return [...presentationLabels(name).flatMap((label) => [label.length, ...label]), 0];
}

function namePacketError(message: string): MitmError {
  return new MitmError('MG_ERR_DNS_PACKET', message);
}
