/**
 * The lab's BGP exercise (issue 13), on loopback: src/bgp's route collector (`listenForPeers`, the passive speaker
 * `mitmguard bgp collect --listen` runs — it never announces) and two announcing speakers of our own
 * (src/lab/bgp-speaker.ts) connecting to it from their own loopback addresses: the legitimate origin of the lab's
 * documentation prefixes (private AS 65010) and a hijacker (private AS 65066) announcing the same /24 and a more-specific
 * /25. Every route the collector receives goes through src/bgp's monitors with the lab's monitor file and VRPs
 * (src/lab/samples/bgp/), so the report shows the hijack alerts and their RPKI verdicts.
 */
import { connect, type Socket } from 'node:net';
import { MitmError, toMitmError } from '../errors.js';
import type { Finding } from '../model/index.js';
import { listenForPeers, type SessionSummary } from '../bgp/collector.js';
import { loadMonitorFile, loadVrpFile } from '../bgp/check-files.js';
import { BgpMonitor } from '../bgp/monitor.js';
import { RovTable } from '../bgp/rov.js';
import { AnnouncingSession, type LabRoute } from './bgp-speaker.js';
import type { LabBgpObservation } from './wing-targets.js';

export interface LabSpeaker {
  name: string;
  asn: number;
  bgpId: string;
  /** The loopback address it connects from, so the collector tells the two peers apart. */
  address: string;
  routes: LabRoute[];
}

/** Private AS numbers (RFC 6996) and documentation prefixes (RFC 5737) only; BGP identifiers from 198.18.0.0/15. */
export const LAB_BGP = {
  collector: { asn: 64512, bgpId: '198.18.0.1', host: '127.0.0.1' },
  speakers: [
    { name: 'origin', asn: 65010, bgpId: '198.18.0.2', address: '127.0.0.2', routes: [{ prefix: '198.51.100.0/24', path: [65010] }, { prefix: '203.0.113.0/24', path: [65010] }] },
    { name: 'hijacker', asn: 65066, bgpId: '198.18.0.3', address: '127.0.0.3', routes: [{ prefix: '198.51.100.0/24', path: [65066] }, { prefix: '198.51.100.128/25', path: [65066] }] },
  ] satisfies LabSpeaker[],
} as const;

/** How long the lab waits for every announced route to reach the collector (loopback: milliseconds). */
export const LAB_BGP_TIMEOUT_MS = 5_000;
/** How long the sessions get to close after the collector's Cease. */
const CLOSE_GRACE_MS = 1_000;

/**
 * Drive one announcing speaker over TCP to host:port (from its own loopback address) until its session closes —
 * the peer ends it, or `signal` aborts (then it sends Cease).
 */
export function runLabSpeaker(s: LabSpeaker, host: string, port: number, signal: AbortSignal): Promise<{ name: string; established: boolean; announced: number; closed: string }> {
  return new Promise((resolve) => {
    const session = new AnnouncingSession({ localAs: s.asn, bgpId: s.bgpId, nextHop: s.address, routes: s.routes });
    let established = false;
    let done = false;
    let socket: Socket;
    const finish = (closed: string) => {
      if (done) return;
      done = true;
      clearInterval(timer);
      signal.removeEventListener('abort', onAbort);
      socket.end();
      setTimeout(() => socket.destroy(), CLOSE_GRACE_MS).unref();
      resolve({ name: s.name, established, announced: session.announced, closed });
    };
    const apply = (out: ReturnType<AnnouncingSession['start']>) => {
      for (const b of out.send) socket.write(b);
      for (const e of out.events) {
        if (e.type === 'established') established = true;
        else if (e.type === 'closed') finish(e.reason);
      }
    };
    const onAbort = () => apply(session.stop());
    const timer = setInterval(() => apply(session.tick(Date.now())), 1000);
    socket = connect({ host, port, localAddress: s.address });
    socket.on('connect', () => apply(session.start(Date.now())));
    socket.on('data', (chunk: Buffer) => apply(session.receive(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength), Date.now())));
    socket.on('error', (err) => finish(`socket error: ${err.message}`));
    socket.on('close', () => finish('the collector closed the connection'));
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export interface LabBgpRun {
  findings: Finding[];
  observation: LabBgpObservation;
}

/**
 * Start the collector, let both speakers announce, judge every route with the monitors, stop everything.
 *
 * @example const { findings, observation } = await runLabBgp('src/lab/samples/bgp/monitors.yml', 'src/lab/samples/bgp/vrps.json');
 */
export async function runLabBgp(monitorFile: string, vrpFile: string, options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<LabBgpRun> {
  const config = await loadMonitorFile(monitorFile);
  const vrps = await loadVrpFile(vrpFile);
  const monitor = new BgpMonitor(config, { rov: new RovTable(vrps.vrps, vrps.vrps.length), vrps: vrps.vrps, ...(vrps.generated !== undefined ? { vrpGeneratedAt: vrps.generated } : {}) });
  const expected = LAB_BGP.speakers.reduce((n, s) => n + s.routes.length, 0);
  const findings: Finding[] = [];
  const stopAll = new AbortController();
  const onOuterAbort = () => stopAll.abort();
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  // The lab's own shutdown is no routing event: once it stops, the sessions' ends (peer-down) are not judged, or
  // every lab route would show as a visibility loss.
  let judging = true;
  let announcements = 0;
  let allArrived: () => void = () => undefined;
  const arrived = new Promise<void>((resolve) => (allArrived = resolve));
  let listening: (port: number) => void = () => undefined;
  const portKnown = new Promise<number>((resolve) => (listening = resolve));
  const collector: Promise<SessionSummary[]> = listenForPeers(LAB_BGP.collector.host, 0, {
    localAs: LAB_BGP.collector.asn, bgpId: LAB_BGP.collector.bgpId, signal: stopAll.signal, maxSessions: LAB_BGP.speakers.length,
    onListening: listening,
    onRoute: (e) => {
      if (!judging) return;
      if (e.type === 'announce') announcements++;
      findings.push(...monitor.observe(e));
      if (announcements >= expected) allArrived();
    },
  });
  collector.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  try {
    const port = await Promise.race([portKnown, collector.then(() => { throw new MitmError('MG_ERR_IO', 'the lab route collector stopped before it listened'); })]);
    const speakers = LAB_BGP.speakers.map((s) => runLabSpeaker(s, LAB_BGP.collector.host, port, stopAll.signal));
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, options.timeoutMs ?? LAB_BGP_TIMEOUT_MS)));
    const aborted = new Promise<void>((resolve) => stopAll.signal.addEventListener('abort', () => resolve(), { once: true }));
    await Promise.race([arrived, deadline, aborted]);
    judging = false;
    findings.push(...monitor.finish());
    stopAll.abort();
    const [sessions, spoke] = await Promise.all([collector, Promise.all(speakers)]);
    if (options.signal?.aborted) throw new MitmError('MG_ERR_ABORTED', 'the lab BGP run was interrupted');
    return {
      findings,
      observation: {
        collector: { asn: LAB_BGP.collector.asn, sessions: sessions.length, established: sessions.filter((x) => x.established).length },
        speakers: spoke.map((s) => ({ ...s, asn: LAB_BGP.speakers.find((x) => x.name === s.name)!.asn })),
        announcements,
        expectedAnnouncements: expected,
        rpki: { ...monitor.counts.rpki },
      },
    };
  } catch (err) {
    stopAll.abort();
    throw toMitmError(err, 'MG_ERR_IO');
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onOuterAbort);
  }
}
