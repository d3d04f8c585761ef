/**
 * `mitmguard ca init|issue|sign|renew|revoke|crl|list|audit|serve`: the private CA (docs/ca.md). Thin: parse, call
 * src/ca, print. Passphrases come from a file or an environment variable, never from argv; keys are written 0600 and
 * never printed.
 */
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { MitmError } from '../../errors.js';
import { collect, colors, EXIT, parseFormat, printJson } from '../output.js';

interface CommonOptions {
  dir: string;
  passphraseFile?: string;
  passphraseEnv?: string;
  format: string;
}

function readText(path: string, what: string): string {
  if (!existsSync(path)) throw new MitmError('MG_ERR_USAGE', `no such file: ${path} (${what})`);
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new MitmError('MG_ERR_IO', `cannot read ${path}`, { cause: err });
  }
}

/** The passphrase from --passphrase-file (first line) or --passphrase-env; undefined when neither is given. */
function passphrase(opts: CommonOptions): string | undefined {
  if (opts.passphraseFile && opts.passphraseEnv) throw new MitmError('MG_ERR_USAGE', 'give --passphrase-file or --passphrase-env, not both');
  if (opts.passphraseFile) return readText(opts.passphraseFile, 'passphrase').split(/\r?\n/)[0]!;
  if (opts.passphraseEnv) {
    const v = process.env[opts.passphraseEnv];
    if (v === undefined || v === '') throw new MitmError('MG_ERR_USAGE', `environment variable ${opts.passphraseEnv} is not set`);
    return v;
  }
  return undefined;
}

function writeOutputs(prefix: string, chainPem: string, keyPem: string | undefined): { cert: string; key?: string } {
  const cert = `${prefix}.crt`;
  writeFileSync(cert, chainPem, { mode: 0o644 });
  if (!keyPem) return { cert };
  const key = `${prefix}.key`;
  writeFileSync(key, keyPem, { mode: 0o600 });
  chmodSync(key, 0o600);
  return { cert, key };
}

const common = (c: Command): Command =>
  c
    .requiredOption('--dir <dir>', 'the CA directory')
    .option('--passphrase-file <file>', 'file whose first line is the key passphrase')
    .option('--passphrase-env <name>', 'environment variable holding the key passphrase')
    .option('--format <format>', 'text or json', 'text');

function subjectFrom(opts: { cn?: string; ou?: string[]; o?: string }): Array<[string, string]> | undefined {
  const s: Array<[string, string]> = [];
  if (opts.cn) s.push(['CN', opts.cn]);
  if (opts.o) s.push(['O', opts.o]);
  for (const ou of opts.ou ?? []) s.push(['OU', ou]);
  return s.length ? s : undefined;
}

export function register(program: Command): void {
  const ca = program.command('ca').description('A private CA: issue, sign, renew and revoke certificates; CRL, OCSP and an audit log (docs/ca.md)');

  common(ca.command('init').description('Create an offline root, a name-constrained online intermediate and an OCSP responder'))
    .requiredOption('--name <name>', 'organisation name used in the CA subjects')
    .option('--key-type <type>', 'p256, p384, rsa3072 or ed25519', 'p256')
    .option('--permit-dns <domain>', 'name constraint on the intermediate: DNS names under this domain only; repeatable', collect)
    .option('--permit-ip <cidr>', 'name constraint on the intermediate: IP addresses in this range only; repeatable', collect)
    .option('--ocsp-url <url>', 'OCSP responder URL to put in issued certificates (authorityInfoAccess)')
    .option('--crl-url <url>', 'CRL URL to put in issued certificates (cRLDistributionPoints)')
    .action(async (opts: CommonOptions & { name: string; keyType: string; permitDns?: string[]; permitIp?: string[]; ocspUrl?: string; crlUrl?: string }) => {
      const format = parseFormat(opts.format);
      const { initCa } = await import('../../ca/store.js');
      const pass = passphrase(opts);
      const c = initCa(opts.dir, {
        name: opts.name, keyType: opts.keyType, permitDns: opts.permitDns ?? [], permitIp: opts.permitIp ?? [],
        ...(opts.ocspUrl ? { ocspUrl: opts.ocspUrl } : {}), ...(opts.crlUrl ? { crlUrl: opts.crlUrl } : {}),
        ...(pass !== undefined ? { passphrase: pass } : {}),
      });
      const doc = {
        dir: opts.dir, root: { subject: c.root.subject.text, sha256: c.root.fingerprint, notAfter: c.root.notAfter.toISOString() },
        intermediate: { subject: c.intermediate.subject.text, sha256: c.intermediate.fingerprint, notAfter: c.intermediate.notAfter.toISOString() },
        encrypted: c.config.encrypted, permitted: c.config.permitted,
      };
      if (format === 'json') printJson(doc);
      else {
        process.stdout.write(`CA created in ${opts.dir}\n  root         ${doc.root.subject}  sha256 ${doc.root.sha256}\n  intermediate ${doc.intermediate.subject}\n`);
        process.stdout.write(colors.yellow(`  move ${c.path('root.key')} offline: only \`ca init\` needs it; everything else signs with the intermediate\n`));
        if (!c.config.encrypted) process.stdout.write(colors.yellow('  keys are not encrypted; use --passphrase-file or --passphrase-env to encrypt them\n'));
      }
    });

  common(ca.command('issue').description('Issue a certificate and a fresh key for a server, client or peer (SPIFFE IDs as spiffe://…)'))
    .requiredOption('--san <name>', 'DNS name, IP address, spiffe://… ID, uri:… or email:…; repeatable', collect)
    .option('--purpose <purpose>', 'server, client or peer (both)', 'server')
    .option('--cn <name>', 'subject common name (default: the first DNS name or IP address)')
    .option('--o <org>', 'subject organisation')
    .option('--ou <unit>', 'subject organisational unit; repeatable', collect)
    .option('--lifetime <duration>', 'e.g. 24h, 30d (default by purpose: server 30d, client/peer 24h)')
    .requiredOption('--out <prefix>', 'write <prefix>.crt (leaf and intermediate) and <prefix>.key (0600)')
    .action(async (opts: CommonOptions & { san: string[]; purpose: string; cn?: string; o?: string; ou?: string[]; lifetime?: string; out: string }) => {
      const format = parseFormat(opts.format);
      const lib = await import('../../ca/index.js');
      const purpose = lib.PURPOSES.find((p) => p === opts.purpose);
      if (!purpose) throw new MitmError('MG_ERR_USAGE', `--purpose must be one of ${lib.PURPOSES.join(', ')}`);
      const lifetimeHours = opts.lifetime === undefined ? undefined : lib.parseLifetime(opts.lifetime);
      if (opts.lifetime !== undefined && lifetimeHours === undefined) throw new MitmError('MG_ERR_USAGE', '--lifetime must look like 90m, 24h or 30d');
      const c = lib.openCa(opts.dir, passphrase(opts));
      const subject = subjectFrom(opts);
      const issued = c.issue({ profile: purpose, names: lib.parseSanNames(opts.san), ...(subject ? { subject } : {}), ...(lifetimeHours ? { lifetimeHours } : {}) });
      const files = writeOutputs(opts.out, issued.chainPem, issued.keyPem);
      if (format === 'json') printJson({ ...issued.record, files });
      else process.stdout.write(`issued ${issued.serial} (${purpose}) for ${issued.record.names.join(', ')} until ${issued.record.notAfter}\n  ${files.cert}\n  ${files.key}\n`);
    });

  common(ca.command('sign').description('Sign a CSR if the policy allows the requester every name it asks for'))
    .argument('<csr>', 'PKCS#10 request (PEM or DER)')
    .requiredOption('--policy <file>', 'sign policy (JSON or YAML): requesters and the names each may get')
    .requiredOption('--requester <name>', 'who asks (a key of the policy\'s requesters)')
    .option('--purpose <purpose>', 'server, client or peer', 'server')
    .option('--lifetime <duration>', 'e.g. 24h, 30d')
    .requiredOption('--out <file>', 'where to write the certificate chain (PEM)')
    .action(async (csrPath: string, opts: CommonOptions & { policy: string; requester: string; purpose: string; lifetime?: string; out: string }) => {
      const format = parseFormat(opts.format);
      const lib = await import('../../ca/index.js');
      const purpose = lib.PURPOSES.find((p) => p === opts.purpose);
      if (!purpose) throw new MitmError('MG_ERR_USAGE', `--purpose must be one of ${lib.PURPOSES.join(', ')}`);
      const lifetimeHours = opts.lifetime === undefined ? lib.PROFILES[purpose].defaultLifetimeHours : lib.parseLifetime(opts.lifetime);
      if (lifetimeHours === undefined) throw new MitmError('MG_ERR_USAGE', '--lifetime must look like 90m, 24h or 30d');
      const YAML = await import('yaml');
      let doc: unknown;
      try {
        doc = YAML.parse(readText(opts.policy, 'policy'));
      } catch (err) {
        throw new MitmError('MG_ERR_CONFIG', `${opts.policy} is not JSON or YAML`, { cause: err });
      }
      const policy = lib.parseSignPolicy(doc);
      const csr = await lib.parseCsr(readFileSync(csrPath));
      lib.assertAcceptableKey(csr.publicKey);
      const verdict = lib.evaluateSignPolicy(policy, { requester: opts.requester, names: csr.names, purpose, lifetimeHours });
      if (!verdict.allowed) {
        if (format === 'json') printJson({ signed: false, refused: verdict.refused });
        else for (const r of verdict.refused) process.stderr.write(`refused ${r.name}: ${r.reason}\n`);
        process.exitCode = EXIT.FINDINGS;
        return;
      }
      const c = lib.openCa(opts.dir, passphrase(opts));
      const issued = c.issue({ profile: purpose, names: csr.names, publicKey: csr.publicKey, lifetimeHours, requester: opts.requester });
      writeFileSync(opts.out, issued.chainPem, { mode: 0o644 });
      if (format === 'json') printJson({ signed: true, ...issued.record, file: opts.out });
      else process.stdout.write(`signed ${issued.serial} for ${opts.requester}: ${issued.record.names.join(', ')} until ${issued.record.notAfter}\n`);
    });

  common(ca.command('renew').description('Issue a successor with the same names, purpose and subject (same key unless --rekey)'))
    .argument('<cert>', 'a certificate this CA issued (PEM)')
    .option('--rekey', 'generate a new key instead of certifying the old public key again')
    .option('--lifetime <duration>', 'e.g. 24h, 30d (default: the purpose\'s default)')
    .requiredOption('--out <prefix>', 'write <prefix>.crt (and <prefix>.key with --rekey)')
    .action(async (certPath: string, opts: CommonOptions & { rekey?: boolean; lifetime?: string; out: string }) => {
      const format = parseFormat(opts.format);
      const lib = await import('../../ca/index.js');
      const lifetimeHours = opts.lifetime === undefined ? undefined : lib.parseLifetime(opts.lifetime);
      if (opts.lifetime !== undefined && lifetimeHours === undefined) throw new MitmError('MG_ERR_USAGE', '--lifetime must look like 90m, 24h or 30d');
      const c = lib.openCa(opts.dir, passphrase(opts));
      const issued = lib.renewCertificate(c, readText(certPath, 'certificate'), { rekey: Boolean(opts.rekey), ...(lifetimeHours ? { lifetimeHours } : {}) });
      const files = writeOutputs(opts.out, issued.chainPem, issued.keyPem);
      if (format === 'json') printJson({ ...issued.record, files });
      else process.stdout.write(`renewed ${issued.record.renewedFrom} as ${issued.serial} until ${issued.record.notAfter}\n`);
    });

  common(ca.command('revoke').description('Revoke a certificate by serial (hex) or file, and publish a new CRL'))
    .argument('<serial-or-cert>', 'serial number in hex, or a PEM certificate file')
    .option('--reason <reason>', 'CRL reason: keyCompromise, superseded, cessationOfOperation, affiliationChanged, …', 'unspecified')
    .action(async (what: string, opts: CommonOptions & { reason: string }) => {
      const format = parseFormat(opts.format);
      const lib = await import('../../ca/index.js');
      const reason = lib.parseReason(opts.reason);
      let serial = what;
      if (existsSync(what)) {
        const { parseCertificates } = await import('../../x509/certificate.js');
        const [leaf] = parseCertificates(readText(what, 'certificate'));
        if (!leaf) throw new MitmError('MG_ERR_PEM', `${what} holds no certificate`);
        serial = leaf.serialHex;
      }
      const c = lib.openCa(opts.dir, passphrase(opts));
      const r = c.revoke(serial, reason);
      if (format === 'json') printJson(r);
      else process.stdout.write(`revoked ${r.serial} (${reason}); new CRL in ${c.path('crl.pem')}\n`);
    });

  common(ca.command('crl').description('Sign a fresh CRL (run before the last one\'s nextUpdate, e.g. hourly from cron)'))
    .action(async (opts: CommonOptions) => {
      const format = parseFormat(opts.format);
      const lib = await import('../../ca/index.js');
      const c = lib.openCa(opts.dir, passphrase(opts));
      c.writeCrl();
      const st = c.state();
      if (format === 'json') printJson({ crlNumber: st.lastCrlNumber, file: c.path('crl.pem') });
      else process.stdout.write(`CRL ${st.lastCrlNumber} written to ${c.path('crl.pem')}\n`);
    });

  common(ca.command('list').description('List issued certificates with their status, and CA hygiene findings; exit 1 on findings at/above --fail-on'))
    .option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity', 'high')
    .action(async (opts: CommonOptions & { failOn: string }) => {
      const format = parseFormat(opts.format);
      const { parseSeverity } = await import('../output.js');
      const failOn = parseSeverity(opts.failOn);
      const lib = await import('../../ca/index.js');
      const { observeCa } = await import('../../ca/inventory.js');
      const { checksFor } = await import('../../checks/areas.js');
      const { SEVERITIES } = await import('../../model/index.js');
      const c = lib.openCa(opts.dir);
      const obs = observeCa(c, new Date());
      const findings = (await checksFor('ca')).run('ca', obs, `ca:${opts.dir}`);
      if (format === 'json') printJson({ ca: obs, findings });
      else {
        const out = obs.certificates.map((x) => `${x.serial}  ${x.status.padEnd(8)} ${x.profile.padEnd(6)} until ${x.notAfter}  ${x.names.join(', ')}`);
        out.push(`${obs.certificates.length} certificate(s); CRL ${obs.crl.number ?? '-'} next update ${obs.crl.nextUpdate ?? '-'}; audit log ${obs.audit.ok ? 'intact' : 'BROKEN'} (${obs.audit.events} events)`);
        for (const f of findings) out.push(`${f.severity.toUpperCase().padEnd(8)} ${f.id}: ${f.evidence}`);
        process.stdout.write(out.join('\n') + '\n');
      }
      const rank = (s: string) => SEVERITIES.indexOf(s as (typeof SEVERITIES)[number]);
      process.exitCode = findings.some((f) => rank(f.severity) <= rank(failOn)) ? EXIT.FINDINGS : EXIT.OK;
    });

  common(ca.command('audit').description('Verify the audit log\'s hash chain; exit 1 when a line was edited, removed or reordered'))
    .action(async (opts: CommonOptions) => {
      const format = parseFormat(opts.format);
      const { verifyChain } = await import('../../ca/audit-log.js');
      const path = `${opts.dir}/audit.jsonl`;
      const v = verifyChain(readText(path, 'audit log'));
      const { records, ...verdict } = v;
      // The head hash: record it elsewhere (a ticket, a commit, a second machine) and a wholesale rewrite of the log,
      // which a hash chain alone cannot detect, shows as a different head.
      const doc = { ...verdict, head: records.at(-1)?.hash ?? null };
      if (format === 'json') printJson(doc);
      else process.stdout.write(v.ok ? `audit log intact: ${v.events} events, head ${doc.head}\n` : colors.red(`audit log BROKEN at line ${v.brokenAt!.line}: ${v.brokenAt!.reason}\n`));
      process.exitCode = v.ok ? EXIT.OK : EXIT.FINDINGS;
    });

  common(ca.command('serve').description('Serve OCSP (/ocsp), the CRL (/crl) and the CA chain (/ca.pem) over HTTP until interrupted'))
    .option('--listen <host:port>', 'address to bind', '127.0.0.1:8080')
    .action(async (opts: CommonOptions & { listen: string }) => {
      const lib = await import('../../ca/index.js');
      const m = /^(.*):(\d{1,5})$/.exec(opts.listen);
      if (!m) throw new MitmError('MG_ERR_USAGE', '--listen must be host:port');
      const c = lib.openCa(opts.dir, passphrase(opts));
      const ac = new AbortController();
      const server = await lib.serveCa(c, {
        host: m[1]!.replace(/^\[|\]$/g, ''), port: Number(m[2]), signal: ac.signal,
        onRequest: (e) => process.stderr.write(JSON.stringify({ time: new Date().toISOString(), ...e }) + '\n'),
      });
      process.stdout.write(JSON.stringify({ listening: server.url }) + '\n');
      await new Promise<void>((resolve) => {
        const stop = () => {
          ac.abort();
          resolve();
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      forceExitLater();
    });

  common(ca.command('acme').description('Serve ACME (RFC 8555: accounts, orders, http-01 / tls-alpn-01 / dns-01, finalize, download, revoke) for internal automation until interrupted'))
    .option('--listen <host:port>', 'address to bind', '127.0.0.1:8443')
    .option('--http-port <port>', 'port http-01 validation connects to', '80')
    .option('--tls-alpn-port <port>', 'port tls-alpn-01 validation connects to', '443')
    .option('--resolve <name=address>', 'where an identifier resolves for validation; repeatable', collect)
    .option('--dns-server <ip[:port]>', 'resolve identifiers through this DNS server (never the system resolver)')
    .option('--policy <file>', 'sign policy; ACME orders are checked as the requester "acme"')
    .action(async (opts: CommonOptions & { listen: string; httpPort: string; tlsAlpnPort: string; resolve?: string[]; dnsServer?: string; policy?: string }) => {
      const lib = await import('../../ca/index.js');
      const { serveAcme } = await import('../../ca/acme/server.js');
      const { parsePositiveInt } = await import('../output.js');
      const m = /^(.*):(\d{1,5})$/.exec(opts.listen);
      if (!m) throw new MitmError('MG_ERR_USAGE', '--listen must be host:port');
      const table = new Map<string, string[]>();
      for (const r of opts.resolve ?? []) {
        const [name, addr] = r.split('=');
        const { isIP } = await import('node:net');
        if (!name || !addr || !isIP(addr)) throw new MitmError('MG_ERR_USAGE', `--resolve ${JSON.stringify(r)} must be name=address`);
        table.set(name.toLowerCase(), [...(table.get(name.toLowerCase()) ?? []), addr]);
      }
      let resolver: { resolve4(n: string): Promise<string[]>; resolve6(n: string): Promise<string[]>; resolveTxt(n: string): Promise<string[][]> } | undefined;
      if (opts.dnsServer) {
        const { Resolver } = await import('node:dns/promises');
        const r = new Resolver({ timeout: 5000, tries: 2 });
        r.setServers([opts.dnsServer]);
        resolver = r;
      }
      if (!table.size && !resolver) throw new MitmError('MG_ERR_USAGE', 'give --resolve or --dns-server: validation never uses the system resolver');
      let policy;
      if (opts.policy) {
        const YAML = await import('yaml');
        policy = lib.parseSignPolicy(YAML.parse(readText(opts.policy, 'policy')));
      }
      const c = lib.openCa(opts.dir, passphrase(opts));
      const ac = new AbortController();
      const server = await serveAcme(c, {
        host: m[1]!.replace(/^\[|\]$/g, ''), port: Number(m[2]), httpPort: parsePositiveInt('--http-port', opts.httpPort, 65535),
        tlsAlpnPort: parsePositiveInt('--tls-alpn-port', opts.tlsAlpnPort, 65535),
        ...(resolver ? { resolveTxt: (name: string) => resolver!.resolveTxt(name) } : {}),
        resolve: async (name) => {
          const fixed = table.get(name.toLowerCase());
          if (fixed) return fixed;
          if (!resolver) return [];
          const [v4, v6] = await Promise.all([resolver.resolve4(name).catch(() => []), resolver.resolve6(name).catch(() => [])]);
          return [...v4, ...v6];
        },
        ...(policy ? { policy } : {}),
        onEvent: (e) => process.stderr.write(JSON.stringify(e) + '\n'),
      });
      process.stdout.write(JSON.stringify({ listening: server.url, directory: server.directory }) + '\n');
      await new Promise<void>((resolve) => {
        const stop = () => {
          ac.abort();
          void server.close().then(resolve);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      forceExitLater();
    });
}

/** After a graceful stop, a socket still open elsewhere (an outbound validation, a slow peer) must not keep the
 * process alive: exit after 5 s. Unref'd, so a clean stop exits at once. */
function forceExitLater(): void {
  setTimeout(() => process.exit(process.exitCode ?? 0), 5000).unref();
}
