/**
 * `mitmguard vpn config`: thin — read OpenVPN and WireGuard configurations, call src/vpn, print text or one JSON
 * document. Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 usage or unreadable input.
 */
import type { Command } from 'commander';
import { SEVERITIES } from '../../model/index.js';
import { auditVpnConfigs } from '../../vpn/read.js';
import { inspectVpnRouting } from '../../vpn/leaks.js';
import { auditOpenVpnClient } from '../../vpn/client-audit.js';
import { readFileSync } from 'node:fs';
import { toMitmError } from '../../errors.js';
import { checksFor } from '../../checks/areas.js';
import { TOOL_NAME, VERSION } from '../../version.js';
import { printable } from '../../bytes.js';
import { colors, EXIT, parseFormat, parseSeverity, printJson } from '../output.js';
import { exitFor, findingsText } from './wifi.js';

export function register(program: Command): void {
  const vpn = program.command('vpn').description('VPN: OpenVPN and WireGuard configuration audit');
  vpn
    .command('config')
    .description('Audit OpenVPN (.conf/.ovpn), WireGuard (wg-quick .conf) and strongSwan (swanctl.conf, ipsec.conf) configurations: peer verification, ciphers, compression, split tunnels, DNS and IPv6 leaks, key file modes')
    .argument('<files...>', 'configuration files')
    .option('--fail-on <severity>', `exit 1 when a finding is at or above: ${SEVERITIES.join(', ')}`, 'high')
    .option('--format <format>', 'text or json', 'text')
    .action((files: string[], o: { format: string; failOn: string }) => {
      const failOn = parseSeverity(o.failOn);
      const format = parseFormat(o.format);
      const r = auditVpnConfigs(files);
      if (format === 'json') printJson({ tool: TOOL_NAME, version: VERSION, configs: r.configs, errors: r.errors, findings: r.findings });
      else {
        const out = r.configs.map((c) => printable(
          c.kind === 'openvpn' ? `  ${c.file}: OpenVPN ${c.role}${c.remotes.length ? ` of ${c.remotes.join(', ')}` : ''}`
          : c.kind === 'wireguard' ? `  ${c.file}: WireGuard, ${c.peers.length} peers`
          : `  ${c.file}: strongSwan, connections ${c.connections.map((x) => x.name).join(', ')}`));
        for (const e of r.errors) out.push(colors.red(printable(`  ${e.file}: ${e.code}: ${e.message}`)));
        if (r.findings.length) out.push('findings:', findingsText(r.findings));
        process.stdout.write(out.join('\n') + '\n');
      }
      if (r.errors.length) process.exitCode = EXIT.ERROR;
      else exitFor(r.findings, failOn);
    });

  vpn
    .command('check')
    .description('Leak test: is the route to the Internet (IPv4 and IPv6) and to each configured resolver inside the tunnel? Inspects the routing table and resolver configuration only; sends nothing')
    .option('--netns <name>', 'inspect this network namespace instead of the host')
    .option('--expect-tunnel', 'a tunnel must be up: its absence with a route out is a finding (kill switch)')
    .option('--fail-on <severity>', `exit 1 when a finding is at or above: ${SEVERITIES.join(', ')}`, 'high')
    .option('--format <format>', 'text or json', 'text')
    .action(async (o: { netns?: string; expectTunnel?: boolean; format: string; failOn: string }) => {
      const failOn = parseSeverity(o.failOn);
      const format = parseFormat(o.format);
      const obs = await inspectVpnRouting({ ...(o.netns ? { namespace: o.netns } : {}), expectTunnel: o.expectTunnel === true });
      const findings = (await checksFor('vpn-routing')).run('vpn-routing', obs, o.netns ? `netns ${o.netns}` : 'host');
      if (format === 'json') printJson({ tool: TOOL_NAME, version: VERSION, routing: obs, findings });
      else {
        const out = [
          `  tunnels: ${obs.tunnels.join(', ') || 'none'}`,
          `  ${obs.ipv4.destination} via ${obs.ipv4.dev ?? 'no route'}`,
          `  ${obs.ipv6.destination} via ${obs.ipv6.dev ?? 'no route'}`,
          ...obs.dns.map((d) => `  resolver ${d.destination} via ${d.dev ?? 'no route'}`),
        ];
        if (findings.length) out.push('findings:', findingsText(findings));
        process.stdout.write(out.join('\n') + '\n');
      }
      exitFor(findings, failOn);
    });

  vpn
    .command('audit-client')
    .description('Play the man in the middle against an OpenVPN client configuration: real openvpn servers with forged certificates (a fellow client\'s, another name, an untrusted CA) in namespaces created for the run; needs root')
    .argument('<config>', 'the client configuration (.ovpn/.conf)')
    .option('--fail-on <severity>', `exit 1 when a finding is at or above: ${SEVERITIES.join(', ')}`, 'high')
    .option('--format <format>', 'text or json', 'text')
    .action(async (file: string, o: { format: string; failOn: string }) => {
      const failOn = parseSeverity(o.failOn);
      const format = parseFormat(o.format);
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (err) {
        throw toMitmError(err, 'MG_ERR_IO');
      }
      const obs = await auditOpenVpnClient(text, file);
      const findings = (await checksFor('vpn-client-audit')).run('vpn-client-audit', obs, file);
      if (format === 'json') printJson({ tool: TOOL_NAME, version: VERSION, audit: obs, findings });
      else {
        const out = obs.scenarios.map((r) => `  ${(r.tunnelCompleted ? (r.forged ? colors.red('ACCEPTED') : colors.green('connected')) : r.forged ? colors.green('refused') : colors.red('FAILED')).padEnd(9)} ${r.id.padEnd(22)} ${r.title}`);
        if (findings.length) out.push('findings:', findingsText(findings));
        process.stdout.write(out.join('\n') + '\n');
      }
      if (findings.some((f) => f.id === 'vpn.client-audit.inconclusive')) process.exitCode = EXIT.ERROR;
      else exitFor(findings, failOn);
    });
}
