/**
 * WireGuard configurations as wg-quick(8) reads them: INI with one [Interface] (PrivateKey, Address, DNS, Table, PostUp …)
 * and [Peer] sections (PublicKey, PresharedKey, AllowedIPs, Endpoint, PersistentKeepalive). Pure; keys are checked for
 * shape (32 bytes of base64) and never kept.
 */
import { MitmError } from '../errors.js';
import { checkVpnText, MAX_DIRECTIVES, MAX_PEERS } from './text.js';

export interface WireGuardPeer {
  publicKey: string;
  presharedKey: boolean;
  allowedIps: string[];
  endpoint: string | null;
  persistentKeepalive: number | null;
}

export interface WireGuardConfig {
  file: string;
  addresses: string[];
  dns: string[];
  /** wg-quick `Table = off` disables its routes: AllowedIPs then route nothing by themselves. */
  table: string | null;
  /** PostUp/PreUp commands that install reject/drop rules outside the tunnel (a kill switch). */
  killSwitch: boolean;
  hasPrivateKey: boolean;
  peers: WireGuardPeer[];
  readableByOthers: boolean | null;
}

const KEY = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw480]=$/;

export function parseWireGuard(text: string, file: string): WireGuardConfig {
  checkVpnText(text, file);
  const c: WireGuardConfig = { file, addresses: [], dns: [], table: null, killSwitch: false, hasPrivateKey: false, peers: [], readableByOthers: null };
  let section: 'interface' | 'peer' | null = null;
  let interfaces = 0;
  let count = 0;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/#.*$/, '').trim();
    if (line === '') continue;
    const at = (msg: string) => new MitmError('MG_ERR_CONFIG', `${file}:${i + 1}: ${msg}`, { details: { file, line: i + 1 } });
    if (++count > MAX_DIRECTIVES) throw new MitmError('MG_ERR_TOO_LARGE', `${file}: more than ${MAX_DIRECTIVES} lines`);
    const sec = /^\[(\w+)\]$/.exec(line);
    if (sec) {
      const name = sec[1]!.toLowerCase();
      if (name === 'interface') {
        if (++interfaces > 1) throw at('a second [Interface]');
        section = 'interface';
      } else if (name === 'peer') {
        if (c.peers.length >= MAX_PEERS) throw new MitmError('MG_ERR_TOO_LARGE', `${file}: more than ${MAX_PEERS} peers`);
        section = 'peer';
        c.peers.push({ publicKey: '', presharedKey: false, allowedIps: [], endpoint: null, persistentKeepalive: null });
      } else throw at(`unknown section [${sec[1]}]`);
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0 || !section) throw at('expected [Interface], [Peer] or Key = Value');
    const key = line.slice(0, eq).trim().toLowerCase();
    const value = line.slice(eq + 1).trim();
    const listOf = () => value.split(',').map((s) => s.trim()).filter(Boolean);
    if (section === 'interface') {
      switch (key) {
        case 'privatekey':
          if (!KEY.test(value)) throw at('PrivateKey is not a base64 WireGuard key');
          c.hasPrivateKey = true;
          break;
        case 'address':
          c.addresses.push(...listOf());
          break;
        case 'dns':
          c.dns.push(...listOf());
          break;
        case 'table':
          c.table = value;
          break;
        case 'postup':
        case 'preup':
          if (/\b(iptables|ip6tables|nft)\b/.test(value) && /\b(REJECT|DROP|reject|drop)\b/.test(value)) c.killSwitch = true;
          break;
        case 'listenport':
        case 'fwmark':
        case 'mtu':
        case 'saveconfig':
        case 'predown':
        case 'postdown':
          break;
        default:
          throw at(`unknown [Interface] key ${JSON.stringify(key)}`);
      }
    } else {
      const peer = c.peers[c.peers.length - 1]!;
      switch (key) {
        case 'publickey':
          if (!KEY.test(value)) throw at('PublicKey is not a base64 WireGuard key');
          peer.publicKey = value;
          break;
        case 'presharedkey':
          if (!KEY.test(value)) throw at('PresharedKey is not a base64 WireGuard key');
          peer.presharedKey = true;
          break;
        case 'allowedips':
          peer.allowedIps.push(...listOf());
          break;
        case 'endpoint':
          peer.endpoint = value;
          break;
        case 'persistentkeepalive':
          peer.persistentKeepalive = value === 'off' ? null : Number(value);
          if (peer.persistentKeepalive !== null && !(Number.isInteger(peer.persistentKeepalive) && peer.persistentKeepalive >= 0 && peer.persistentKeepalive <= 65535)) throw at('PersistentKeepalive must be 0–65535 or off');
          break;
        default:
          throw at(`unknown [Peer] key ${JSON.stringify(key)}`);
      }
    }
  }
  if (interfaces === 0) throw new MitmError('MG_ERR_CONFIG', `${file}: no [Interface] section; not a WireGuard configuration`);
  for (const p of c.peers) if (!p.publicKey) throw new MitmError('MG_ERR_CONFIG', `${file}: a [Peer] without PublicKey`);
  return c;
}

/** Does a peer's AllowedIPs route all of IPv4 / IPv6 (0.0.0.0/0, or the two halves 0.0.0.0/1 + 128.0.0.0/1)? */
export function coverage(c: WireGuardConfig): { ipv4: boolean; ipv6: boolean } {
  const all = c.peers.flatMap((p) => p.allowedIps);
  const ipv4 = all.includes('0.0.0.0/0') || (all.includes('0.0.0.0/1') && all.includes('128.0.0.0/1'));
  const ipv6 = all.includes('::/0') || (all.includes('::/1') && all.includes('8000::/1'));
  return { ipv4, ipv6 };
}
