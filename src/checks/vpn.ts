/**
 * Checks of the VPN area (issue 14), pillar network: OpenVPN (`vpn.openvpn.*`) and WireGuard (`vpn.wireguard.*`)
 * configurations. Each reads one observation kind declared in src/vpn/observations.ts. Secrets never reach evidence.
 */
import '../vpn/observations.js';
import { defineCheck } from './registry.js';
import { coverage } from '../vpn/wireguard.js';
import { viaTunnel } from '../vpn/routing.js';

const OPENVPN_MAN = 'https://openvpn.net/community-resources/reference-manual-for-openvpn-2-6/';
const OPENVPN_HARDENING = 'https://community.openvpn.net/openvpn/wiki/Hardening';
const MITM_OPENVPN = 'https://openvpn.net/community-resources/how-to/#mitm';
const SWEET32 = 'https://sweet32.info/';
const VORACLE = 'https://community.openvpn.net/openvpn/wiki/VORACLE';
const WG_QUICK = 'https://man7.org/linux/man-pages/man8/wg-quick.8.html';
const WG_PAPER = 'https://www.wireguard.com/papers/wireguard.pdf';
const SWANCTL = 'https://docs.strongswan.org/docs/5.9/swanctl/swanctlConf.html';
const IKE_SCAN_PSK = 'https://www.rfc-editor.org/rfc/rfc2409#section-5';
const RFC8247 = 'https://www.rfc-editor.org/rfc/rfc8247';

/** RFC 8247 §2 (IKEv2) and RFC 8221 (ESP): MUST NOT / SHOULD NOT algorithms and DH groups below 2048 bits. */
const WEAK_PROPOSAL = /(^|-)(des|3des|blowfish\d*|cast128|null|md5|hmacmd5|modp768|modp1024|modp1536|modp1024s160|modp2048s224|modp2048s256|ecp192|ecp224)(-|$)/;

/** 64-bit block ciphers (SWEET32), export and null ciphers. */
const WEAK_CIPHER = /^(BF|DES|DES-EDE|DES-EDE3|RC2|CAST5|DESX|SEED|IDEA)(-|$)|^NONE$/;
const TLS_BELOW_12 = new Set(['1.0', '1.1']);

export const vpnChecks = [
  defineCheck({
    id: 'vpn.openvpn.no-server-verification',
    source: 'vpn-openvpn',
    pillar: 'network',
    severity: 'critical',
    title: 'OpenVPN client does not check that the peer is a server',
    description: 'Without remote-cert-tls server, verify-x509-name or peer-fingerprint, the client accepts any certificate from its CA — including another client\'s — as the server: any fellow user can play the man in the middle.',
    remediation: 'Add `remote-cert-tls server` and `verify-x509-name <server CN> name` (or `peer-fingerprint` with a pinned SHA-256).',
    references: [MITM_OPENVPN, OPENVPN_MAN],
    evaluate: (c) =>
      c.role === 'client' && !c.remoteCertTls && !c.verifyX509Name && !c.otherPeerCheck && { evidence: `${c.file}: client of ${c.remotes.join(', ') || '?'} without remote-cert-tls, verify-x509-name or peer-fingerprint${c.authUserPass ? '; the username and password go to whoever answers' : ''}` },
  }),
  defineCheck({
    id: 'vpn.openvpn.no-tls-crypt',
    source: 'vpn-openvpn',
    pillar: 'network',
    severity: 'medium',
    title: 'OpenVPN without tls-crypt or tls-auth',
    description: 'The TLS control channel is not authenticated by a pre-shared key: anyone can reach the TLS stack (DoS, TLS vulnerabilities, port scanning) and the certificates cross the network in clear (tls-crypt hides them).',
    remediation: 'Generate a key (`openvpn --genkey tls-crypt ta.key`, or tls-crypt-v2 per client) and add `tls-crypt ta.key` on both sides.',
    references: [OPENVPN_HARDENING],
    evaluate: (c) => (c.role === 'client' || c.role === 'server') && !c.tlsCrypt && !c.tlsAuth && { evidence: `${c.file}: ${c.role} without tls-crypt, tls-crypt-v2 or tls-auth` },
  }),
  defineCheck({
    id: 'vpn.openvpn.weak-cipher',
    source: 'vpn-openvpn',
    pillar: 'network',
    severity: 'high',
    title: 'OpenVPN data channel allows a weak or no cipher',
    description: 'The data channel may use a 64-bit block cipher (BF-CBC, DES, 3DES: SWEET32 birthday attacks recover plaintext after a few hundred gigabytes) or no encryption at all.',
    remediation: 'Use `data-ciphers AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305` and remove `cipher BF-CBC` / `cipher none`.',
    references: [SWEET32, OPENVPN_MAN],
    evaluate: (c) => {
      const weak = c.ciphers.filter((x) => WEAK_CIPHER.test(x));
      return weak.length > 0 && { evidence: `${c.file}: data channel ciphers ${c.ciphers.join(':')}`, severity: weak.includes('NONE') ? 'critical' : 'high' };
    },
  }),
  defineCheck({
    id: 'vpn.openvpn.auth-none',
    source: 'vpn-openvpn',
    pillar: 'network',
    severity: 'critical',
    title: 'OpenVPN packets are not authenticated',
    description: '`auth none` disables the HMAC of CBC-mode data packets (and of tls-auth): an attacker on the path can alter the tunnel\'s traffic.',
    remediation: 'Remove `auth none` (use AEAD ciphers: AES-GCM or ChaCha20-Poly1305) or set `auth SHA256`.',
    references: [OPENVPN_MAN],
    evaluate: (c) => c.auth !== null && /^(none|md5)$/i.test(c.auth) && { evidence: `${c.file}: auth ${c.auth}`, severity: /^none$/i.test(c.auth) ? 'critical' : 'medium' },
  }),
  defineCheck({
    id: 'vpn.openvpn.tls-below-1.2',
    source: 'vpn-openvpn',
    pillar: 'network',
    severity: 'medium',
    title: 'OpenVPN accepts TLS below 1.2',
    description: 'tls-version-min allows TLS 1.0 or 1.1 for the control channel (OpenVPN 2.6 defaults to 1.2).',
    remediation: 'Set `tls-version-min 1.2` (or 1.3 where both ends run OpenSSL 1.1.1 or later).',
    references: ['https://www.rfc-editor.org/rfc/rfc8996'],
    evaluate: (c) => c.tlsVersionMin !== null && TLS_BELOW_12.has(c.tlsVersionMin) && { evidence: `${c.file}: tls-version-min ${c.tlsVersionMin}` },
  }),
  defineCheck({
    id: 'vpn.openvpn.compression',
    source: 'vpn-openvpn',
    pillar: 'network',
    severity: 'high',
    title: 'OpenVPN compresses before encrypting (VORACLE)',
    description: 'Compression of the data channel leaks the plaintext through the length of the packets: an attacker who can inject traffic (a web page) recovers secrets such as cookies (VORACLE).',
    remediation: 'Remove `comp-lzo`/`compress` (or use `compress stub-v2`) and set `allow-compression no`.',
    references: [VORACLE],
    evaluate: (c) => c.compression !== null && { evidence: `${c.file}: ${c.compression}` },
  }),
  defineCheck({
    id: 'vpn.openvpn.client-cert-optional',
    source: 'vpn-openvpn',
    pillar: 'mutual-auth',
    severity: 'high',
    title: 'OpenVPN server does not require client certificates',
    description: 'verify-client-cert none/optional (or client-cert-not-required): clients authenticate with a password alone, which can be phished or guessed.',
    remediation: 'Require client certificates (`verify-client-cert require`, the default) in addition to any password plugin.',
    references: [OPENVPN_MAN],
    evaluate: (c) => c.role === 'server' && c.clientCertOptional !== null && { evidence: `${c.file}: ${c.clientCertOptional}` },
  }),
  defineCheck({
    id: 'vpn.openvpn.static-key',
    source: 'vpn-openvpn',
    pillar: 'network',
    severity: 'medium',
    title: 'OpenVPN static-key mode',
    description: 'The tunnel uses a pre-shared static key (`secret`) without TLS: no forward secrecy, no certificates, and the mode is deprecated and removed in OpenVPN 2.7.',
    remediation: 'Move to TLS mode with certificates (or peer-fingerprint) and tls-crypt.',
    references: [OPENVPN_MAN],
    evaluate: (c) => c.role === 'static-key' && { evidence: `${c.file}: secret (static key) mode` },
  }),
  defineCheck({
    id: 'vpn.openvpn.split-tunnel',
    source: 'vpn-openvpn',
    pillar: 'network',
    severity: 'low',
    title: 'OpenVPN does not route all traffic through the tunnel',
    description: 'Neither the client nor the server configuration sets redirect-gateway: only the pushed routes use the tunnel and everything else goes out on the local, possibly hostile network (unless the server pushes it from elsewhere).',
    remediation: 'Where the VPN is the defence against untrusted networks, add `redirect-gateway def1 ipv6` on the client or `push "redirect-gateway def1 ipv6"` on the server.',
    references: [OPENVPN_MAN],
    evaluate: (c) => (c.role === 'client' || c.role === 'server') && c.redirectGateway === null && { evidence: `${c.file}: ${c.role} without redirect-gateway` },
  }),
  defineCheck({
    id: 'vpn.openvpn.dns-leak',
    source: 'vpn-openvpn',
    pillar: 'network',
    severity: 'medium',
    title: 'OpenVPN full tunnel without a DNS server',
    description: 'All traffic is redirected into the tunnel but no DNS server is set or pushed: names are still resolved by the local network\'s resolver, which sees (and can forge) every lookup.',
    remediation: 'Push a resolver inside the tunnel (`push "dhcp-option DNS 10.8.0.1"` or `dns server 1 address …`) and, on Windows clients, `block-outside-dns`.',
    references: [OPENVPN_MAN],
    evaluate: (c) => c.redirectGateway !== null && c.dns.length === 0 && c.role !== 'client' && { evidence: `${c.file}: redirect-gateway ${c.redirectGateway} without a DNS server` },
  }),
  defineCheck({
    id: 'vpn.openvpn.ipv6-leak',
    source: 'vpn-openvpn',
    pillar: 'network',
    severity: 'medium',
    title: 'OpenVPN redirects IPv4 only',
    description: 'redirect-gateway without the ipv6 flag: IPv6 traffic keeps using the local network\'s route, outside the tunnel.',
    remediation: 'Use `redirect-gateway def1 ipv6` (and block-ipv6 if the tunnel carries no IPv6).',
    references: [OPENVPN_MAN],
    evaluate: (c) => c.redirectGateway !== null && !/\b(ipv6|block-ipv6|!ipv4)\b/.test(c.redirectGateway) && { evidence: `${c.file}: redirect-gateway ${c.redirectGateway}` },
  }),
  defineCheck({
    id: 'vpn.openvpn.secret-readable',
    source: 'vpn-openvpn',
    pillar: 'network',
    severity: 'high',
    title: 'OpenVPN configuration with an inline key is world-readable',
    description: 'The file embeds a private key, static key or tls-crypt key and any local user can read it.',
    remediation: 'chmod 600 the file.',
    references: [OPENVPN_MAN],
    evaluate: (c) => c.inlineSecret && c.readableByOthers === true && { evidence: `${c.file}: inline key material, readable by all users` },
  }),

  defineCheck({
    id: 'vpn.wireguard.split-tunnel',
    source: 'vpn-wireguard',
    pillar: 'network',
    severity: 'low',
    title: 'WireGuard does not route all traffic through the tunnel',
    description: 'No peer\'s AllowedIPs covers 0.0.0.0/0 and ::/0: only the listed networks use the tunnel and the rest goes out on the local network.',
    remediation: 'Where the VPN protects against untrusted networks, set `AllowedIPs = 0.0.0.0/0, ::/0` on the gateway peer.',
    references: [WG_QUICK],
    evaluate: (c) => {
      const cov = coverage(c);
      return !cov.ipv4 && !cov.ipv6 && { evidence: `${c.file}: AllowedIPs ${c.peers.flatMap((p) => p.allowedIps).join(', ') || 'none'}` };
    },
  }),
  defineCheck({
    id: 'vpn.wireguard.ipv6-leak',
    source: 'vpn-wireguard',
    pillar: 'network',
    severity: 'high',
    title: 'WireGuard full tunnel for IPv4 only',
    description: 'AllowedIPs covers all of IPv4 but not ::/0: IPv6 traffic, which most sites prefer, leaves by the local network outside the tunnel.',
    remediation: 'Add `::/0` to AllowedIPs (the tunnel then carries or drops IPv6 instead of leaking it).',
    references: [WG_QUICK],
    evaluate: (c) => {
      const cov = coverage(c);
      return cov.ipv4 && !cov.ipv6 && { evidence: `${c.file}: AllowedIPs ${c.peers.flatMap((p) => p.allowedIps).join(', ')}` };
    },
  }),
  defineCheck({
    id: 'vpn.wireguard.no-dns',
    source: 'vpn-wireguard',
    pillar: 'network',
    severity: 'medium',
    title: 'WireGuard full tunnel without DNS',
    description: 'All traffic goes through the tunnel but no DNS server is set: the system keeps the local network\'s resolver, reached through the tunnel to an address that may not answer, or leaked where routes exempt it.',
    remediation: 'Set `DNS = <resolver inside the tunnel>` in [Interface].',
    references: [WG_QUICK],
    evaluate: (c) => (coverage(c).ipv4 || coverage(c).ipv6) && c.dns.length === 0 && { evidence: `${c.file}: full tunnel, no DNS =` },
  }),
  defineCheck({
    id: 'vpn.wireguard.no-kill-switch',
    source: 'vpn-wireguard',
    pillar: 'network',
    severity: 'low',
    title: 'WireGuard full tunnel without a kill switch',
    description: 'No PostUp rule rejects traffic outside the tunnel: when the interface goes down (wg-quick down, a crash), traffic flows out on the local network in clear.',
    remediation: 'Add a PostUp/PreDown pair that rejects everything not marked for the tunnel (the wg-quick(8) kill-switch example), or use the platform\'s always-on VPN.',
    references: [WG_QUICK],
    evaluate: (c) => (coverage(c).ipv4 || coverage(c).ipv6) && !c.killSwitch && { evidence: `${c.file}: no PostUp reject/drop rule` },
  }),
  defineCheck({
    id: 'vpn.wireguard.no-preshared-key',
    source: 'vpn-wireguard',
    pillar: 'network',
    severity: 'info',
    title: 'WireGuard peer without a pre-shared key',
    description: 'Without PresharedKey, the session keys rest on Curve25519 alone; a PSK mixed into the handshake keeps recorded traffic safe from a future quantum computer.',
    remediation: 'Generate one per peer (`wg genpsk`) and set PresharedKey on both sides.',
    references: [WG_PAPER],
    evaluate: (c) => {
      const missing = c.peers.filter((p) => !p.presharedKey);
      return missing.length > 0 && { evidence: `${c.file}: ${missing.length} of ${c.peers.length} peers without PresharedKey` };
    },
  }),
  defineCheck({
    id: 'vpn.wireguard.key-readable',
    source: 'vpn-wireguard',
    pillar: 'network',
    severity: 'high',
    title: 'WireGuard private key readable by other users',
    description: 'The configuration holds the interface\'s PrivateKey and any local user can read it, and impersonate this host to its peers.',
    remediation: 'chmod 600 the file (wg-quick warns about world-accessible configurations).',
    references: [WG_QUICK],
    evaluate: (c) => c.hasPrivateKey && c.readableByOthers === true && { evidence: `${c.file}: PrivateKey in a world-readable file` },
  }),

  defineCheck({
    id: 'vpn.leak.tunnel-down',
    source: 'vpn-routing',
    pillar: 'network',
    severity: 'high',
    title: 'No VPN tunnel up, and traffic still has a route out',
    description: 'A tunnel is expected but no tun or WireGuard interface exists, and the routing table still sends traffic out on the local network: without a kill switch, a dropped tunnel means traffic in clear.',
    remediation: 'Bring the tunnel up, and add a kill switch (reject rules outside the tunnel, or an always-on VPN) so a dropped tunnel blocks traffic instead of leaking it.',
    references: [WG_QUICK, OPENVPN_MAN],
    evaluate: (o) => o.expectTunnel && o.tunnels.length === 0 && (o.ipv4.dev !== null || o.ipv6.dev !== null) && { evidence: `no tunnel interface; ${o.ipv4.destination} via ${o.ipv4.dev ?? 'no route'}, ${o.ipv6.destination} via ${o.ipv6.dev ?? 'no route'}` },
  }),
  defineCheck({
    id: 'vpn.leak.ipv4',
    source: 'vpn-routing',
    pillar: 'network',
    severity: 'high',
    title: 'IPv4 traffic leaves outside the VPN tunnel',
    description: 'A tunnel is up, but the route to an ordinary Internet destination goes out by another interface: a split tunnel, or a tunnel that lost its routes.',
    remediation: 'Route the default through the tunnel (OpenVPN redirect-gateway def1, WireGuard AllowedIPs 0.0.0.0/0) if the VPN is meant to protect all traffic.',
    references: [OPENVPN_MAN, WG_QUICK],
    evaluate: (o) => o.tunnels.length > 0 && o.ipv4.dev !== null && !viaTunnel(o, o.ipv4) && { evidence: `tunnel ${o.tunnels.join(', ')} up; ${o.ipv4.destination} via ${o.ipv4.dev}${o.ipv4.gateway ? ` (gateway ${o.ipv4.gateway})` : ''}` },
  }),
  defineCheck({
    id: 'vpn.leak.ipv6',
    source: 'vpn-routing',
    pillar: 'network',
    severity: 'high',
    title: 'IPv6 traffic leaves outside the VPN tunnel',
    description: 'A tunnel is up, but IPv6 is routed by the local network: typical of an IPv4-only tunnel, and most sites are reached over IPv6 first.',
    remediation: 'Carry IPv6 in the tunnel (redirect-gateway ipv6, AllowedIPs ::/0) or block it (OpenVPN block-ipv6).',
    references: [OPENVPN_MAN, WG_QUICK],
    evaluate: (o) => o.tunnels.length > 0 && o.ipv6.dev !== null && !viaTunnel(o, o.ipv6) && { evidence: `tunnel ${o.tunnels.join(', ')} up; ${o.ipv6.destination} via ${o.ipv6.dev}${o.ipv6.gateway ? ` (gateway ${o.ipv6.gateway})` : ''}` },
  }),
  defineCheck({
    id: 'vpn.leak.dns',
    source: 'vpn-routing',
    pillar: 'network',
    severity: 'high',
    title: 'DNS queries leave outside the VPN tunnel',
    description: 'A tunnel is up, but a configured resolver is reached by another interface: the local network sees, and can forge, every name looked up.',
    remediation: 'Use a resolver inside the tunnel (pushed by the VPN server, WireGuard DNS =) and make sure the resolver configuration follows the tunnel.',
    references: [OPENVPN_MAN, WG_QUICK],
    evaluate: (o) => {
      const out = o.dns.filter((d) => d.dev !== null && !viaTunnel(o, d));
      return o.tunnels.length > 0 && out.length > 0 && { evidence: `tunnel ${o.tunnels.join(', ')} up; resolver ${out.map((d) => `${d.destination} via ${d.dev}`).join(', ')}` };
    },
  }),

  ...(
    [
      ['fellow-client', ['fellow-client', 'fellow-client-no-eku'], 'critical', "OpenVPN client accepts a fellow client's certificate as its server", "A server presenting another user's client certificate from the same CA completed the tunnel with this client: any user of the VPN can play the man in the middle for every other (the attack remote-cert-tls server exists for)."],
      ['wrong-name', ['wrong-name'], 'high', 'OpenVPN client accepts a server certificate for another name', 'A server certificate from the trusted CA issued for another name completed the tunnel: anyone who obtains any server certificate from that CA can impersonate this VPN.'],
      ['untrusted', ['untrusted'], 'critical', 'OpenVPN client accepts a server certificate from an untrusted CA', 'A certificate from a CA the client does not trust completed the tunnel: the client does not verify its server at all.'],
    ] as const
  ).map(([id, scenarios, severity, title, description]) =>
    defineCheck({
      id: `vpn.client-audit.accepts-${id}`,
      source: 'vpn-client-audit',
      pillar: 'certificates',
      severity,
      title,
      description,
      remediation: 'Add `remote-cert-tls server` and `verify-x509-name <server name> name` (or `peer-fingerprint`) to the client configuration, and keep `ca` to the CA that issues only your VPN certificates.',
      references: [MITM_OPENVPN, OPENVPN_MAN],
      evaluate: (o) =>
        o.scenarios.some((r) => r.id === 'baseline' && r.tunnelCompleted) &&
        o.scenarios
          .filter((r) => (scenarios as readonly string[]).includes(r.id) && r.tunnelCompleted)
          .map((r) => ({ evidence: `${o.config}: ${r.title}: tunnel completed${r.dataThroughTunnel ? ' and answered a ping through it' : ''}` })),
    }),
  ),
  defineCheck({
    id: 'vpn.client-audit.inconclusive',
    source: 'vpn-client-audit',
    pillar: 'certificates',
    severity: 'low',
    title: 'OpenVPN client audit inconclusive',
    description: 'The client did not complete the tunnel even with a genuine server certificate, so its refusals of the forged ones prove nothing (an option the audit cannot reproduce, a prompt for a password, a pinned fingerprint).',
    remediation: 'Look at the client log in the evidence; run the audit on a configuration that connects on its own.',
    references: [OPENVPN_MAN],
    evaluate: (o) => {
      const b = o.scenarios.find((r) => r.id === 'baseline');
      return !!b && !b.tunnelCompleted && { evidence: `${o.config}: baseline did not connect: ${b.clientLog.join(' | ') || 'no verification message'}` };
    },
  }),

  defineCheck({
    id: 'vpn.ipsec.ikev1-aggressive-psk',
    source: 'vpn-ipsec',
    pillar: 'network',
    severity: 'high',
    title: 'IKEv1 aggressive mode with a pre-shared key',
    description: 'In IKEv1 aggressive mode the responder sends a hash of the pre-shared key before any authentication: anyone who asks gets material to crack the PSK offline (ike-scan, psk-crack), and with it can impersonate the gateway.',
    remediation: 'Use IKEv2 (version = 2, keyexchange=ikev2) with certificates or EAP; if IKEv1 must stay, use main mode and long random PSKs.',
    references: [IKE_SCAN_PSK, SWANCTL],
    evaluate: (c) => c.ikeVersion !== 2 && c.aggressive && [...c.localAuth, ...c.remoteAuth].some((a) => a === 'psk' || a === 'secret') && { evidence: `${c.file} ${c.name}: IKE version ${c.ikeVersion || 'any'}, aggressive = yes, PSK` },
  }),
  defineCheck({
    id: 'vpn.ipsec.ikev1',
    source: 'vpn-ipsec',
    pillar: 'network',
    severity: 'medium',
    title: 'IKEv1 accepted',
    description: 'The connection accepts IKEv1, deprecated by RFC 9395: weaker negotiation, aggressive mode, and no protection of the identities in aggressive mode.',
    remediation: 'Require IKEv2: `version = 2` (swanctl) or `keyexchange=ikev2` (ipsec.conf).',
    references: ['https://www.rfc-editor.org/rfc/rfc9395'],
    evaluate: (c) => c.ikeVersion !== 2 && { evidence: `${c.file} ${c.name}: IKE version ${c.ikeVersion === 1 ? '1' : 'any (1 accepted)'}` },
  }),
  defineCheck({
    id: 'vpn.ipsec.weak-proposal',
    source: 'vpn-ipsec',
    pillar: 'network',
    severity: 'high',
    title: 'IKE or ESP proposal with a weak algorithm or group',
    description: 'A proposal allows DES, 3DES, Blowfish, MD5, NULL encryption or a Diffie-Hellman group below 2048 bits (MODP 768/1024/1536): breakable or precomputable (Logjam) by a well-funded attacker on the path.',
    remediation: 'Use AES-GCM or AES-CBC with SHA-256+, and DH groups ecp256/curve25519/modp3072 or stronger (RFC 8247, RFC 8221); end proposals with `!` in ipsec.conf so defaults are not appended.',
    references: [RFC8247, 'https://www.rfc-editor.org/rfc/rfc8221', 'https://weakdh.org/'],
    evaluate: (c) => {
      const weak = [...c.ikeProposals, ...c.espProposals].filter((p) => WEAK_PROPOSAL.test(p.replace(/!$/, '')));
      return weak.length > 0 && { evidence: `${c.file} ${c.name}: ${[...new Set(weak)].join(', ')}` };
    },
  }),
  defineCheck({
    id: 'vpn.ipsec.no-peer-identity',
    source: 'vpn-ipsec',
    pillar: 'network',
    severity: 'high',
    title: 'IPsec peer authenticated by certificate without an identity or CA constraint',
    description: 'The peer authenticates with a certificate but neither its identity (remote id / rightid) nor the CA it must chain to (cacerts / rightca) is constrained: any certificate from any trusted CA is accepted as the peer.',
    remediation: 'Set the expected identity (`id = vpn.example.com` in remote, or rightid=) and pin the issuing CA (`cacerts`, rightca=).',
    references: [SWANCTL],
    evaluate: (c) => c.remoteAuth.some((a) => a === 'pubkey' || a === 'rsasig' || a === 'ecdsasig') && c.remoteId === null && !c.remoteCaConstraint && { evidence: `${c.file} ${c.name}: remote auth ${c.remoteAuth.join(', ')}, no remote id, no CA constraint` },
  }),
];
