/**
 * Frames as a capture reader hands them on: what the capture wing (pcap/pcapng, a live interface) gives the link
 * decoders and what the Wi-Fi wing's 802.11 decoder takes. Time comes from the frame, never from the clock, so a file
 * and a live interface give the same answer.
 */

export interface CapturedFrame {
  /** The link-layer header type (tcpdump.org LINKTYPE_* values: 1 Ethernet, 113 Linux SLL, 127 radiotap, 105 802.11 …). */
  linkType: number;
  /** Capture time in microseconds since the Unix epoch (nanosecond captures are rounded down). */
  timestampUs: number;
  /** The captured bytes (may be shorter than `originalLength` when the capture had a snap length). */
  data: Uint8Array;
  originalLength: number;
  /** The interface it was captured on (pcapng interface id; 0 for pcap). */
  interfaceId: number;
  /** Its position in the input, from 1: how a finding's evidence names the frames it saw. */
  frameNumber: number;
}
