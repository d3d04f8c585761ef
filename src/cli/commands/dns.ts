/**
 * `mitmguard dns check|watch|caa|tlsa|mail`: thin — parse options, call src/dns, print text or one JSON document.
 * Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 usage or runtime error.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { checksFor } from '../../checks/areas.js';
import { parseHostPort } from '../../tls/scan/peer-chain.js';
import { atLeast, SEVERITIES, type Finding, type Severity } from '../../model/index.js';
import type { ObservationKind, ObservationMap } from '../../checks/types.js';
import { MitmError } from '../../errors.js';
import { parseCaaId } from '../../dns/caa.js';
import { parseServer } from '../../dns/client.js';
import type { QueryValidatedOptions } from '../../dns/query-validated.js';
import { builtInRootAnchor } from '../../dns/dnssec/anchors.js';
import { loadAnchorFile } from '../../dns/anchor-file.js';
import { alertText, toJsonSafe, validationJson, validationText } from '../../dns/format.js';
import { probeCaa, probeMail, probeName, probeTlsa } from '../../dns/probe.js';
import { buildServerMap } from '../../dns/servers.js';
import { typeNumber } from '../../dns/types.js';
import { watchNames } from '../../dns/watch.js';
import { TOOL_NAME, VERSION } from '../../version.js';
import { ALLOW_UNREACHABLE, collect, colors, finishRun, numberOption, parseFormat, parsePositiveInt, parseSeverity, printJson, SEVERITY_COLOR } from '../output.js';

interface CommonOptions {
  resolver?: string;
  server?: string[];
  anchor?: string;
  timeout: string;
  retries: string;
  raceWindow: string;
  format: string;
  failOn: string;
  allowUnreachable?: boolean;
}


const VERDICT_COLOR: Record<string, (s: string) => string> = {
  SECURE: colors.green, INSECURE: colors.yellow, BOGUS: (s) => colors.bold(colors.red(s)), INDETERMINATE: colors.dim,
};

function withCommon(cmd: Command): Command {
  return cmd
    .option('--resolver <ip[:port]>', 'resolver asked for every record with DO+CD (default: the first nameserver in /etc/resolv.conf)')
    .option('--server <zone=ip[:port]>', 'authoritative server for a zone and below (private hierarchies); repeatable', collect)
    .option('--anchor <file>', 'trust anchor file: DS or DNSKEY records in zone-file format (default: the root KSKs)')
    // Per query, not per connection: a name takes several queries, each retried (--retries), so 2000 keeps a dead
    // resolver to a few seconds where the 5000 of the connection commands would make it half a minute.
    .addOption(numberOption('-t, --timeout <ms>', 'per-query timeout in milliseconds', 2000))
    .addOption(numberOption('--retries <n>', 'retries per query', 2))
    .addOption(numberOption('--race-window <ms>', 'keep listening this long after each UDP answer to catch a second, racing answer (spoofing)', 0))
    .option('--fail-on <severity>', `exit 1 when a finding is at or above: ${SEVERITIES.join(', ')}`, 'high')
    .option(...ALLOW_UNREACHABLE)
    .option('-f, --format <format>', 'text or json', 'text');
}

function systemResolver(): string | undefined {
  try {
    const m = /^\s*nameserver\s+(\S+)/m.exec(readFileSync('/etc/resolv.conf', 'utf8'));
    return m?.[1];
  } catch {
    return undefined;
  }
}

type Common = QueryValidatedOptions & { failOn: Severity; format: string; allowUnreachable: boolean };

/** An empty name would silently become the root "."; a person who means the root writes ".". */
function requireName(name: string, what = 'name'): string {
  if (name.trim() === '') throw new MitmError('MG_ERR_USAGE', `the ${what} is empty (write . for the root zone)`);
  return name;
}

function commonOptions(o: CommonOptions): Common {
  const failOn = parseSeverity(o.failOn);
  const servers = buildServerMap(o.resolver ?? (o.server?.length ? undefined : systemResolver()), o.server ?? []);
  return {
    servers,
    anchors: o.anchor ? loadAnchorFile(o.anchor) : builtInRootAnchor(),
    query: {
      timeoutMs: parsePositiveInt('--timeout', o.timeout, 600_000),
      retries: parseRetries(o.retries),
      raceWindowMs: o.raceWindow === '0' ? 0 : parsePositiveInt('--race-window', o.raceWindow, 10_000),
    },
    failOn,
    format: parseFormat(o.format),
    allowUnreachable: Boolean(o.allowUnreachable),
  };
}

function parseRetries(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > 10) throw new MitmError('MG_ERR_USAGE', '--retries must be an integer from 0 to 10');
  return n;
}

function parseType(t: string): number {
  const n = typeNumber(t);
  if (n === undefined) throw new MitmError('MG_ERR_USAGE', `unknown record type ${JSON.stringify(t)}`);
  return n;
}

/**
 * A `host[:port]` to connect to — a name, an IPv4 address or `[v6]`, port 443 when absent — unlike a resolver, which
 * must be an address.
 */
function connectTarget(flag: string, value: string): { host: string; port: number } {
  const hp = parseHostPort(value) ?? parseHostPort(`${value}:443`) ?? parseHostPort(`[${value}]:443`);
  if (!hp) throw new MitmError('MG_ERR_USAGE', `${flag} takes host[:port] (a name, an IPv4 address or [IPv6]:port), not ${JSON.stringify(value)}`);
  return hp;
}

async function findingsFor<K extends ObservationKind>(kind: K, obs: ObservationMap[K], target: string): Promise<Finding[]> {
  return (await checksFor(kind)).run(kind, obs, target);
}

function findingsText(findings: Finding[]): string {
  return findings.map((f) => `  ${SEVERITY_COLOR[f.severity](f.severity.padEnd(8))} ${f.id}: ${f.evidence}`).join('\n');
}

/**
 * The exit-code contract: an INDETERMINATE answer (no resolver answered, a timeout) or a probe error means the name
 * could not be assessed — exit 2 unless --allow-unreachable — however low the finding it produced.
 */
function finish(findings: Finding[], opts: Pick<Common, 'failOn' | 'allowUnreachable'>, unassessed: string[] = []): void {
  finishRun({ findings, failOn: opts.failOn, unassessed, allowUnreachable: opts.allowUnreachable });
}

const header = () => ({ tool: TOOL_NAME, version: VERSION });

export function register(program: Command): void {
  const dns = program.command('dns').description('DNSSEC validation, spoofed-answer detection, CAA, DANE/TLSA, MTA-STS and TLS-RPT');
  registerCheck(dns);
  registerWatch(dns);
  registerCaa(dns);
  registerTlsa(dns);
  registerMail(dns);
}

/** `dns check` */
function registerCheck(dns: Command): void {
  withCommon(
    dns.command('check')
      .description('Validate a name from the trust anchor: SECURE, INSECURE, BOGUS or INDETERMINATE, with the reason and the chain')
      .argument('<name>', 'domain name')
      .option('--type <type>', 'record type', 'A')
      .option('--compare <ip[:port]>', 'also ask this resolver and compare answers (spoof detection); repeatable', collect),
  ).action(async (name: string, o: CommonOptions & { type: string; compare?: string[] }) => {
    requireName(name);
    const opts = commonOptions(o);
    const compareWith = o.compare?.length ? [...(opts.servers.default ? [opts.servers.default] : []), ...o.compare.map((c) => parseServer(c))] : undefined;
    const obs = await probeName(name, parseType(o.type), { ...opts, ...(compareWith ? { compareWith } : {}) });
    const findings = await findingsFor('dns-name', obs, obs.name);
    if (opts.format === 'json') {
      printJson({ ...header(), ...validationJson(obs.validation), comparison: obs.comparison, findings });
    } else {
      const out = [validationText(obs.validation, (v) => VERDICT_COLOR[v]!(v))];
      if (obs.comparison) {
        out.push(`  resolvers ${obs.comparison.agree ? 'agree' : colors.red('DISAGREE')}:`);
        for (const a of obs.comparison.answers) out.push(`    ${a.resolver}: ${a.error ? `${a.error.code}` : `${a.rcode} ${a.records.join(', ')}`}`);
      }
      if (findings.length) out.push('findings:', findingsText(findings));
      process.stdout.write(out.join('\n') + '\n');
    }
    const v = obs.validation;
    finish(findings, opts, v.verdict === 'INDETERMINATE' ? [`${obs.name} ${obs.type} (INDETERMINATE: ${v.reason?.text ?? 'no answer'})`] : []);
  });
}

/** `dns watch` */
function registerWatch(dns: Command): void {
  withCommon(
    dns.command('watch')
      .description('Re-check names on an interval; alert when an answer changes or stops validating')
      .argument('<names...>', 'names, optionally with a type: www.example.com or www.example.com/AAAA')
      .option('--interval <seconds>', 'seconds between rounds', '60')
      .option('--count <n>', 'number of rounds (the first is the baseline); default: run until interrupted')
      .option('--once', 'one round: print the states and exit (same as --count 1)'),
  ).action(async (names: string[], o: CommonOptions & { interval: string; count?: string; once?: boolean }) => {
    for (const n of names) requireName(n.split('/')[0] ?? '');
    const opts = commonOptions(o);
    const targets = names.map((n) => {
      const [nm, t] = n.split('/');
      return { name: nm!, type: parseType(t ?? 'A') };
    });
    const rounds = o.once ? 1 : o.count ? parsePositiveInt('--count', o.count, 1_000_000) : Number.MAX_SAFE_INTEGER;
    const intervalMs = parsePositiveInt('--interval', o.interval, 86_400) * 1000;
    const ac = new AbortController();
    const stop = () => ac.abort();
    process.once('SIGINT', stop);
    const states: unknown[] = [];
    // The latest round's judgement per name: a name that is BOGUS from the first round is a finding, not a quiet baseline.
    const latest = new Map<string, { findings: Finding[]; indeterminate: string | null }>();
    const nameChecks = await checksFor('dns-name');
    const alerts = await watchNames(targets, {
      ...opts, intervalMs, rounds, signal: ac.signal,
      onRound: (round, s, results) => {
        states.push({ round, states: s });
        results.forEach((r, i) => {
          const key = `${s[i]!.name} ${s[i]!.type}`;
          const f = nameChecks.run('dns-name', { name: r.name, type: s[i]!.type, validation: r, comparison: null }, r.name);
          latest.set(key, { findings: f, indeterminate: r.verdict === 'INDETERMINATE' ? `${key} (INDETERMINATE: ${r.reason?.text ?? 'no answer'})` : null });
        });
        if (opts.format === 'text') for (const x of s) process.stdout.write(`round ${round} ${x.name} ${x.type} ${VERDICT_COLOR[x.verdict]!(x.verdict)} ${x.answers.join(', ')}\n`);
      },
      onAlert: (a) => {
        if (opts.format === 'text') process.stdout.write(colors.red(alertText(a)) + '\n');
        else process.stderr.write(alertText(a) + '\n');
      },
    });
    process.removeListener('SIGINT', stop);
    const findings = [...latest.values()].flatMap((l) => l.findings);
    if (opts.format === 'json') printJson({ ...header(), rounds: states, alerts, findings });
    else if (findings.length) process.stdout.write(['findings:', findingsText(findings)].join('\n') + '\n');
    // An alert (an answer changed, a name stopped validating) fails the watch whatever its severity.
    const unassessed = [...latest.values()].flatMap((l) => (l.indeterminate ? [l.indeterminate] : []));
    if (alerts.length > 0 && !(unassessed.length && !opts.allowUnreachable)) process.exitCode = 1;
    else finish(findings, opts, unassessed);
  });
}

/** `dns caa` */
function registerCaa(dns: Command): void {
  withCommon(
    dns.command('caa')
      .description('CAA records for a name and whether the certificate a server presents comes from an allowed CA')
      .argument('<name>', 'domain name')
      .option('--connect <host[:port]>', 'fetch the presented certificate from this server (a name or an address; port 443 when absent)')
      .option('--caa-id <org=domain>', 'map an issuer organisation to its CAA domain; repeatable', collect),
  ).action(async (name: string, o: CommonOptions & { connect?: string; caaId?: string[] }) => {
    requireName(name);
    const opts = commonOptions(o);
    const server = o.connect ? connectTarget('--connect', o.connect) : undefined;
    const caIds = (o.caaId ?? []).map(parseCaaId);
    const obs = await probeCaa(name, { ...opts, ...(server ? { server } : {}), caIds });
    await report('dns-caa', obs, obs.name, opts, () => [
      `${obs.name}: CAA ${obs.policy.owner ? `at ${obs.policy.owner} (${obs.verdict})` : 'none'}`,
      `  issue: ${obs.policy.issue.join(', ') || '-'}; issuewild: ${obs.policy.issuewild.join(', ') || '-'}`,
      ...(obs.certificateIssuer ? [`  presented issuer: ${obs.certificateIssuer} → ${obs.issuerVerdict}`] : []),
      ...(obs.error ? [`  error: ${obs.error.code}: ${obs.error.message}`] : []),
    ]);
  });
}

/** `dns tlsa` */
function registerTlsa(dns: Command): void {
  withCommon(
    dns.command('tlsa')
      .description('DANE: match the TLSA records of _port._tcp.host against the certificate chain the server presents')
      .argument('<host>', 'server name')
      .option('--port <port>', 'service port', '443')
      .option('--connect <ip:port>', 'connect here instead of resolving host'),
  ).action(async (host: string, o: CommonOptions & { port: string; connect?: string }) => {
    requireName(host, 'host');
    const opts = commonOptions(o);
    const port = parsePositiveInt('--port', o.port, 65535);
    const connect = o.connect ? parseServer(o.connect, port) : undefined;
    const obs = await probeTlsa(host, port, { ...opts, ...(connect ? { connect } : {}) });
    await report('dns-tlsa', obs, `${host}:${port}`, opts, () => [
      `${obs.name}: ${obs.records.length} TLSA record(s), ${obs.verdict}`,
      ...obs.matches.map((m) => `  ${m.record} (${m.usage}): ${m.unusable ?? (m.matchedIndex === null ? 'no match' : `matches certificate ${m.matchedIndex}`)}`),
      ...(obs.error ? [`  error: ${obs.error.code}: ${obs.error.message}`] : []),
    ]);
  });
}

/** `dns mail` */
function registerMail(dns: Command): void {
  withCommon(
    dns.command('mail')
      .description('MTA-STS (TXT and HTTPS policy), TLS-RPT and DANE for a mail domain')
      .argument('<domain>', 'mail domain')
      .option('--policy-connect <host:port>', 'fetch the MTA-STS policy from this address (SNI stays mta-sts.<domain>)')
      .option('--ca <file|dir>', 'also trust this CA (PEM/DER file or directory) for the policy fetch, as `scan --ca` does'),
  ).action(async (domain: string, o: CommonOptions & { policyConnect?: string; ca?: string }) => {
    requireName(domain, 'domain');
    const opts = commonOptions(o);
    const policy = {
      ...(o.policyConnect ? { connect: connectTarget('--policy-connect', o.policyConnect) } : {}),
      ...(o.ca ? { ca: await alsoTrusted(o.ca) } : {}),
    };
    const obs = await probeMail(domain, { ...opts, policy });
    await report('dns-mail', obs, obs.domain, opts, () => [
      `${obs.domain}: MX ${obs.mx.hosts.join(', ') || '-'} (${obs.mx.verdict})`,
      `  MTA-STS: ${obs.mtaSts.txt ?? 'none'}${obs.mtaSts.policy ? `; policy mode ${obs.mtaSts.policy.mode}, mx ${obs.mtaSts.policy.mx.join(', ')}` : ''}${obs.mtaSts.policyError ? `; policy error ${obs.mtaSts.policyError.code}` : ''}`,
      `  TLS-RPT: ${obs.tlsRpt.txt ?? 'none'}`,
      ...obs.dane.map((d) => `  DANE ${d.host}: ${d.records} TLSA (${d.verdict})`),
    ]);
  });
}

/**
 * `--ca` means "also trust" in every command: Node's `ca` option replaces its roots, so the bundled roots are passed
 * along with the CA (file or directory, read as `scan --ca` reads it).
 */
async function alsoTrusted(path: string): Promise<string[]> {
  const [{ loadTrustStore }, { rootCertificates }] = await Promise.all([import('../../x509/trust-store-files.js'), import('node:tls')]);
  const store = loadTrustStore({ paths: [path] });
  if (store.size === 0) throw new MitmError('MG_ERR_CONFIG', `--ca ${path}: no usable CA certificate found`);
  const pem = (der: Uint8Array) => `-----BEGIN CERTIFICATE-----\n${Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
  return [...rootCertificates, ...store.anchors.map((c) => pem(c.der))];
}

async function report<K extends ObservationKind>(kind: K, obs: ObservationMap[K], target: string, opts: Common, text: () => string[]): Promise<void> {
  const findings = await findingsFor(kind, obs, target);
  if (opts.format === 'json') printJson({ ...header(), observation: toJsonSafe(obs), findings });
  else process.stdout.write([...text(), ...(findings.length ? ['findings:', findingsText(findings)] : [])].join('\n') + '\n');
  const error = (obs as { error?: { code: string; message: string } | null }).error;
  finish(findings, opts, error ? [`${target} (${error.code}: ${error.message})`] : []);
}
