/**
 * The catalogue: every check mitmguard knows, in one registry. docs/checks.md is generated from it
 * (`npm run docs:checks`) and a test fails when the page is stale.
 *
 * Each area keeps its checks in one module under src/checks/ and adds one line here.
 */
import { CheckRegistry } from './registry.js';
import { certificateChecks } from './certificates.js';
import { policyChecks } from './policy.js';
import { tlsChecks } from './tls.js';
import { dnsChecks } from './dns.js';
import { starttlsChecks } from './starttls.js';
import { postureChecks } from './posture.js';
import { auditChecks } from './audit.js';
import { bgpChecks } from './bgp.js';
import { captureChecks } from './capture.js';
import { caChecks } from './ca.js';
import { wifiChecks } from './wifi.js';
import { vpnChecks } from './vpn.js';

export const catalogue = new CheckRegistry([
  ...certificateChecks,
  ...policyChecks,
  ...tlsChecks,
  ...dnsChecks,
  ...starttlsChecks,
  ...postureChecks,
  ...auditChecks,
  ...bgpChecks,
  ...captureChecks,
  ...caChecks,
  ...wifiChecks,
  ...vpnChecks,
]);
