// The network guard: loaded by scripts/run-tests.mjs (through NODE_OPTIONS, so into every test-file process and every
// Node process a test spawns with the inherited environment — the CLI runs, a spawned fixture), it refuses, before any
// packet is sent:
//   - a name lookup through the system resolver (dns.lookup, dns.promises.lookup, dns.lookupService, and the
//     dns.resolve*/reverse family on the default resolver or on any Resolver whose servers are the system's or lie
//     outside the ranges below), for any name other than `localhost`;
//   - a TCP connection (net.Socket#connect, so net.connect, tls.connect, http(s), http2 and fetch) or a UDP datagram
//     (dgram send/connect) to an address outside 127.0.0.0/8, ::1, 198.18.0.0/15, the TEST-NETs (192.0.2.0/24,
//     198.51.100.0/24, 203.0.113.0/24) and 2001:db8::/32 (the namespaced test hosts' ranges), or to a name other
//     than `localhost` — including an address a custom `lookup` option hands back.
// A refusal is an error with code ERR_MITMGUARD_NETWORK_GUARD given to the caller the way Node reports that kind of
// failure (the lookup callback, a rejected promise, the socket's 'error'); it is also written to stderr and appended
// to the file MITMGUARD_TEST_GUARD_LOG names, which the runner reads to fail the test file whatever the test
// asserted — a test that expects `ok === false` from an unreachable name must not pass by asking the outside world.
//
// One exception: inside a network namespace a test created (the process's /proc/self/ns/net differs from
// MITMGUARD_TEST_HOME_NETNS, the runner's), a lookup through the system resolver is allowed when every `nameserver`
// in that namespace's /etc/resolv.conf (bind-mounted by `ip netns exec` from /etc/netns/NAME/) is in the ranges
// above: the test then runs the resolver itself. Addresses are checked there as everywhere.
//
// Programs that are not Node (curl, openssl, delv, nmap…) and Node processes started with an environment of their own
// are outside this guard. The state is on globalThis[Symbol.for('mitmguard.networkGuard')] for the guard's own test.
import { appendFileSync, readFileSync, readlinkSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';

const require = createRequire(import.meta.url);
const STATE_KEY = Symbol.for('mitmguard.networkGuard');

export const GUARD_ERROR_CODE = 'ERR_MITMGUARD_NETWORK_GUARD';

if (!globalThis[STATE_KEY]) install();

function install() {
  const dns = require('node:dns');
  const net = require('node:net');
  const dgram = require('node:dgram');

  const allowed = new net.BlockList();
  for (const [a, p] of [['127.0.0.0', 8], ['198.18.0.0', 15], ['192.0.2.0', 24], ['198.51.100.0', 24], ['203.0.113.0', 24]]) allowed.addSubnet(a, p, 'ipv4');
  allowed.addAddress('0.0.0.0', 'ipv4'); // "this host": a connect to it reaches a local listener, never the wire
  allowed.addAddress('::1', 'ipv6');
  allowed.addAddress('::', 'ipv6');
  allowed.addSubnet('2001:db8::', 32, 'ipv6');

  /** An IP literal in the allowed ranges (IPv4-mapped IPv6 judged as its IPv4 address; a zone id ignored). */
  function addressAllowed(text) {
    let a = String(text).replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
    const v = net.isIP(a);
    if (v === 0) return false;
    if (v === 6) {
      const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(a);
      if (mapped) return allowed.check(mapped[1], 'ipv4');
      return allowed.check(a, 'ipv6');
    }
    return allowed.check(a, 'ipv4');
  }
  const isLocalhost = (name) => /^localhost\.?$/i.test(String(name));
  /** "1.2.3.4", "1.2.3.4:53", "[::1]:53", "::1" → the address. */
  const serverAddress = (s) => {
    const m = /^\[(.*)\](?::\d+)?$/.exec(s);
    if (m) return m[1];
    return net.isIP(s) ? s : s.replace(/:\d+$/, '');
  };

  const systemServers = dns.getServers();
  const inTestNamespace = (() => {
    const home = process.env.MITMGUARD_TEST_HOME_NETNS;
    if (!home) return false;
    try {
      return readlinkSync('/proc/self/ns/net') !== home;
    } catch {
      return false;
    }
  })();
  const namespaceResolverIsOurs = (() => {
    if (!inTestNamespace) return false;
    let text = '';
    try {
      text = readFileSync('/etc/resolv.conf', 'utf8');
    } catch {
      return false;
    }
    const servers = [...text.matchAll(/^\s*nameserver\s+(\S+)/gm)].map((m) => m[1]);
    return servers.length > 0 && servers.every(addressAllowed);
  })();

  const state = {
    installed: true,
    inTestNamespace,
    namespaceResolverIsOurs,
    /** Refusals while `expectRefusals` runs: the guard's own test looks at them; they do not fail the file. */
    expected: [],
    violations: [],
    expecting: 0,
    addressAllowed,
    async expectRefusals(fn) {
      state.expecting++;
      try {
        return await fn();
      } finally {
        state.expecting--;
      }
    },
  };
  globalThis[STATE_KEY] = state;

  function refuse(what, target) {
    const message = `network guard: a test tried to ${what} ${target} — tests talk only to localhost, 127.0.0.0/8, ::1 and ` +
      'the namespaced test ranges (198.18.0.0/15, 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32) and never ' +
      'ask the system resolver (docs/contributing.md, "The network guard")';
    const err = new Error(message);
    err.code = GUARD_ERROR_CODE;
    const record = {
      kind: 'network',
      pid: process.pid,
      script: process.argv[1] ?? null,
      what,
      target,
      stack: (err.stack ?? '').split('\n').slice(1).map((l) => l.trim()).filter((l) => !l.includes('network-guard.mjs')).slice(0, 6),
    };
    if (state.expecting > 0) {
      state.expected.push(record);
      return err;
    }
    state.violations.push(record);
    try {
      process.stderr.write(`${message}\n    ${record.stack.join('\n    ')}\n`);
    } catch {
      /* stderr closed */
    }
    const log = process.env.MITMGUARD_TEST_GUARD_LOG;
    if (log) {
      try {
        appendFileSync(log, JSON.stringify(record) + '\n');
      } catch {
        /* the runner's directory is gone: nothing to report to */
      }
    }
    return err;
  }

  const lookupAllowed = (host) => !host || net.isIP(String(host)) !== 0 || isLocalhost(host) || namespaceResolverIsOurs;
  const resolverAllowed = (servers) =>
    servers.length > 0 &&
    servers.every((s) => addressAllowed(serverAddress(s))) &&
    (namespaceResolverIsOurs || servers.join(',') !== systemServers.join(','));
  const lastFunction = (args) => (typeof args[args.length - 1] === 'function' ? args[args.length - 1] : null);

  // --- dns: lookup (getaddrinfo) and lookupService (getnameinfo) go through the system's configuration.
  const origLookup = dns.lookup;
  dns.lookup = function lookup(hostname, ...rest) {
    if (lookupAllowed(hostname)) return origLookup.call(this, hostname, ...rest);
    const err = refuse('ask the system resolver for', JSON.stringify(hostname));
    Object.assign(err, { hostname, syscall: 'getaddrinfo' });
    const cb = lastFunction(rest);
    if (!cb) throw err;
    process.nextTick(cb, err);
    return {};
  };
  const origLookupService = dns.lookupService;
  dns.lookupService = function lookupService(address, port, cb) {
    if (namespaceResolverIsOurs) return origLookupService.call(this, address, port, cb);
    const err = refuse('ask the system resolver for the name of', String(address));
    if (typeof cb !== 'function') throw err;
    process.nextTick(cb, err);
    return {};
  };
  const promises = dns.promises;
  const origPromiseLookup = promises.lookup;
  promises.lookup = function lookup(hostname, ...rest) {
    if (lookupAllowed(hostname)) return origPromiseLookup.call(this, hostname, ...rest);
    return Promise.reject(Object.assign(refuse('ask the system resolver for', JSON.stringify(hostname)), { hostname, syscall: 'getaddrinfo' }));
  };
  const origPromiseLookupService = promises.lookupService;
  promises.lookupService = function lookupService(address, port) {
    if (namespaceResolverIsOurs) return origPromiseLookupService.call(this, address, port);
    return Promise.reject(refuse('ask the system resolver for the name of', String(address)));
  };

  // --- dns: resolve*/reverse (c-ares) — allowed only towards servers a test set up.
  const isQuery = (k) => /^resolve/.test(k) || k === 'reverse';
  function guardQueries(target, getServers, promiseStyle) {
    for (const key of Object.getOwnPropertyNames(target)) {
      if (!isQuery(key) || typeof target[key] !== 'function') continue;
      const orig = target[key];
      target[key] = function (...args) {
        const servers = getServers(this);
        if (resolverAllowed(servers)) return orig.apply(this, args);
        const err = refuse(`query DNS servers ${servers.join(', ') || '(none)'} for`, JSON.stringify(args[0]));
        if (promiseStyle) return Promise.reject(err);
        const cb = lastFunction(args);
        if (!cb) throw err;
        process.nextTick(cb, err);
        return {};
      };
    }
  }
  guardQueries(dns.Resolver.prototype, (r) => r.getServers(), false);
  guardQueries(promises.Resolver.prototype, (r) => r.getServers(), true);
  guardQueries(dns, () => dns.getServers(), false);
  guardQueries(promises, () => promises.getServers(), true);

  // --- TCP: every net/tls/http client socket goes through Socket#connect.
  const origConnect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function connect(...args) {
    // Node calls connect([options, cb]) with arguments it already normalised; otherwise normalise them here.
    const normalized = Array.isArray(args[0]) && args[0].length === 2 && args[0][0] && typeof args[0][0] === 'object' ? args[0] : net._normalizeArgs(args);
    const [options, cb] = normalized;
    if (options.path != null || options.fd != null) return origConnect.apply(this, args);
    const host = options.host || 'localhost';
    const deny = (err) => {
      process.nextTick(() => this.destroy(err));
      return this;
    };
    if (net.isIP(host)) {
      if (!addressAllowed(host)) return deny(refuse('connect to', `${host} port ${options.port}`));
      return origConnect.apply(this, args);
    }
    if (!options.lookup && !lookupAllowed(host)) return deny(refuse('ask the system resolver for', JSON.stringify(host)));
    // Check what the lookup hands back (a custom lookup may map a name anywhere).
    const inner = options.lookup ?? dns.lookup;
    const lookup = (name, opts, callback) =>
      inner(name, opts, (err, address, family) => {
        if (err) return callback(err, address, family);
        const list = Array.isArray(address) ? address.map((a) => a.address) : [address];
        const bad = list.find((a) => !addressAllowed(a));
        if (bad !== undefined) return callback(refuse('connect to', `${bad} (from ${JSON.stringify(name)}) port ${options.port}`));
        return callback(err, address, family);
      });
    return origConnect.call(this, { ...options, lookup }, ...(cb ? [cb] : []));
  };

  // --- UDP
  const udpTargetAllowed = (address) => (net.isIP(address) ? addressAllowed(address) : isLocalhost(address) || address === '' || namespaceResolverIsOurs);
  const origSend = dgram.Socket.prototype.send;
  dgram.Socket.prototype.send = function send(msg, ...rest) {
    const address = rest.find((a) => typeof a === 'string');
    if (address === undefined || udpTargetAllowed(address)) return origSend.call(this, msg, ...rest);
    const err = refuse('send a UDP datagram to', address);
    const cb = lastFunction(rest);
    process.nextTick(() => (cb ? cb(err) : this.emit('error', err)));
  };
  const origUdpConnect = dgram.Socket.prototype.connect;
  dgram.Socket.prototype.connect = function connect(port, ...rest) {
    const address = rest.find((a) => typeof a === 'string');
    if (address === undefined || udpTargetAllowed(address)) return origUdpConnect.call(this, port, ...rest);
    const err = refuse('connect a UDP socket to', address);
    const cb = lastFunction(rest);
    process.nextTick(() => (cb ? cb(err) : this.emit('error', err)));
  };

  // `import { lookup } from 'node:dns'` and friends see the guarded functions.
  syncBuiltinESMExports();
}
