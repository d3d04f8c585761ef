/**
 * The air analysis: captured frames in, the inventory, alerts and findings out (pure: the frames may come from a file
 * or a live interface). Frames that are not 802.11 or do not decode are counted by error code, never fatal.
 */
import type { CapturedFrame, Finding } from '../model/index.js';
import { sortFindings } from '../model/index.js';
import { isMitmError } from '../errors.js';
import { decodeDot11, ElementMemo, WIFI_LINK_TYPES } from './frame.js';
import { WifiIntrusionDetector, type AirSummary, type WifiDetectorOptions } from './detect.js';

export interface AirReport extends AirSummary {
  frames: { total: number; decoded: number; notWifi: number; undecodable: Record<string, number>; badFcs: number; truncatedAtEnd: string | null };
  findings: Finding[];
}

export class AirAnalysis {
  private readonly detector: WifiIntrusionDetector;
  private readonly memo = new ElementMemo();
  private readonly findings: Finding[] = [];
  private readonly stats: AirReport['frames'] = { total: 0, decoded: 0, notWifi: 0, undecodable: {}, badFcs: 0, truncatedAtEnd: null };

  constructor(options: WifiDetectorOptions = {}) {
    this.detector = new WifiIntrusionDetector(options);
  }

  /** Feed one frame; returns the alerts it raised (also kept for the report). */
  push(frame: CapturedFrame): Finding[] {
    this.stats.total++;
    if (!WIFI_LINK_TYPES.includes(frame.linkType)) {
      this.stats.notWifi++;
      return [];
    }
    let event;
    try {
      event = decodeDot11(frame, this.memo);
    } catch (err) {
      if (!isMitmError(err)) throw err;
      this.stats.undecodable[err.code] = (this.stats.undecodable[err.code] ?? 0) + 1;
      return [];
    }
    this.stats.decoded++;
    if (event.radio.badFcs) this.stats.badFcs++;
    const raised = this.detector.observe(event);
    if (raised.length) this.findings.push(...raised);
    return raised;
  }

  /** The capture ended inside a record (a capture cut off while being written): what was read still counts. */
  truncated(message: string): void {
    this.stats.truncatedAtEnd = message;
  }

  finish(): AirReport {
    this.findings.push(...this.detector.finish());
    const summary = this.detector.summary();
    return { ...summary, frames: this.stats, findings: sortFindings([...this.findings, ...this.detector.networkFindings()]) };
  }
}

/** @example analyseFrames(frames, { baseline, target: 'air.pcap' }).findings */
export function analyseFrames(frames: Iterable<CapturedFrame>, options: WifiDetectorOptions = {}): AirReport {
  const a = new AirAnalysis(options);
  for (const f of frames) a.push(f);
  return a.finish();
}
