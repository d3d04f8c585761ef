/**
 * Information elements of 802.11 management frames (IEEE 802.11-2020 §9.4.2): `id(1) length(1) body`, in a list that
 * must end exactly at the end of the frame body. We decode the ones that say how a network protects itself: SSID (§9.4.2.2),
 * DS Parameter Set (§9.4.2.4), RSN (§9.4.2.24), RSNXE (§9.4.2.241), the WPA vendor element (00-50-F2 type 1), WPS
 * (00-50-F2 type 4, Wi-Fi Simple Configuration TLVs, big-endian) and the OWE Transition Mode element (50-6F-9A type 28).
 * RSN and WPA fields are little-endian.
 */
import { MitmError } from '../errors.js';
import { printable as printableText } from '../bytes.js';
import { MAX_ELEMENTS, MAX_SUITES } from './limits.js';
import { akmName, cipherName, MICROSOFT_OUI, WFA_OUI, type Suite } from './suites.js';

export const ELEMENT_IDS = { ssid: 0, dsParameterSet: 3, rsn: 48, vendor: 221, rsnxe: 244, extension: 255 } as const;

export interface Element {
  id: number;
  body: Uint8Array;
}

/** Split a frame body tail into elements. A length running past the end is MG_ERR_TRUNCATED (no partial last element). */
export function parseElements(bytes: Uint8Array): Element[] {
  const out: Element[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (out.length >= MAX_ELEMENTS) throw new MitmError('MG_ERR_TOO_LARGE', `802.11: more than ${MAX_ELEMENTS} elements`);
    if (at + 2 > bytes.length) throw new MitmError('MG_ERR_TRUNCATED', '802.11: element header cut short', { details: { offset: at } });
    const id = bytes[at]!;
    const len = bytes[at + 1]!;
    if (at + 2 + len > bytes.length) {
      throw new MitmError('MG_ERR_TRUNCATED', `802.11: element ${id} declares ${len} bytes, ${bytes.length - at - 2} left`, { details: { offset: at } });
    }
    out.push({ id, body: bytes.subarray(at + 2, at + 2 + len) });
    at += 2 + len;
  }
  return out;
}

export interface RsnElement {
  version: number;
  groupCipher: Suite | null;
  pairwiseCiphers: Suite[];
  akms: Suite[];
  /** RSN Capabilities (§9.4.2.24.4) as present, or null when the element ends before them. */
  capabilities: number | null;
  /** bit 7: management frame protection capable. */
  mfpc: boolean;
  /** bit 6: management frame protection required. */
  mfpr: boolean;
  pmkidCount: number;
  groupManagementCipher: Suite | null;
}

export interface WpaElement {
  version: number;
  groupCipher: Suite | null;
  pairwiseCiphers: Suite[];
  akms: Suite[];
}

export interface WpsElement {
  version: number | null;
  /** 1 not configured, 2 configured. */
  state: number | null;
  apSetupLocked: boolean | null;
  configMethods: number | null;
  deviceName: string | null;
}

export interface RsnxElement {
  /** SAE hash-to-element (bit 5): the AP supports the side-channel-safe H2E password element derivation. */
  saeH2e: boolean;
  /** SAE-PK (bit 6). */
  saePk: boolean;
}

/** A little-endian cursor for RSN/WPA bodies, where every field after the version is optional (§9.4.2.24.1). */
class LeCursor {
  at = 0;
  constructor(
    readonly b: Uint8Array,
    readonly what: string,
  ) {}
  get left(): number {
    return this.b.length - this.at;
  }
  u16(field: string): number {
    if (this.left < 2) throw new MitmError('MG_ERR_TRUNCATED', `${this.what}: ${field} cut short`, { details: { offset: this.at } });
    const v = this.b[this.at]! | (this.b[this.at + 1]! << 8);
    this.at += 2;
    return v;
  }
  suite(kind: 'cipher' | 'akm', field: string): Suite {
    if (this.left < 4) throw new MitmError('MG_ERR_TRUNCATED', `${this.what}: ${field} cut short`, { details: { offset: this.at } });
    const o = this.b;
    const oui = [o[this.at]!, o[this.at + 1]!, o[this.at + 2]!].map((x) => x.toString(16).padStart(2, '0')).join('-');
    const type = o[this.at + 3]!;
    this.at += 4;
    return { oui, type, name: kind === 'cipher' ? cipherName(oui, type) : akmName(oui, type) };
  }
  suites(kind: 'cipher' | 'akm', field: string): Suite[] {
    const count = this.u16(`${field} count`);
    if (count > MAX_SUITES) throw new MitmError('MG_ERR_TOO_LARGE', `${this.what}: ${count} ${field} suites exceed ${MAX_SUITES}`);
    if (count * 4 > this.left) throw new MitmError('MG_ERR_TRUNCATED', `${this.what}: ${count} ${field} suites declared, ${this.left} bytes left`);
    const out: Suite[] = [];
    for (let i = 0; i < count; i++) out.push(this.suite(kind, field));
    return out;
  }
}

/** RSN element body (§9.4.2.24.1). Missing trailing fields take the defaults the standard gives (CCMP-128, 802.1X). */
export function parseRsn(body: Uint8Array): RsnElement {
  const c = new LeCursor(body, 'RSN element');
  const version = c.u16('version');
  if (version !== 1) throw new MitmError('MG_ERR_UNSUPPORTED', `RSN element: version ${version} (only 1 is defined)`);
  const out: RsnElement = {
    version, groupCipher: null, pairwiseCiphers: [], akms: [], capabilities: null, mfpc: false, mfpr: false, pmkidCount: 0, groupManagementCipher: null,
  };
  if (c.left === 0) return out;
  out.groupCipher = c.suite('cipher', 'group cipher');
  if (c.left === 0) return out;
  out.pairwiseCiphers = c.suites('cipher', 'pairwise');
  if (c.left === 0) return out;
  out.akms = c.suites('akm', 'AKM');
  if (c.left === 0) return out;
  const caps = c.u16('RSN capabilities');
  out.capabilities = caps;
  out.mfpr = (caps & 0x0040) !== 0;
  out.mfpc = (caps & 0x0080) !== 0;
  if (c.left === 0) return out;
  out.pmkidCount = c.u16('PMKID count');
  if (out.pmkidCount * 16 > c.left) throw new MitmError('MG_ERR_TRUNCATED', `RSN element: ${out.pmkidCount} PMKIDs declared, ${c.left} bytes left`);
  c.at += out.pmkidCount * 16;
  if (c.left === 0) return out;
  out.groupManagementCipher = c.suite('cipher', 'group management cipher');
  // Anything after the group management cipher is reserved for future fields and ignored (§9.4.2.24.1).
  return out;
}

/** WPA vendor element body after the OUI and type (Wi-Fi Alliance WPA 1.0 §2.1). */
export function parseWpa(body: Uint8Array): WpaElement {
  const c = new LeCursor(body, 'WPA element');
  const version = c.u16('version');
  if (version !== 1) throw new MitmError('MG_ERR_UNSUPPORTED', `WPA element: version ${version} (only 1 is defined)`);
  const out: WpaElement = { version, groupCipher: null, pairwiseCiphers: [], akms: [] };
  if (c.left === 0) return out;
  out.groupCipher = c.suite('cipher', 'group cipher');
  if (c.left === 0) return out;
  out.pairwiseCiphers = c.suites('cipher', 'pairwise');
  if (c.left === 0) return out;
  out.akms = c.suites('akm', 'AKM');
  return out;
}

/** WPS attributes (Wi-Fi Simple Configuration 2.0 §12: type u16, length u16, big-endian). */
export function parseWps(body: Uint8Array): WpsElement {
  const out: WpsElement = { version: null, state: null, apSetupLocked: null, configMethods: null, deviceName: null };
  let at = 0;
  while (at < body.length) {
    if (at + 4 > body.length) throw new MitmError('MG_ERR_TRUNCATED', 'WPS element: attribute header cut short', { details: { offset: at } });
    const type = (body[at]! << 8) | body[at + 1]!;
    const len = (body[at + 2]! << 8) | body[at + 3]!;
    const v = body.subarray(at + 4, at + 4 + len);
    if (v.length !== len) throw new MitmError('MG_ERR_TRUNCATED', `WPS element: attribute 0x${type.toString(16)} declares ${len} bytes`, { details: { offset: at } });
    if (type === 0x104a && len >= 1) out.version = v[0]!;
    else if (type === 0x1044 && len >= 1) out.state = v[0]!;
    else if (type === 0x1057 && len >= 1) out.apSetupLocked = v[0] !== 0;
    else if (type === 0x1008 && len >= 2) out.configMethods = (v[0]! << 8) | v[1]!;
    else if (type === 0x1011) out.deviceName = printable(v);
    at += 4 + len;
  }
  return out;
}

/** RSNXE (§9.4.2.241): the first octet's low nibble is the field length minus one, bits 4.. the capabilities. */
export function parseRsnxe(body: Uint8Array): RsnxElement {
  if (body.length < 1) throw new MitmError('MG_ERR_TRUNCATED', 'RSNXE: empty');
  const first = body[0]!;
  return { saeH2e: (first & 0x20) !== 0, saePk: (first & 0x40) !== 0 };
}

/** SSIDs are up to 32 octets, not necessarily UTF-8: printable ASCII/UTF-8 kept, anything else escaped as \xNN. */
export function ssidText(b: Uint8Array): string {
  return printable(b);
}

/** Valid UTF-8 is kept with its control characters made visible (bytes.ts printable); anything else byte by byte. */
function printable(b: Uint8Array): string {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(b);
  if (!text.includes('\ufffd')) return printableText(text);
  return [...b].map((x) => (x >= 0x20 && x < 0x7f && x !== 0x5c ? String.fromCharCode(x) : `\\x${x.toString(16).padStart(2, '0')}`)).join('');
}

/** What the elements of a beacon or probe say, decoded once. Unknown elements are kept by id only. */
export interface ElementSummary {
  ssid: string | null;
  /** A zero-length or all-zero SSID: a hidden network. */
  hidden: boolean;
  dsChannel: number | null;
  rsn: RsnElement | null;
  wpa: WpaElement | null;
  wps: WpsElement | null;
  rsnx: RsnxElement | null;
  /** OWE Transition Mode element present: an open BSS paired with a hidden OWE BSS (or the reverse). */
  oweTransition: boolean;
  ids: number[];
}

export function summariseElements(elements: readonly Element[]): ElementSummary {
  const out: ElementSummary = { ssid: null, hidden: false, dsChannel: null, rsn: null, wpa: null, wps: null, rsnx: null, oweTransition: false, ids: [] };
  for (const e of elements) {
    out.ids.push(e.id);
    switch (e.id) {
      case ELEMENT_IDS.ssid:
        if (out.ssid !== null) break; // the first SSID element is the SSID
        if (e.body.length > 32) throw new MitmError('MG_ERR_MALFORMED', `802.11: SSID of ${e.body.length} octets (at most 32)`);
        out.ssid = ssidText(e.body);
        out.hidden = e.body.length === 0 || e.body.every((x) => x === 0);
        break;
      case ELEMENT_IDS.dsParameterSet:
        if (e.body.length >= 1) out.dsChannel = e.body[0]!;
        break;
      case ELEMENT_IDS.rsn:
        out.rsn ??= parseRsn(e.body);
        break;
      case ELEMENT_IDS.rsnxe:
        out.rsnx ??= parseRsnxe(e.body);
        break;
      case ELEMENT_IDS.vendor:
        vendor(e.body, out);
        break;
    }
  }
  return out;
}

function vendor(body: Uint8Array, out: ElementSummary): void {
  if (body.length < 4) return; // a vendor element shorter than OUI + type names nothing we read
  const oui = [body[0]!, body[1]!, body[2]!].map((x) => x.toString(16).padStart(2, '0')).join('-');
  const type = body[3]!;
  if (oui === MICROSOFT_OUI && type === 1) out.wpa ??= parseWpa(body.subarray(4));
  else if (oui === MICROSOFT_OUI && type === 4) out.wps ??= parseWps(body.subarray(4));
  else if (oui === WFA_OUI && type === 28) out.oweTransition = true;
}

