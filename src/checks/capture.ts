/**
 * Checks of the capture wing (issue 12). The detectors raise findings from the rows of src/capture/alerts.ts; each row
 * is registered here as a check of kind `capture-alert`, so the catalogue (and docs/checks.md) documents every id a
 * capture can raise. `capture.coverage.*` judge a whole capture's encryption coverage.
 */
import '../capture/observations.js';
import { CAPTURE_ALERTS } from '../capture/alerts.js';
import { defineCheck } from './registry.js';

/** Below this share of encrypted bytes, a capture's coverage is reported (the zero-trust number). */
export const MIN_ENCRYPTED_BYTE_SHARE = 0.95;

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

export const captureChecks = [
  ...CAPTURE_ALERTS.map((a) =>
    defineCheck({
      id: a.id,
      source: 'capture-alert',
      pillar: a.pillar,
      severity: a.severity,
      title: a.title,
      description: a.description,
      remediation: a.remediation,
      references: a.references,
      evaluate: (o) => o.id === a.id && { evidence: o.evidence, severity: o.severity },
    }),
  ),
  defineCheck({
    id: 'capture.coverage.low-encrypted-share',
    source: 'capture-summary',
    pillar: 'encryption',
    severity: 'medium',
    title: 'Less than 95% of the captured bytes were encrypted',
    description: 'Of the traffic whose protocol could be classified, too large a share crossed the capture point in the clear: every plain-text byte is one a man in the middle can read or alter.',
    remediation: 'Work down the plain-text flows by volume (listed in the capture summary) and move each service to TLS, SSH or a VPN.',
    references: ['https://www.rfc-editor.org/rfc/rfc7258'],
    evaluate: (s) =>
      s.encryption.encryptedByteShare !== null && s.encryption.encryptedByteShare < MIN_ENCRYPTED_BYTE_SHARE && {
        evidence: `${pct(s.encryption.encryptedByteShare)} of classified bytes encrypted (${s.encryption.bytes.plain} plain, ${s.encryption.bytes.encrypted} encrypted; ${s.encryption.flows.plain} plain flows of ${s.encryption.flows.plain + s.encryption.flows.encrypted})`,
        severity: s.encryption.encryptedByteShare < 0.5 ? 'high' : 'medium',
      },
  }),
  defineCheck({
    id: 'capture.coverage.frames-skipped',
    source: 'capture-summary',
    pillar: 'network',
    severity: 'info',
    title: 'Some frames could not be decoded',
    description: 'Frames were truncated, malformed or of a kind not decoded, so the analysis did not see everything in the capture.',
    remediation: 'Capture with a full snap length (tcpdump -s 0) on a link type the analyser reads; look at the skipped samples in the JSON report.',
    references: [],
    evaluate: (s) => {
      const n = Object.values(s.skipped).reduce((a, b) => a + b, 0);
      return n > 0 && { evidence: `${n} of ${s.frames} frames skipped: ${Object.entries(s.skipped).map(([c, k]) => `${c} ${k}`).join(', ')}` };
    },
  }),
];
