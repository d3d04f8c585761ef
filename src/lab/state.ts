/**
 * `mitmguard lab up|down|status` keep the running lab's address book in a small JSON file, so `down` and `status`
 * (other processes) find it. No key material is ever written: the lab's keys live in the lab process only.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { MitmError } from '../errors.js';

export const DEFAULT_LAB_STATE = resolve('.mitmguard', 'lab.json');
/** A state file larger than this is not ours. */
const MAX_STATE_BYTES = 256 * 1024;

export interface LabState {
  pid: number;
  startedAt: string;
  rootPem: string;
  endpoints: Array<{ name: string; title: string; target: string; port: number; pillar: string | null }>;
  /** The client-audit hostile endpoint (src/lab/audit.ts): one HTTPS scenario per port, and the CA clients trust. */
  audit?: { caPem: string; pin: string; scenarios: Array<{ scenario: string; title: string; url: string; port: number }> };
  /** The lab DNS server (src/lab/dns.ts) and its zone's trust anchor (public: a DS record). */
  dns?: { host: string; port: number; zone: string; anchorText: string; bindAnchorText: string };
}

/** The lab root certificate beside the state file, for `scan --ca`, `cert verify --ca` or a client's CA option. */
export const labRootPath = (statePath: string): string => join(dirname(statePath), 'lab-root.pem');
/** The client audit's "trusted" CA beside the state file: give it to a client as its CA for the audit scenarios. */
export const labAuditCaPath = (statePath: string): string => join(dirname(statePath), 'lab-audit-ca.pem');
/** The lab zone's trust anchor beside the state file, for `mitmguard dns check --anchor` (zone-file DS form). */
export const labAnchorPath = (statePath: string): string => join(dirname(statePath), 'lab-anchor.txt');
/** The same anchor in BIND `trust-anchors { … };` syntax, for `delv -a`. */
export const labBindAnchorPath = (statePath: string): string => join(dirname(statePath), 'lab-anchor.bind');

export function writeLabState(path: string, state: LabState): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(state, null, 2) + '\n', { mode: 0o600 });
  // A certificate, not a key: public by nature.
  writeFileSync(labRootPath(path), state.rootPem);
  if (state.audit) writeFileSync(labAuditCaPath(path), state.audit.caPem);
  if (state.dns) {
    writeFileSync(labAnchorPath(path), state.dns.anchorText);
    writeFileSync(labBindAnchorPath(path), state.dns.bindAnchorText);
  }
}

export function readLabState(path: string): LabState | null {
  if (!existsSync(path)) return null;
  const text = readFileSync(path, 'utf8');
  if (text.length > MAX_STATE_BYTES) throw new MitmError('MG_ERR_TOO_LARGE', `${path}: not a lab state file (too large)`);
  try {
    const s = JSON.parse(text) as LabState;
    if (!Number.isInteger(s.pid) || !Array.isArray(s.endpoints)) throw new Error('missing pid or endpoints');
    if (s.audit !== undefined && (typeof s.audit !== 'object' || s.audit === null || !Array.isArray(s.audit.scenarios))) throw new Error('audit without scenarios');
    return s;
  } catch (err) {
    throw new MitmError('MG_ERR_MALFORMED', `${path}: not a lab state file (${(err as Error).message})`, { cause: err });
  }
}

/** Remove the state file and the files written beside it; returns the paths that existed and were removed. */
export function removeLabState(path: string): string[] {
  const files = [path, labRootPath(path), labAuditCaPath(path), labAnchorPath(path), labBindAnchorPath(path)];
  const removed = files.filter((f) => existsSync(f));
  for (const f of removed) rmSync(f, { force: true });
  return removed;
}

/** Whether a process exists (signal 0 checks without sending anything). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether something accepts TCP connections on 127.0.0.1:port. */
export function portOpen(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const s = connect({ host: '127.0.0.1', port });
    const done = (v: boolean) => {
      s.destroy();
      resolvePromise(v);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}
