/** The capture detectors, as a table: each a small stateful-but-pure `Detector<CaptureEvent>`. */
import type { Detector } from '../../model/index.js';
import type { Baseline } from '../baseline.js';
import type { CaptureEvent } from '../events.js';
import { createArpDetector } from './arp.js';
import { createDhcpDetector } from './dhcp.js';
import { createDnsSpoofDetector } from './dns-spoof.js';
import { createIpv6Detector } from './ipv6.js';
import { createNameDetector } from './names.js';
import { createPlaintextDetector } from './plaintext.js';
import { createTlsDetector, type ChainJudge } from './tls.js';

export type { ChainJudge, ChainVerdict } from './tls.js';

export const DETECTORS: ReadonlyArray<{ name: string; create: (baseline: Baseline, judge: ChainJudge | null) => Detector<CaptureEvent> }> = [
  { name: 'arp', create: (b) => createArpDetector(b) },
  { name: 'dhcp', create: (b) => createDhcpDetector(b) },
  { name: 'ipv6', create: (b) => createIpv6Detector(b) },
  { name: 'names', create: (b) => createNameDetector(b) },
  { name: 'dns-spoof', create: (b) => createDnsSpoofDetector(b) },
  { name: 'tls', create: (b, j) => createTlsDetector(b, j) },
  { name: 'plaintext', create: () => createPlaintextDetector() },
];
