/**
 * `mitmguard lab up|down|status` keep the running lab's address book in a small JSON file, so `down` and `status`
 * (other processes) find it. No key material is ever written: the lab's keys live in the lab process only.
 */
import { closeSync, constants as fsConstants, existsSync, lstatSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { MitmError } from '../errors.js';

export const DEFAULT_LAB_STATE = resolve('.mitmguard', 'lab.json');
/** A state file larger than this is not ours. */
const MAX_STATE_BYTES = 256 * 1024;

/** Who the lab process is, read from /proc at `lab up` and checked again before `lab down` signals anything. */
export interface LabProcessIdentity {
  /** /proc/<pid>/stat field 22: start time in clock ticks after boot; a reused pid has another one. */
  startTime: string;
  /** /proc/<pid>/cmdline, NUL-separated arguments joined by spaces. */
  commandLine: string;
}

export interface LabState {
  pid: number;
  /** Absent in state files written before it existed (or planted ones): such a pid is never signalled. */
  process?: LabProcessIdentity;
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

/**
 * Write `text` to `path`, never through a symbolic link: a cloned repository can ship `.mitmguard/lab-root.pem` as a
 * link to a file of the user's, which a plain write would overwrite. O_NOFOLLOW refuses a link as the last component;
 * the directory is checked with lstat.
 */
function writeNoFollow(path: string, text: string, mode: number): void {
  let fd: number;
  try {
    fd = openSync(path, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_TRUNC | fsConstants.O_NOFOLLOW, mode);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw new MitmError('MG_ERR_IO', `${path} is a symbolic link; refusing to write through it`, { cause: err });
    throw new MitmError('MG_ERR_IO', `cannot write ${path}: ${(err as Error).message}`, { cause: err });
  }
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}

export function writeLabState(path: string, state: LabState): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  if (lstatSync(dir).isSymbolicLink()) throw new MitmError('MG_ERR_IO', `${dir} is a symbolic link; refusing to write the lab state through it`);
  writeNoFollow(path, JSON.stringify(state, null, 2) + '\n', 0o600);
  // A certificate, not a key: public by nature.
  writeNoFollow(labRootPath(path), state.rootPem, 0o644);
  if (state.audit) writeNoFollow(labAuditCaPath(path), state.audit.caPem, 0o644);
  if (state.dns) {
    writeNoFollow(labAnchorPath(path), state.dns.anchorText, 0o644);
    writeNoFollow(labBindAnchorPath(path), state.dns.bindAnchorText, 0o644);
  }
}

/** The identity of a running process from /proc, or null when it does not exist (or /proc cannot tell). */
export function processIdentity(pid: number): LabProcessIdentity | null {
  if (!Number.isInteger(pid) || pid <= 1) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // proc(5): "pid (comm) state ppid …"; comm may hold spaces and parentheses, so count fields after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const startTime = fields[19];
    if (!startTime) return null;
    const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').filter(Boolean).join(' ');
    return { startTime, commandLine };
  } catch {
    return null;
  }
}

/** The lab's command line always holds these words (`… lab up --foreground --state <path>`). */
const LAB_COMMAND = /\blab up --foreground\b/;

/**
 * Whether the state file's pid is our lab, still running: a pid above 1, the same start time and command line as
 * recorded at `lab up`, and a lab command line. `reason` says why not. A pid that is merely alive is not enough.
 */
export function verifyLabProcess(state: LabState): { running: true } | { running: false; alive: boolean; reason: string } {
  if (!Number.isInteger(state.pid) || state.pid <= 1) return { running: false, alive: false, reason: `pid ${state.pid} can never be the lab` };
  const now = processIdentity(state.pid);
  if (!now) return { running: false, alive: processAlive(state.pid), reason: `no process ${state.pid}` };
  if (!state.process) return { running: false, alive: true, reason: `the state file records no start time or command line for pid ${state.pid}` };
  if (now.startTime !== state.process.startTime) return { running: false, alive: true, reason: `pid ${state.pid} was started at another time (a reused pid)` };
  if (now.commandLine !== state.process.commandLine || !LAB_COMMAND.test(now.commandLine)) {
    return { running: false, alive: true, reason: `pid ${state.pid} runs another command` };
  }
  return { running: true };
}

export function readLabState(path: string): LabState | null {
  if (!existsSync(path)) return null;
  const text = readFileSync(path, 'utf8');
  if (text.length > MAX_STATE_BYTES) throw new MitmError('MG_ERR_TOO_LARGE', `${path}: not a lab state file (too large)`);
  try {
    const s = JSON.parse(text) as LabState;
    if (!Number.isInteger(s.pid) || !Array.isArray(s.endpoints)) throw new MitmError('MG_ERR_MALFORMED', 'missing pid or endpoints');
    // kill(2): 0 signals the caller's process group, -1 every process we may signal, 1 is init.
    if (s.pid <= 1) throw new MitmError('MG_ERR_MALFORMED', `pid ${s.pid} cannot be a lab process`);
    if (s.process !== undefined && (typeof s.process?.startTime !== 'string' || typeof s.process?.commandLine !== 'string')) throw new MitmError('MG_ERR_MALFORMED', 'process identity malformed');
    if (s.audit !== undefined && (typeof s.audit !== 'object' || s.audit === null || !Array.isArray(s.audit.scenarios))) throw new MitmError('MG_ERR_MALFORMED', 'audit without scenarios');
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
