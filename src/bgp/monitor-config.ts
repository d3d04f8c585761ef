/**
 * The monitor file: which prefixes are ours, who may originate them, which upstreams and downstreams we expect, what
 * to ignore. Two forms are read, told apart by a top-level `prefixes:` key:
 *
 * - **BGPalerter's `prefixes.yml`, as it is**: each top-level key a prefix (`asn`, `description`,
 *   `ignoreMorespecifics`, `ignore`, `includeMonitors` / `excludeMonitors`, `path` rules), and `options.monitorASns`
 *   with each AS's `upstreams` / `downstreams`. Keys BGPalerter has that we do not use (`group`) are accepted.
 * - **mitmguard's form**: `prefixes:` a list of `{ prefix, origins, upstreams, description, ignoreMorespecifics,
 *   ignore, paths }`, `asns:` a list of `{ asn, upstreams, downstreams }`, `ignore: { peers, prefixes }` and
 *   `thresholds: { minPeers, visibilityLoss, roaExpiryDays }`.
 *
 * Pure: YAML text in, a validated MonitorConfig out (MG_ERR_CONFIG with file:line:col otherwise).
 */
import { z } from 'zod';
import { MitmError } from '../errors.js';
import { parseYamlConfig } from '../policy/yaml-config.js';
import { BGP_LIMITS } from './limits.js';
import { parsePrefix, type Prefix } from './prefix.js';
import { parseAsn } from './vrp.js';

/** A user's path pattern longer than this is refused (it runs on every AS path). */
export const MAX_PATH_PATTERN = 512;

/** Monitor names as `includeMonitors` / `excludeMonitors` use them (BGPalerter's names, and ours). */
export const MONITOR_NAMES = {
  hijack: ['basic-hijack-detection', 'hijack'],
  rpki: ['rpki-monitor', 'rpki'],
  visibility: ['withdrawal-detection', 'visibility'],
  newPrefix: ['prefix-detection', 'new-prefix'],
  path: ['path-matching', 'path'],
  neighbours: ['path-neighbors', 'neighbours'],
  moas: ['moas'],
} as const;
export type MonitorName = keyof typeof MONITOR_NAMES;

export interface PathRule {
  match?: RegExp;
  notMatch?: RegExp;
  matchDescription?: string;
  maxLength?: number;
  minLength?: number;
}

export interface MonitoredPrefix {
  prefix: Prefix;
  text: string;
  description: string;
  origins: number[];
  /** Expected upstreams of the origin (the AS left of it in a path); empty: not checked for this prefix. */
  upstreams: number[];
  ignoreMorespecifics: boolean;
  ignore: boolean;
  paths: PathRule[];
  /** Monitors that run on this prefix. */
  monitors: Set<MonitorName>;
}

export interface MonitoredAs {
  asn: number;
  /** undefined: not checked. */
  upstreams?: number[];
  downstreams?: number[];
}

export interface MonitorThresholds {
  /** Distinct peers that must see an announcement before it alerts (BGPalerter's thresholdMinPeers). */
  minPeers: number;
  /** Share (0–1] of the peers that had a prefix which must lose it for a visibility alert. */
  visibilityLoss: number;
  /** A ROA covering our prefixes that expires within this many days of the data's time alerts. */
  roaExpiryDays: number;
}

export interface MonitorConfig {
  form: 'bgpalerter' | 'mitmguard';
  prefixes: MonitoredPrefix[];
  asns: MonitoredAs[];
  ignorePeers: string[];
  thresholds: MonitorThresholds;
}

export const DEFAULT_THRESHOLDS: MonitorThresholds = { minPeers: 1, visibilityLoss: 0.5, roaExpiryDays: 7 };

const asnValue = z.union([z.number(), z.string()]).transform((v, ctx) => {
  try {
    return parseAsn(v);
  } catch {
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(v)} is not an AS number` });
    return z.NEVER;
  }
});
const asnList = z.union([asnValue, z.array(asnValue)]).transform((v) => (Array.isArray(v) ? v : [v]));

function regex(text: string, ctx: z.RefinementCtx): RegExp {
  if (text.length > MAX_PATH_PATTERN) {
    ctx.addIssue({ code: 'custom', message: `pattern longer than ${MAX_PATH_PATTERN} characters` });
    return z.NEVER;
  }
  try {
    return new RegExp(text);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `not a regular expression: ${(err as Error).message}` });
    return z.NEVER;
  }
}

const pathRule = z.looseObject({
  match: z.string().transform(regex).optional(),
  notMatch: z.string().transform(regex).optional(),
  matchDescription: z.string().optional(),
  maxLength: z.number().int().positive().optional(),
  minLength: z.number().int().positive().optional(),
});
const pathRules = z.union([pathRule, z.array(pathRule)]).transform((v) => (Array.isArray(v) ? v : [v]));
const monitorNames = z.array(z.string());

const prefixText = z.string().transform((t, ctx) => {
  try {
    return { text: t, prefix: parsePrefix(t) };
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
    return z.NEVER;
  }
});

const bgpalerterEntry = z.looseObject({
  asn: asnList,
  description: z.string().optional(),
  ignoreMorespecifics: z.boolean().optional(),
  ignore: z.boolean().optional(),
  includeMonitors: monitorNames.optional(),
  excludeMonitors: monitorNames.optional(),
  path: pathRules.optional(),
  group: z.union([z.string(), z.array(z.string())]).optional(),
});

const neighbours = z.looseObject({
  group: z.union([z.string(), z.array(z.string())]).optional(),
  upstreams: z.array(asnValue).optional(),
  downstreams: z.array(asnValue).optional(),
});

const bgpalerterOptions = z.looseObject({
  monitorASns: z.record(z.string(), neighbours.nullable()).optional(),
});

const ourEntry = z.strictObject({
  prefix: prefixText,
  origins: asnList,
  upstreams: z.array(asnValue).optional(),
  description: z.string().optional(),
  ignoreMorespecifics: z.boolean().optional(),
  ignore: z.boolean().optional(),
  includeMonitors: monitorNames.optional(),
  excludeMonitors: monitorNames.optional(),
  paths: pathRules.optional(),
});

const ourSchema = z.strictObject({
  prefixes: z.array(ourEntry).max(BGP_LIMITS.maxMonitoredPrefixes),
  asns: z.array(z.strictObject({ asn: asnValue, upstreams: z.array(asnValue).optional(), downstreams: z.array(asnValue).optional() })).optional(),
  ignore: z.strictObject({ peers: z.array(z.string()).optional(), prefixes: z.array(prefixText).optional() }).optional(),
  thresholds: z.strictObject({
    minPeers: z.number().int().positive().optional(),
    visibilityLoss: z.number().gt(0).max(1).optional(),
    roaExpiryDays: z.number().nonnegative().optional(),
  }).optional(),
});

function monitorsFor(include: string[] | undefined, exclude: string[] | undefined, where: string): Set<MonitorName> {
  if (include && exclude) throw new MitmError('MG_ERR_CONFIG', `${where}: includeMonitors and excludeMonitors cannot both be given`);
  const all = Object.keys(MONITOR_NAMES) as MonitorName[];
  const named = (list: string[]) => all.filter((m) => list.some((n) => (MONITOR_NAMES[m] as readonly string[]).includes(n)));
  if (include) return new Set(named(include));
  const excluded = new Set(named(exclude ?? []));
  return new Set(all.filter((m) => !excluded.has(m)));
}

function toRules(rules: Array<z.output<typeof pathRule>> | undefined): PathRule[] {
  return (rules ?? []).map((r) => {
    const out: PathRule = {};
    if (r.match) out.match = r.match;
    if (r.notMatch) out.notMatch = r.notMatch;
    if (r.matchDescription) out.matchDescription = r.matchDescription;
    if (r.maxLength) out.maxLength = r.maxLength;
    if (r.minLength) out.minLength = r.minLength;
    return out;
  });
}

function fromBgpalerter(doc: Record<string, unknown>, file: string): MonitorConfig {
  const prefixes: MonitoredPrefix[] = [];
  const asns: MonitoredAs[] = [];
  for (const [key, value] of Object.entries(doc)) {
    if (key === 'options') {
      const o = bgpalerterOptions.safeParse(value);
      if (!o.success) throw new MitmError('MG_ERR_CONFIG', `${file}: options: ${o.error.issues[0]!.message}`);
      for (const [asText, n] of Object.entries(o.data.monitorASns ?? {})) {
        const m: MonitoredAs = { asn: parseAsnConfig(asText, file) };
        if (n?.upstreams) m.upstreams = n.upstreams;
        if (n?.downstreams) m.downstreams = n.downstreams;
        asns.push(m);
      }
      continue;
    }
    if (prefixes.length >= BGP_LIMITS.maxMonitoredPrefixes) throw new MitmError('MG_ERR_TOO_LARGE', `${file}: more than ${BGP_LIMITS.maxMonitoredPrefixes} prefixes`);
    const p = prefixText.safeParse(key);
    if (!p.success) throw new MitmError('MG_ERR_CONFIG', `${file}: ${key}: ${p.error.issues[0]!.message}`);
    const e = bgpalerterEntry.safeParse(value);
    if (!e.success) {
      const i = e.error.issues[0]!;
      throw new MitmError('MG_ERR_CONFIG', `${file}: ${key}.${i.path.join('.')}: ${i.message}`);
    }
    prefixes.push({
      prefix: p.data.prefix, text: p.data.text, description: e.data.description ?? '', origins: e.data.asn, upstreams: [],
      ignoreMorespecifics: e.data.ignoreMorespecifics ?? false, ignore: e.data.ignore ?? false, paths: toRules(e.data.path),
      monitors: monitorsFor(e.data.includeMonitors, e.data.excludeMonitors, `${file}: ${key}`),
    });
  }
  return { form: 'bgpalerter', prefixes, asns, ignorePeers: [], thresholds: { ...DEFAULT_THRESHOLDS } };
}

function parseAsnConfig(text: string, file: string): number {
  try {
    return parseAsn(text);
  } catch {
    throw new MitmError('MG_ERR_CONFIG', `${file}: options.monitorASns: ${JSON.stringify(text)} is not an AS number`);
  }
}

/**
 * Parse a monitor file (either form).
 *
 * @example parseMonitorConfig('192.0.2.0/24:\n  asn: 64500\n  description: office\n  ignoreMorespecifics: false\n', 'prefixes.yml')
 */
export function parseMonitorConfig(text: string, file = '<monitors>'): MonitorConfig {
  const raw = parseYamlConfig(text, z.record(z.string(), z.unknown()), file);
  if (!('prefixes' in raw)) {
    if (Object.keys(raw).filter((k) => k !== 'options').length === 0) throw new MitmError('MG_ERR_CONFIG', `${file}: no prefixes to monitor`);
    return fromBgpalerter(raw, file);
  }
  const doc = parseYamlConfig(text, ourSchema, file);
  const ignored = doc.ignore?.prefixes ?? [];
  const prefixes: MonitoredPrefix[] = doc.prefixes.map((e) => ({
    prefix: e.prefix.prefix, text: e.prefix.text, description: e.description ?? '', origins: e.origins, upstreams: e.upstreams ?? [],
    ignoreMorespecifics: e.ignoreMorespecifics ?? false, ignore: e.ignore ?? false, paths: toRules(e.paths),
    monitors: monitorsFor(e.includeMonitors, e.excludeMonitors, `${file}: ${e.prefix.text}`),
  }));
  // An ignored prefix is a monitored entry with ignore: true (BGPalerter's way of carving out a sub-prefix).
  for (const i of ignored) prefixes.push({ prefix: i.prefix, text: i.text, description: 'ignored', origins: [], upstreams: [], ignoreMorespecifics: true, ignore: true, paths: [], monitors: new Set() });
  const asns: MonitoredAs[] = (doc.asns ?? []).map((a) => {
    const m: MonitoredAs = { asn: a.asn };
    if (a.upstreams) m.upstreams = a.upstreams;
    if (a.downstreams) m.downstreams = a.downstreams;
    return m;
  });
  return { form: 'mitmguard', prefixes, asns, ignorePeers: doc.ignore?.peers ?? [], thresholds: { ...DEFAULT_THRESHOLDS, ...doc.thresholds } };
}
