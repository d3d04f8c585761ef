/**
 * The I/O side of `mitmguard bgp check`: read the VRP file and the monitor file, stream each MRT file through the
 * decoder into the monitors, and return one document — what was read, the RPKI tallies, and the findings. A file
 * that cannot be read or decoded is recorded with its error code; the other files are still checked.
 */
import { readFile, stat } from 'node:fs/promises';
import { MitmError, toMitmError } from '../errors.js';
import { errorInfo, sortFindings, type ErrorInfo, type Finding } from '../model/index.js';
import { TOOL_NAME, VERSION } from '../version.js';
import { BGP_LIMITS } from './limits.js';
import { mrtEvents } from './events.js';
import { BgpMonitor } from './monitor.js';
import { parseMonitorConfig, type MonitorConfig } from './monitor-config.js';
import { readMrtFile } from './mrt-reader.js';
import { RovTable } from './rov.js';
import { parseVrps, type VrpSet } from './vrp.js';

async function readText(path: string, limit: number, what: string): Promise<string> {
  const st = await stat(path).catch((err: unknown) => {
    throw new MitmError('MG_ERR_IO', `cannot read ${what} ${path}: ${(err as Error).message}`, { cause: err });
  });
  if (st.size > limit) throw new MitmError('MG_ERR_TOO_LARGE', `${what} ${path} is ${st.size} bytes, above the limit of ${limit}`);
  return readFile(path, 'utf8');
}

/** A VRP file, or `rtr://host:port` for an RTR cache (RFC 8210). */
export async function loadVrpFile(path: string): Promise<VrpSet> {
  const rtr = /^rtr:\/\/\[?([0-9A-Za-z:.-]+?)\]?:(\d{1,5})$/.exec(path);
  if (rtr) {
    const { fetchRtrVrps } = await import('./rtr-client.js');
    const r = await fetchRtrVrps(rtr[1]!, Number(rtr[2]));
    return { vrps: r.vrps, format: 'rtr' };
  }
  const text = await readText(path, BGP_LIMITS.maxVrpFileBytes, 'VRP file');
  try {
    return parseVrps(text);
  } catch (err) {
    const e = toMitmError(err, 'MG_ERR_MALFORMED');
    throw new MitmError(e.code, `${path}: ${e.message}`, { cause: e });
  }
}

export async function loadMonitorFile(path: string): Promise<MonitorConfig> {
  return parseMonitorConfig(await readText(path, 1024 * 1024, 'monitor file'), path);
}

export interface MrtFileSummary {
  file: string;
  records: number;
  routes: number;
  withdrawals: number;
  error: ErrorInfo | null;
}

export interface BgpCheckDocument {
  tool: typeof TOOL_NAME;
  version: string;
  files: MrtFileSummary[];
  vrps: { count: number; format: string } | null;
  monitoredPrefixes: number;
  rpki: { valid: number; invalid: number; 'not-found': number } | null;
  findings: Finding[];
}

export interface CheckOptions {
  monitors?: MonitorConfig;
  vrps?: VrpSet;
  signal?: AbortSignal;
}

/** Check MRT files against the monitors (and VRPs). Files are read in the order given, as one stream of events. */
export async function checkMrtFiles(files: readonly string[], options: CheckOptions = {}): Promise<BgpCheckDocument> {
  const rov = options.vrps ? new RovTable(options.vrps.vrps, options.vrps.vrps.length) : undefined;
  const config: MonitorConfig = options.monitors ?? { form: 'mitmguard', prefixes: [], asns: [], ignorePeers: [], thresholds: { minPeers: 1, visibilityLoss: 0.5, roaExpiryDays: 7 } };
  const monitor = new BgpMonitor(config, {
    ...(rov ? { rov, vrps: options.vrps!.vrps } : {}),
    ...(options.vrps?.generated !== undefined ? { vrpGeneratedAt: options.vrps.generated } : {}),
  });
  const findings: Finding[] = [];
  const summaries: MrtFileSummary[] = [];
  const tally = { valid: 0, invalid: 0, 'not-found': 0 };
  for (const file of files) {
    const s: MrtFileSummary = { file, records: 0, routes: 0, withdrawals: 0, error: null };
    summaries.push(s);
    try {
      for await (const record of readMrtFile(file, options.signal ? { signal: options.signal } : {})) {
        s.records++;
        for (const ev of mrtEvents(record)) {
          if (ev.type === 'announce') {
            s.routes++;
            if (rov) tally[STATE[rov.validateCode(ev.prefix.afi, ev.prefix.bytes, ev.prefix.length, ev.origin)]!]++;
          } else if (ev.type === 'withdraw') s.withdrawals++;
          for (const f of monitor.observe(ev)) findings.push(f);
        }
      }
    } catch (err) {
      if (options.signal?.aborted) throw toMitmError(err, 'MG_ERR_ABORTED');
      s.error = errorInfo(err, 'MG_ERR_MALFORMED');
    }
  }
  findings.push(...monitor.finish());
  return {
    tool: TOOL_NAME, version: VERSION, files: summaries,
    vrps: options.vrps ? { count: options.vrps.vrps.length, format: options.vrps.format } : null,
    monitoredPrefixes: config.prefixes.length,
    rpki: rov ? tally : null,
    findings: sortFindings(findings),
  };
}

const STATE = ['valid', 'invalid', 'invalid', 'not-found'] as const;
