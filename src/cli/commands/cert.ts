/**
 * `mitmguard cert verify|show|pin`: thin — read files or fetch a chain, call src/x509, print text or JSON.
 * verify exits 0 (valid for purpose, name and time), 1 (not valid), 2 (usage or runtime error).
 */
import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { Command } from 'commander';
import { MitmError } from '../../errors.js';
import { fileError, readInputFile } from '../../input-file.js';
import { collect, colors, DEFAULT_TIMEOUT_MS, EXIT, numberOption, parseFormat, parsePositiveInt, parseSeverity, printJson } from '../output.js';

interface VerifyOptions {
  chain?: string[];
  ca?: string[];
  system?: boolean;
  host?: string;
  at?: string;
  purpose: string;
  profile: string;
  crl?: string[];
  email?: string[];
  format: string;
  timeout: string;
  sni?: string;
  failOn?: string;
  starttls?: string;
}

interface SourceOptions {
  format: string;
  sni?: string;
  timeout: string;
  starttls?: string;
}

/** A certificate, chain or CRL file: one message per cause (input-file.ts). */
const readInput = (path: string, what = 'certificate file'): Buffer => readInputFile(what, path);

function parseAt(text: string | undefined): Date | undefined {
  if (text === undefined) return undefined;
  const d = new Date(text);
  if (Number.isNaN(d.getTime())) throw new MitmError('MG_ERR_USAGE', `--at ${JSON.stringify(text)} is not a date (use ISO 8601, e.g. 2025-01-31T12:00:00Z)`);
  return d;
}

function choice<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) throw new MitmError('MG_ERR_USAGE', `${name} must be one of ${allowed.join(', ')}`);
  return value as T;
}

/** `cert show` and `cert pin`: one `<source>` (file or host:port) with the options to fetch it and the output format. */
function sourceCommand(parent: Command, name: string, description: string): Command {
  return parent
    .command(name)
    .description(description)
    .argument('<source>', 'PEM/DER file or host:port')
    .option('--sni <name>', 'server name to send when fetching')
    .option('--starttls <proto>', 'run a STARTTLS dialogue before the handshake when fetching (smtp, imap, pop3, ftp, ldap, xmpp, postgres, mysql), as `scan --starttls` does')
    .addOption(numberOption('-t, --timeout <ms>', 'connection timeout in milliseconds', DEFAULT_TIMEOUT_MS))
    .option('-f, --format <format>', 'text or json', 'text');
}

/** A file (PEM bundle or DER) or `host:port` to fetch the presented chain from. */
async function loadSource(source: string, opts: SourceOptions): Promise<Uint8Array[]> {
  const { certificatesFromPemOrDer } = await import('../../x509/pem.js');
  if (existsSync(source)) return certificatesFromPemOrDer(readInput(source));
  const { parseHostPort, fetchPeerChain } = await import('../../tls/scan/peer-chain.js');
  const hp = parseHostPort(source);
  if (!hp) throw fileError('certificate file', source, Object.assign(new Error('missing'), { code: 'ENOENT' }));
  let starttls: import('../../starttls/types.js').StartTlsProtocol | undefined;
  if (opts.starttls !== undefined) {
    const { isStartTlsProtocol, STARTTLS_PROTOCOLS } = await import('../../starttls/types.js');
    if (!isStartTlsProtocol(opts.starttls)) throw new MitmError('MG_ERR_USAGE', `--starttls must be one of ${STARTTLS_PROTOCOLS.join(', ')}`);
    starttls = opts.starttls;
  }
  return fetchPeerChain(hp.host, hp.port, {
    timeoutMs: parsePositiveInt('--timeout', opts.timeout, 600_000),
    ...(opts.sni ? { servername: opts.sni } : {}),
    ...(starttls ? { starttls } : {}),
  });
}

export function register(program: Command): void {
  const cert = program.command('cert').description('Validate, inspect and pin X.509 certificates (strict RFC 5280 / CABF profile)');
  registerVerify(cert);
  registerShow(cert);
  registerPin(cert);
}

/** `cert verify` */
function registerVerify(cert: Command): void {
  cert
    .command('verify')
    .description('Build and validate a path from a leaf to a trust anchor; exit 0 valid, 1 invalid, 2 usage error')
    .argument('<leaf>', 'leaf certificate (PEM or DER; a PEM bundle is the leaf followed by untrusted intermediates), or host:port to fetch')
    .option('--chain <file>', 'untrusted intermediates (PEM bundle); repeatable', collect)
    .option('--ca <file|dir>', 'trust only these anchors (PEM file or directory); repeatable; default Node\'s bundled roots (scan --ca adds to them instead)', collect)
    .option('--system', 'also trust the system store (/etc/ssl/certs)')
    .option('--host <name>', 'DNS name or IP address the leaf must cover')
    .option('--at <time>', 'validation time (ISO 8601); default now')
    .option('--purpose <purpose>', 'server or client', 'server')
    .option('--profile <profile>', 'strict or compatible (weak algorithms and profile breaches become warnings)', 'strict')
    .option('--crl <file>', 'CRL (PEM or DER) to check revocation against; repeatable', collect)
    .option('--email <address>', 'email identity a client certificate must carry (rfc822Name SAN); repeatable', collect)
    .option('--sni <name>', 'server name to send when fetching from host:port (default: --host, else the host connected to)')
    .option('--starttls <proto>', 'run a STARTTLS dialogue before the handshake when fetching (smtp, imap, pop3, ftp, ldap, xmpp, postgres, mysql), as `scan --starttls` does')
    .option('--fail-on <severity>', 'exit 1 only when a problem at or above this severity is found (errors and warnings judged as `scan` judges them); default: any error')
    .addOption(numberOption('-t, --timeout <ms>', 'connection timeout when fetching from host:port', DEFAULT_TIMEOUT_MS))
    .option('-f, --format <format>', 'text or json', 'text')
    .action(async (leafPath: string, opts: VerifyOptions) => {
      const format = parseFormat(opts.format);
      const failOn = opts.failOn === undefined ? undefined : parseSeverity(opts.failOn);
      const purpose = choice('--purpose', opts.purpose, ['server', 'client'] as const);
      const profile = choice('--profile', opts.profile, ['strict', 'compatible'] as const);
      const at = parseAt(opts.at);
      const x = await import('../../x509/index.js');
      // The trust anchors first: a typo in --ca is a usage problem, found before any connection.
      const anchors = opts.ca?.length || opts.system
        ? x.loadTrustStore({ paths: opts.ca ?? [], system: Boolean(opts.system) })
        : x.nodeTrustStore();
      // An empty --ca would make every chain "untrusted" for a reason that is really a typo: say so instead.
      if (anchors.size === 0) {
        const why = anchors.rejected.map((r) => `${r.source}: ${r.reason}`).join('; ');
        throw new MitmError('MG_ERR_CONFIG', `no usable trust anchor in ${(opts.ca ?? []).join(', ') || 'the system store'}${why ? ` (${why})` : ''}`);
      }
      // A file, or host:port to judge what a live server presents (the host name defaults to the one connected to).
      let host = opts.host;
      let presented: Uint8Array[];
      if (existsSync(leafPath)) presented = x.certificatesFromPemOrDer(readInput(leafPath));
      else {
        const { parseHostPort } = await import('../../tls/scan/peer-chain.js');
        const hp = parseHostPort(leafPath);
        if (!hp) throw fileError('certificate file', leafPath, Object.assign(new Error('missing'), { code: 'ENOENT' }));
        host ??= hp.host;
        const sni = opts.sni ?? (host && !isIP(host) ? host : undefined);
        presented = await loadSource(leafPath, { format, timeout: opts.timeout, ...(sni ? { sni } : {}), ...(opts.starttls ? { starttls: opts.starttls } : {}) });
      }
      for (const f of opts.chain ?? []) presented.push(...x.certificatesFromPemOrDer(readInput(f, 'chain file')));
      const crls = (opts.crl ?? []).flatMap((f) => x.parseCrls(readInput(f, 'CRL file')));
      const a = x.assessServerChain(presented, {
        anchors, purpose, profile, crls, ...(at ? { at } : {}), ...(host !== undefined ? { host } : {}),
        ...(opts.email?.length ? { emails: opts.email } : {}),
      });
      const issue = (i: { code: string; message: string; certIndex: number | null }) => ({ code: i.code, message: i.message, certIndex: i.certIndex });
      if (format === 'json') {
        printJson({ valid: a.valid, chain: a.path, errors: a.errors.map(issue), warnings: a.warnings.map(issue), parseErrors: a.parseErrors });
      } else {
        const out: string[] = [];
        out.push(a.valid ? colors.green(`valid: ${purpose} certificate${a.host ? ` for ${a.host}` : ''} at ${a.at}`) : colors.red(`INVALID: ${a.errors.length} error(s)`));
        a.path.forEach((c, i) => out.push(`  ${i}: ${c.subject || '<empty subject>'}  ${colors.dim(`issuer ${c.issuer}; ${c.keyType}${c.keyBits ? '-' + c.keyBits : ''}; ${c.signatureAlgorithm}; until ${c.notAfter}`)}`));
        for (const e of a.errors) out.push(colors.red(`  error   [${e.code}]${e.certIndex === null ? '' : ` cert ${e.certIndex}`}: ${e.message}`));
        for (const w of a.warnings) out.push(colors.yellow(`  warning [${w.code}]${w.certIndex === null ? '' : ` cert ${w.certIndex}`}: ${w.message}`));
        process.stdout.write(out.join('\n') + '\n');
      }
      if (failOn) {
        // The same judgement as `scan`: the certificate checks turn errors and warnings into findings with severities.
        const [{ catalogue }, { atLeast }] = await Promise.all([import('../../checks/catalogue.js'), import('../../model/index.js')]);
        const findings = catalogue.run('certificate-chain', a, leafPath);
        process.exitCode = findings.some((f) => atLeast(f.severity, failOn)) ? EXIT.FINDINGS : EXIT.OK;
      } else process.exitCode = a.valid ? EXIT.OK : EXIT.FINDINGS;
    });
}

/** `cert show` */
function registerShow(cert: Command): void {
  sourceCommand(cert, 'show', 'Show each certificate of a PEM file or of the chain a server presents (host:port)')
    .action(async (source: string, opts: SourceOptions) => {
      const format = parseFormat(opts.format);
      const ders = await loadSource(source, opts);
      const { parseCertificate, analyseCertificate } = await import('../../x509/index.js');
      const now = new Date();
      const list = ders.map((d, i) => analyseCertificate(parseCertificate(d), now, i === 0));
      if (format === 'json') {
        printJson({ source, certificates: list });
        return;
      }
      const out: string[] = [];
      list.forEach((c, i) => {
        out.push(colors.bold(`certificate ${i}`));
        const rows: Array<[string, string]> = [
          ['subject', c.subject || '<empty>'], ['issuer', c.issuer], ['serial', c.serial], ['SANs', c.sans.join(', ') || '-'],
          ['key', `${c.keyType}${c.curve ? ' ' + c.curve : ''}${c.keyBits ? ` ${c.keyBits} bits` : ''}`], ['signature', c.signatureAlgorithm],
          ['validity', `${c.notBefore} → ${c.notAfter} (${c.daysLeft} days left)`], ['CA', c.isCa ? 'yes' : 'no'], ['self-signed', c.selfSigned ? 'yes' : 'no'],
          ['SPKI pin', c.spkiPin], ['SHA-256', c.sha256], ['OCSP', c.ocsp.join(', ') || '-'], ['CA issuers', c.caIssuers.join(', ') || '-'],
          ['CRL DP', c.crlDistributionPoints.join(', ') || '-'], ['SCTs', String(c.scts)],
        ];
        for (const [k, v] of rows) out.push(`  ${k.padEnd(12)} ${v}`);
        for (const l of c.lints) out.push(colors.yellow(`  lint ${l.id} (${l.severity}): ${l.message}`));
      });
      process.stdout.write(out.join('\n') + '\n');
    });
}

/** `cert pin` */
function registerPin(cert: Command): void {
  sourceCommand(cert, 'pin', 'Print the SPKI pin (sha256//<base64>: curl --pinnedpubkey syntax; the base64 is the HPKP pin-sha256) of each certificate')
    .action(async (source: string, opts: SourceOptions) => {
      const format = parseFormat(opts.format);
      const ders = await loadSource(source, opts);
      const { parseCertificate, spkiPin } = await import('../../x509/index.js');
      const pins = ders.map((d) => {
        const c = parseCertificate(d);
        return { subject: c.subject.text, pin: spkiPin(c), sha256: c.fingerprint };
      });
      if (format === 'json') printJson({ source, pins });
      else process.stdout.write(pins.map((p, i) => `${p.pin}  ${colors.dim(`${i}: ${p.subject}`)}`).join('\n') + '\n');
    });
}
