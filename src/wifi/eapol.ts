/**
 * EAPOL-Key frames (IEEE 802.1X-2020 §11.3 EAPOL header; IEEE 802.11-2020 §12.7.2 Figure 12-32 key frame) carried in
 * 802.11 data frames behind an LLC/SNAP header with EtherType 0x888e. Big-endian. The MIC field's length depends on the
 * AKM (16 octets for most, 24 for the Suite B 192-bit and SHA-384 AKMs, §12.7.3 Table 12-11), which the frame itself
 * does not state: we take the one for which the Key Data Length lands exactly on the end of the frame.
 */
import { MitmError } from '../errors.js';

export const ETHERTYPE_EAPOL = 0x888e;
const EAPOL_KEY = 3;
/** Key Information bits (§12.7.2 Figure 12-33). */
const KI = { pairwise: 0x0008, install: 0x0040, ack: 0x0080, mic: 0x0100, secure: 0x0200, error: 0x0400, request: 0x0800, encrypted: 0x1000 } as const;

export interface EapolKey {
  /** 2 RSN key descriptor, 254 WPA. */
  descriptorType: number;
  keyInfo: number;
  /** Which message of the 4-way handshake (1–4), or null for a group key handshake or something else. */
  message: 1 | 2 | 3 | 4 | null;
  replayCounter: bigint;
  micLength: number;
  keyDataLength: number;
  /** Key Data carries a PMKID KDE (00-0F-AC type 4, §12.7.2 Table 12-10) — what PMKID-harvesting tools collect. */
  hasPmkid: boolean;
}

/** The LLC/SNAP header of an 802.11 data frame body (RFC 1042 encapsulation): AA AA 03 00 00 00 type(2). */
export function llcEtherType(body: Uint8Array): number | null {
  if (body.length < 8) return null;
  if (body[0] !== 0xaa || body[1] !== 0xaa || body[2] !== 0x03 || body[3] !== 0 || body[4] !== 0 || body[5] !== 0) return null;
  return (body[6]! << 8) | body[7]!;
}

const FIXED = 1 + 2 + 2 + 8 + 32 + 16 + 8 + 8; // descriptor, key info, key length, replay, nonce, IV, RSC, reserved

/** Parse an EAPOL frame (after LLC/SNAP). Returns null for EAPOL packets that are not keys (EAP, Start, Logoff). */
export function parseEapolKey(eapol: Uint8Array): EapolKey | null {
  if (eapol.length < 4) throw new MitmError('MG_ERR_TRUNCATED', 'EAPOL: header cut short');
  const type = eapol[1]!;
  const bodyLength = (eapol[2]! << 8) | eapol[3]!;
  if (type !== EAPOL_KEY) return null;
  if (4 + bodyLength > eapol.length) throw new MitmError('MG_ERR_TRUNCATED', `EAPOL-Key: body length ${bodyLength}, ${eapol.length - 4} captured`);
  const b = eapol.subarray(4, 4 + bodyLength);
  if (b.length < FIXED + 16 + 2) throw new MitmError('MG_ERR_TRUNCATED', `EAPOL-Key: ${b.length} bytes is shorter than the key frame`);
  const descriptorType = b[0]!;
  if (descriptorType !== 2 && descriptorType !== 254) throw new MitmError('MG_ERR_UNSUPPORTED', `EAPOL-Key: descriptor type ${descriptorType}`);
  const keyInfo = (b[1]! << 8) | b[2]!;
  let replayCounter = 0n;
  for (let i = 5; i < 13; i++) replayCounter = (replayCounter << 8n) | BigInt(b[i]!);
  let micLength = -1;
  let keyDataLength = 0;
  for (const candidate of [16, 24, 32]) {
    const at = FIXED + candidate;
    if (at + 2 > b.length) continue;
    const len = (b[at]! << 8) | b[at + 1]!;
    if (at + 2 + len === b.length) {
      micLength = candidate;
      keyDataLength = len;
      break;
    }
  }
  if (micLength < 0) throw new MitmError('MG_ERR_MALFORMED', 'EAPOL-Key: Key Data Length matches no MIC length (16, 24, 32)');
  const keyData = b.subarray(FIXED + micLength + 2);
  const encrypted = (keyInfo & KI.encrypted) !== 0;
  return {
    descriptorType,
    keyInfo,
    message: handshakeMessage(keyInfo),
    replayCounter,
    micLength,
    keyDataLength,
    hasPmkid: !encrypted && hasPmkidKde(keyData),
  };
}

/** §12.7.6: M1 ack, no MIC; M2 MIC, no ack, no secure; M3 ack+MIC+install; M4 MIC+secure, no ack. Pairwise only. */
function handshakeMessage(ki: number): 1 | 2 | 3 | 4 | null {
  if (!(ki & KI.pairwise)) return null;
  const ack = (ki & KI.ack) !== 0;
  const mic = (ki & KI.mic) !== 0;
  if (ack && !mic) return 1;
  if (ack && mic) return 3;
  if (!ack && mic) return ki & KI.secure ? 4 : 2;
  return null;
}

/** KDEs (§12.7.2 Figure 12-34): type 0xdd, length, OUI(3), data type, data; 0xdd with length 0 ends as padding. */
function hasPmkidKde(data: Uint8Array): boolean {
  let at = 0;
  while (at + 2 <= data.length) {
    const id = data[at]!;
    const len = data[at + 1]!;
    if (id === 0xdd && len === 0) return false; // padding
    if (at + 2 + len > data.length) throw new MitmError('MG_ERR_TRUNCATED', 'EAPOL-Key: key data element runs past its end');
    if (id === 0xdd && len >= 20 && data[at + 2] === 0x00 && data[at + 3] === 0x0f && data[at + 4] === 0xac && data[at + 5] === 4) return true;
    at += 2 + len;
  }
  return false;
}
