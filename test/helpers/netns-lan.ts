/**
 * A small LAN in network namespaces for the capture tests: a "switch" namespace with a bridge, and host namespaces
 * (gateway, victim, attacker …) each on a veth port of it, addressed from 198.18.0.0/24 (RFC 2544 benchmarking range)
 * and 2001:db8::/64. Nothing is routed outside the namespaces. Names carry the pid so parallel runs never meet; `destroy`
 * deletes every namespace (and with them the veths), also after a failed test.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';

export interface LanHost {
  name: string;
  ns: string;
  ip: string;
  ip6: string;
  mac: string;
}

export interface Lan {
  switchNs: string;
  bridge: string;
  hosts: Record<string, LanHost>;
  /** Run a command in a host namespace and return its stdout. */
  run(host: string, cmd: string[], opts?: { timeoutMs?: number; input?: string }): string;
  /** Start a long-running command in a namespace (host name, or 'switch'). */
  start(host: string, cmd: string[]): ChildProcess;
  destroy(): void;
}

const sh = (args: string[], timeoutMs = 20_000, input?: string) => execFileSync(args[0]!, args.slice(1), { encoding: 'utf8', timeout: timeoutMs, stdio: ['pipe', 'pipe', 'pipe'], ...(input !== undefined ? { input } : {}) });

/** Whether this machine lets us create namespaces (root, iproute2). */
export function canCreateNamespaces(): boolean {
  const probe = `mgprobe${process.pid}`;
  try {
    sh(['ip', 'netns', 'add', probe]);
    sh(['ip', 'netns', 'del', probe]);
    return true;
  } catch {
    return false;
  }
}

export function createLan(tag: string, hosts: Array<{ name: string; last: number }>): Lan {
  const id = `${tag}${process.pid}`.slice(0, 10);
  const switchNs = `mgsw-${id}`;
  const bridge = 'br0';
  const created: string[] = [];
  const children: ChildProcess[] = [];
  const lan: Lan = {
    switchNs,
    bridge,
    hosts: {},
    run(host, cmd, opts = {}) {
      const ns = host === 'switch' ? switchNs : lan.hosts[host]!.ns;
      return sh(['ip', 'netns', 'exec', ns, ...cmd], opts.timeoutMs, opts.input);
    },
    start(host, cmd) {
      const ns = host === 'switch' ? switchNs : lan.hosts[host]!.ns;
      const child = spawn('ip', ['netns', 'exec', ns, ...cmd], { stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(child);
      return child;
    },
    destroy() {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      for (const ns of created.reverse()) {
        try {
          sh(['ip', 'netns', 'del', ns]);
        } catch {
          // already gone
        }
      }
    },
  };
  try {
    sh(['ip', 'netns', 'add', switchNs]);
    created.push(switchNs);
    lan.run('switch', ['ip', 'link', 'add', bridge, 'type', 'bridge']);
    // No STP delay, no IPv6 on the bridge itself: the switch is silent, only hosts speak.
    lan.run('switch', ['ip', 'link', 'set', bridge, 'type', 'bridge', 'forward_delay', '0', 'stp_state', '0']);
    lan.run('switch', ['sysctl', '-qw', `net.ipv6.conf.${bridge}.disable_ipv6=1`]);
    lan.run('switch', ['ip', 'link', 'set', bridge, 'up']);
    for (const h of hosts) {
      const ns = `mg${h.name.slice(0, 3)}-${id}`;
      sh(['ip', 'netns', 'add', ns]);
      created.push(ns);
      const mac = `02:00:00:00:00:${h.last.toString(16).padStart(2, '0')}`;
      const port = `p${h.last}`;
      sh(['ip', 'link', 'add', 'eth0', 'netns', ns, 'address', mac, 'type', 'veth', 'peer', 'name', port, 'netns', switchNs]);
      lan.run('switch', ['ip', 'link', 'set', port, 'master', bridge]);
      lan.run('switch', ['sysctl', '-qw', `net.ipv6.conf.${port}.disable_ipv6=1`]);
      lan.run('switch', ['ip', 'link', 'set', port, 'up']);
      const host: LanHost = { name: h.name, ns, ip: `198.18.0.${h.last}`, ip6: `2001:db8::${h.last.toString(16)}`, mac };
      lan.hosts[h.name] = host;
      lan.run(h.name, ['ip', 'link', 'set', 'lo', 'up']);
      lan.run(h.name, ['ip', 'addr', 'add', `${host.ip}/24`, 'dev', 'eth0']);
      lan.run(h.name, ['ip', '-6', 'addr', 'add', `${host.ip6}/64`, 'dev', 'eth0', 'nodad']);
      lan.run(h.name, ['ip', 'link', 'set', 'eth0', 'up']);
    }
    return lan;
  } catch (err) {
    lan.destroy();
    throw err;
  }
}

/** Start tcpdump on the switch's bridge (every frame of the LAN, as a mirror port sees it); stop() waits for the file. */
export async function captureOnBridge(lan: Lan, file: string, extra: string[] = []): Promise<{ stop(): Promise<void> }> {
  const child = lan.start('switch', ['tcpdump', '-i', lan.bridge, '-U', '--immediate-mode', '-s', '0', '-n', '-w', file, '-Z', 'root', ...extra]);
  await listening(child);
  return {
    async stop() {
      // tcpdump reads the ring in blocks: give the last packets time to reach the file before stopping it.
      await new Promise((r) => setTimeout(r, 700));
      child.kill('SIGINT');
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('close', () => resolve());
        setTimeout(resolve, 5000);
      });
    },
  };
}

/** Wait until tcpdump has its capture open (it says "listening on" on stderr). */
export async function listening(child: ChildProcess, timeoutMs = 10_000): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    let text = '';
    const t = setTimeout(() => reject(new Error(`tcpdump did not start: ${text}`)), timeoutMs);
    child.stderr!.on('data', (d: Buffer) => {
      text += d.toString();
      if (/listening on/.test(text)) {
        clearTimeout(t);
        resolve();
      }
    });
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Debian's Python (python3-scapy lives there, not in a pyenv one). */
export const PYTHON = '/usr/bin/python3';

/** Send one UDP datagram from a host: the kernel resolves the peer's MAC by ARP/ND first, as any real traffic would. */
export function udpPoke(lan: Lan, from: string, to: string, port = 9): void {
  const family = to.includes(':') ? 'AF_INET6' : 'AF_INET';
  lan.run(from, [PYTHON, '-c', `import socket,time\ns=socket.socket(socket.${family},socket.SOCK_DGRAM)\ns.sendto(b'poke',('${to}',${port}))\ntime.sleep(0.3)`]);
}

/** Wait (bounded) until a TCP port accepts connections inside a namespace. */
export function waitForTcp(lan: Lan, host: string, address: string, port: number, timeoutMs = 15_000): void {
  lan.run(host, [PYTHON, '-c', `import socket,time\nend=time.time()+${timeoutMs / 1000}\nwhile True:\n  try:\n    socket.create_connection(('${address}',${port}),1).close(); break\n  except OSError:\n    if time.time()>end: raise\n    time.sleep(0.1)`], { timeoutMs: timeoutMs + 5000 });
}

/** Wait (bounded) until a test script prints "ready" (its sniffer is running): scapy takes seconds to load on a busy machine. */
export async function ready(child: ChildProcess, timeoutMs = 30_000): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    let text = '';
    const t = setTimeout(() => reject(new Error(`script did not get ready: ${text}`)), timeoutMs);
    child.stdout!.on('data', (d: Buffer) => {
      text += d.toString();
      if (/ready/.test(text)) {
        clearTimeout(t);
        resolve();
      }
    });
    child.once('close', (code) => {
      clearTimeout(t);
      reject(new Error(`script exited (${code}) before it was ready: ${text}`));
    });
  });
}
