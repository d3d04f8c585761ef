/**
 * The I/O half of the lab's wing targets (src/lab/wing-targets.ts): read the samples the lab ships under
 * src/lab/samples/ and analyse them with the wings' own library functions — the same ones `mitmguard wifi capture`,
 * `wifi config` and `vpn config` call — so the main job reports them beside the TLS endpoints.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MitmError } from '../errors.js';
import { errorInfo, type Finding, type TargetReport } from '../model/index.js';
import { AirAnalysis } from '../wifi/analyse.js';
import { parseAirBaseline } from '../wifi/baseline.js';
import { readFrames } from '../wifi/read-frames.js';
import { auditWifiConfigs } from '../wifi/config/read.js';
import { auditVpnConfigs } from '../vpn/read.js';
import { runLabBgp } from './bgp.js';
import { analyseLabTraffic } from './capture.js';
import type { RunningEndpoint } from './server.js';
import { LAB_WING_TARGETS, labWingTarget, type LabWingKind, type LabWingTarget } from './wing-targets.js';

/** Directories walked up from this module to find the samples (src/lab/ when run from source, dist/ when bundled). */
const MAX_SAMPLE_DIR_LEVELS = 4;

/** The lab's samples directory: `src/lab/samples` of the checkout this module runs from. */
export function labSamplesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i <= MAX_SAMPLE_DIR_LEVELS; i++) {
    for (const candidate of [join(dir, 'samples'), join(dir, 'src', 'lab', 'samples')]) if (existsSync(join(candidate, 'lab-air.pcap'))) return candidate;
    dir = dirname(dir);
  }
  throw new MitmError('MG_ERR_IO', `the lab samples (src/lab/samples/lab-air.pcap) were not found above ${dirname(fileURLToPath(import.meta.url))}`);
}

/** A running lab, for the analyses that record its traffic. */
export interface LabContext {
  endpoints: readonly RunningEndpoint[];
  rootPem: string;
}

type Analyse = (files: string[], signal?: AbortSignal, lab?: LabContext) => Promise<Finding[] | { findings: Finding[]; observations: Partial<TargetReport> }>;

/** Each kind reads its files with the wing's reader; a file the wing could not read is an error, not a silent gap. */
const ANALYSES: Record<LabWingKind, Analyse> = {
  'wifi-air': async ([pcap, baseline], signal) => {
    const air = new AirAnalysis({ baseline: parseAirBaseline(readFileSync(baseline!, 'utf8'), baseline), target: pcap! });
    for await (const frame of readFrames(pcap!, signal)) air.push(frame);
    const r = air.finish();
    if (!r.frames.decoded) throw new MitmError('MG_ERR_MALFORMED', `${pcap}: no 802.11 frame decoded`);
    return r.findings;
  },
  'wifi-profiles': async (files) => {
    const a = auditWifiConfigs(files);
    if (a.errors.length) throw new MitmError(a.errors[0]!.code, a.errors[0]!.message);
    return a.findings;
  },
  'vpn-configs': async (files) => {
    const a = auditVpnConfigs(files);
    if (a.errors.length) throw new MitmError(a.errors[0]!.code, a.errors[0]!.message);
    return a.findings;
  },
  'capture-lab': async (_files, signal, lab) => {
    if (!lab) throw new MitmError('MG_ERR_USAGE', 'the lab capture records a running lab: start it first');
    const r = await analyseLabTraffic(lab.endpoints, lab.rootPem, signal ? { signal } : {});
    return { findings: r.findings, observations: { labCapture: { frames: r.recording.frames, bytes: r.recording.pcapng.length, comment: r.report.comments[0]?.text ?? '', exchanges: r.recording.exchanges } } };
  },
  'bgp-lab': async ([monitors, vrps], signal) => {
    const r = await runLabBgp(monitors!, vrps!, signal ? { signal } : {});
    return { findings: r.findings, observations: { labBgp: r.observation } };
  },
};

/** Analyse one wing target's samples; never throws (a failure is a failed target). */
export async function analyseLabWingTarget(spec: LabWingTarget, options: { samplesDir?: string; signal?: AbortSignal; lab?: LabContext } = {}): Promise<TargetReport> {
  const started = performance.now();
  try {
    const dir = options.samplesDir ?? labSamplesDir();
    const result = await ANALYSES[spec.kind](spec.files.map((f) => join(dir, f)), options.signal, options.lab);
    const raw = Array.isArray(result) ? result : result.findings;
    const observations = Array.isArray(result) ? {} : result.observations;
    // The report names the samples as the checkout does (`src/lab/samples/vpn/lab-wg.conf`), not by this machine's path.
    const local = (s: string) => s.split(`${dir}/`).join('src/lab/samples/');
    const findings = raw.map((f) => ({ ...f, target: local(f.target), evidence: local(f.evidence) }));
    return labWingTarget(spec, { findings, observations, durationMs: Math.round(performance.now() - started) });
  } catch (err) {
    return labWingTarget(spec, { error: errorInfo(err), durationMs: Math.round(performance.now() - started) });
  }
}

/** Every wing target of the lab, analysed in parallel. */
export function analyseLabWingTargets(options: { specs?: readonly LabWingTarget[]; samplesDir?: string; signal?: AbortSignal; lab?: LabContext } = {}): Promise<Array<{ spec: LabWingTarget; report: TargetReport }>> {
  return Promise.all((options.specs ?? LAB_WING_TARGETS).map(async (spec) => ({ spec, report: await analyseLabWingTarget(spec, options) })));
}
