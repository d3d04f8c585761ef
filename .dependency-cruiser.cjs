/**
 * The import rules of docs/architecture.md ("Import rules"), enforced in `npm test` (scripts/check-imports.mjs).
 * A rule names the wing it protects and why; a violation fails the run.
 */
const PURE = [
  '^src/model/', '^src/errors\\.ts$', '^src/bytes\\.ts$',
  '^src/tls/wire/', '^src/x509/(?!trust-store-files|index)', '^src/checks/', '^src/policy/(?!file\\.ts$|index)',
  '^src/dns/(message|rdata|svcb|encode|name|types|base32hex|nsec3param|limits|format|caa|tlsa|observations)\\.ts$', '^src/dns/dnssec/',
  '^src/starttls/(?!upgrade|index)',
  '^src/posture/(types|hsts|cookies|mixed-content|sniff)\\.ts$',
  '^src/bgp/(?!bmp-receiver|check-files|collector|mrt-reader|rtr-client|index)',
  '^src/capture/(?!file|live|chain-judge|index)',
  '^src/ca/(observation|sign-policy|audit-log|acme/jws)\\.ts$',
  '^src/tunnel/(identity|metrics)\\.ts$',
  '^src/wifi/(?!read-frames\\.ts$|config/read\\.ts$)', '^src/vpn/(openvpn|wireguard|strongswan|routing|text|observations)\\.ts$',
];
/**
 * Known, named exceptions (docs/architecture.md, "Departures"): the client-audit checks are made from the scenario
 * catalogue, whose recipes call the certificate minter (node:crypto) when run; loading them opens no socket or file.
 */
const PURE_EXCEPTIONS = ['^src/audit/scenarios/catalogue\\.ts$'];
const NODE_IO = '^(node:)?(net|tls|dgram|fs|fs/promises|child_process|http|https|http2|dns|dns/promises|worker_threads|cluster|readline|os|process)$';

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'No import circle anywhere under src/.', from: { path: '^src/' }, to: { circular: true } },
    {
      name: 'model-is-the-ground-floor', severity: 'error',
      comment: 'model, errors and bytes import nothing of ours but each other.',
      from: { path: '^src/(model/|errors\\.ts|bytes\\.ts)' },
      to: { path: '^src/', pathNot: '^src/(model/|errors\\.ts|bytes\\.ts)' },
    },
    {
      name: 'pure-wings-do-no-io', severity: 'error',
      comment: 'Codecs, validation, checks and policy import no socket, file, process or clock module.',
      from: { path: PURE, pathNot: '\\.test\\.ts$' },
      to: { dependencyTypes: ['core'], path: NODE_IO },
    },
    {
      name: 'pure-wings-import-no-io-wing', severity: 'error',
      comment: 'A pure wing imports only pure wings (model, codecs, validation, checks, policy) at run time. A type-only import carries no code and is allowed: an observation type may live beside the probe that fills it.',
      from: { path: PURE, pathNot: '\\.test\\.ts$' },
      to: { path: '^src/', pathNot: [...PURE, ...PURE_EXCEPTIONS], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-library-imports-cli', severity: 'error',
      comment: 'The CLI is a thin shell over the library; no library wing imports it.',
      from: { path: '^src/', pathNot: '^src/cli/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'report-imports-no-probe', severity: 'error',
      comment: 'Renderers read observations; they never open a connection.',
      from: { path: '^src/report/' },
      to: { path: '^src/(scan|posture|audit|tls/scan|dns/(client|probe|query|watch|spoof|mail)|lab|inventory)', pathNot: PURE, dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$|/testdata/' },
    parser: 'swc',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js'] },
  },
};
