/**
 * strongSwan configurations: swanctl.conf (swanctl.conf(5): the strongSwan settings syntax, nested `name { key = value }`
 * sections under `connections`) and the legacy ipsec.conf (ipsec.conf(5): `conn name` followed by indented
 * `key=value` lines, `conn %default` and `also=`). Pure: text in, one IpsecConnection per connection out, with the facts
 * the `vpn.ipsec.*` checks read. Defaults follow strongSwan 5.9: IKEv2, strong default proposals, public-key auth.
 */
import { MitmError } from '../errors.js';
import { checkVpnText, MAX_DIRECTIVES } from './text.js';

export interface IpsecConnection {
  file: string;
  format: 'swanctl' | 'ipsec.conf';
  name: string;
  line: number;
  /** 1, 2, or 0 for "either" (swanctl version = 0, ipsec.conf keyexchange=ike accepting IKEv1). */
  ikeVersion: 0 | 1 | 2;
  aggressive: boolean;
  localAuth: string[];
  remoteAuth: string[];
  /** The identity required of the peer; null or %any when none is. */
  remoteId: string | null;
  /** The peer's certificate must chain to a named CA (swanctl cacerts/ca_id, ipsec.conf rightca). */
  remoteCaConstraint: boolean;
  ikeProposals: string[];
  espProposals: string[];
}

const list = (v: string | undefined) => (v ?? '').split(/[,\s]+/).map((s) => s.trim().toLowerCase()).filter(Boolean);
const unquote = (v: string) => (v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v);

interface Section {
  name: string;
  line: number;
  values: Map<string, string>;
  children: Section[];
}

/** The strongSwan settings syntax (strongswan.conf(5)): sections in braces, `key = value`, `#` comments. */
function parseSettings(text: string, file: string): Section {
  const root: Section = { name: '', line: 0, values: new Map(), children: [] };
  const stack = [root];
  let count = 0;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (line === '') return;
    const at = (msg: string) => new MitmError('MG_ERR_CONFIG', `${file}:${i + 1}: ${msg}`, { details: { file, line: i + 1 } });
    if (++count > MAX_DIRECTIVES) throw new MitmError('MG_ERR_TOO_LARGE', `${file}: more than ${MAX_DIRECTIVES} lines`);
    if (line === '}') {
      if (stack.length === 1) throw at("'}' without a section");
      stack.pop();
      return;
    }
    const open = /^([\w.%-]+)\s*\{$/.exec(line);
    if (open) {
      if (stack.length > 16) throw at('sections nested deeper than 16');
      const s: Section = { name: open[1]!, line: i + 1, values: new Map(), children: [] };
      stack[stack.length - 1]!.children.push(s);
      stack.push(s);
      return;
    }
    const kv = /^([\w.%-]+)\s*=\s*(.*)$/.exec(line);
    if (kv) {
      stack[stack.length - 1]!.values.set(kv[1]!, unquote(kv[2]!.trim()));
      return;
    }
    if (/^include\s/.test(line)) return; // included files are audited when named themselves
    throw at('expected "name {", "}" or "key = value"');
  });
  if (stack.length !== 1) throw new MitmError('MG_ERR_CONFIG', `${file}: section ${stack[stack.length - 1]!.name} is not closed`);
  return root;
}

export function parseSwanctl(text: string, file: string): IpsecConnection[] {
  checkVpnText(text, file);
  const root = parseSettings(text, file);
  const connections = root.children.find((s) => s.name === 'connections');
  if (!connections) throw new MitmError('MG_ERR_CONFIG', `${file}: no connections { } section; not a swanctl.conf`);
  return connections.children.map((c) => {
    const locals = c.children.filter((s) => /^local/.test(s.name));
    const remotes = c.children.filter((s) => /^remote/.test(s.name));
    const children = c.children.find((s) => s.name === 'children')?.children ?? [];
    const version = Number(c.values.get('version') ?? '0');
    const remoteId = remotes.map((r) => r.values.get('id')).find((x) => x !== undefined) ?? null;
    return {
      file, format: 'swanctl' as const, name: c.name, line: c.line,
      ikeVersion: (version === 1 || version === 2 ? version : 0) as 0 | 1 | 2,
      aggressive: c.values.get('aggressive') === 'yes',
      localAuth: locals.map((l) => l.values.get('auth') ?? 'pubkey'),
      remoteAuth: remotes.map((r) => r.values.get('auth') ?? 'pubkey'),
      remoteId: remoteId === '%any' ? null : remoteId,
      remoteCaConstraint: remotes.some((r) => r.values.has('cacerts') || r.values.has('ca_id') || r.values.has('certs') || r.values.has('pubkeys')),
      ikeProposals: list(c.values.get('proposals') ?? 'default'),
      espProposals: children.flatMap((ch) => list(ch.values.get('esp_proposals') ?? 'default')),
    };
  });
}

export function parseIpsecConf(text: string, file: string): IpsecConnection[] {
  checkVpnText(text, file);
  const conns: { name: string; line: number; values: Map<string, string> }[] = [];
  let current: { name: string; line: number; values: Map<string, string> } | null = null;
  let count = 0;
  text.split(/\r?\n/).forEach((raw, i) => {
    const stripped = raw.replace(/(^|\s)#.*$/, '');
    if (stripped.trim() === '') return;
    if (++count > MAX_DIRECTIVES) throw new MitmError('MG_ERR_TOO_LARGE', `${file}: more than ${MAX_DIRECTIVES} lines`);
    const head = /^(conn|config|ca)\s+(\S+)\s*$/.exec(stripped);
    if (head) {
      current = head[1] === 'conn' ? { name: head[2]!, line: i + 1, values: new Map() } : null;
      if (current) conns.push(current);
      return;
    }
    if (/^\S/.test(stripped) && !/^version\s/.test(stripped) && !/^include\s/.test(stripped)) {
      throw new MitmError('MG_ERR_CONFIG', `${file}:${i + 1}: expected "conn name", "config setup" or an indented key=value`, { details: { file, line: i + 1 } });
    }
    const kv = /^\s+([\w-]+)\s*=\s*(.*)$/.exec(stripped);
    if (kv && current) (current as { values: Map<string, string> }).values.set(kv[1]!, unquote(kv[2]!.trim()));
  });
  const byName = new Map(conns.map((c) => [c.name, c]));
  const defaults = byName.get('%default')?.values ?? new Map<string, string>();
  const resolve = (c: { values: Map<string, string> }, depth = 0): Map<string, string> => {
    const out = new Map(defaults);
    for (const also of list(c.values.get('also'))) {
      const a = byName.get(also);
      if (a && depth < 8) for (const [k, v] of resolve(a, depth + 1)) out.set(k, v);
    }
    for (const [k, v] of c.values) out.set(k, v);
    return out;
  };
  return conns
    .filter((c) => c.name !== '%default')
    .map((c) => {
      const v = resolve(c);
      const kx = v.get('keyexchange') ?? 'ike';
      const authby = v.get('authby');
      const psk = authby === 'secret' || authby === 'psk';
      const rightId = v.get('rightid') ?? null;
      return {
        file, format: 'ipsec.conf' as const, name: c.name, line: c.line,
        ikeVersion: (kx === 'ikev1' ? 1 : kx === 'ikev2' ? 2 : 0) as 0 | 1 | 2,
        aggressive: v.get('aggressive') === 'yes',
        localAuth: [v.get('leftauth') ?? (psk ? 'psk' : 'pubkey')],
        remoteAuth: [v.get('rightauth') ?? (psk ? 'psk' : 'pubkey')],
        remoteId: rightId === '%any' ? null : rightId,
        remoteCaConstraint: v.has('rightca') || v.has('rightcert'),
        ikeProposals: list(v.get('ike') ?? 'default'),
        espProposals: list(v.get('esp') ?? 'default'),
      };
    });
}
