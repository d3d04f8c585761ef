/**
 * Named limits of the capture wing. A hostile or enormous capture can only make us do as much work, and hold as much
 * state, as these allow: every table has a cap and an expiry taken from packet time.
 */
export const CAPTURE_LIMITS = {
  /** Largest captured frame we accept (tcpdump's maximum snap length is 262144). */
  maxFrameBytes: 262_144,
  /** Largest pcapng block; a bigger declared length (a "4 GiB block") is an error, never an allocation. */
  maxBlockBytes: 16 * 1024 * 1024,
  /** Interfaces per pcapng section. */
  maxInterfaces: 256,
  /** Frame and section comments kept for the report. */
  maxComments: 1000,
  /** 802.1Q/802.1ad tags read before giving up (QinQ is two). */
  maxVlanTags: 4,
  /** IPv6 extension headers walked before giving up. */
  maxIpv6ExtensionHeaders: 8,
  /** Datagrams being reassembled from fragments at once (IPv4 and IPv6 together). */
  maxFragmentSets: 1024,
  /** Fragments held for one datagram. */
  maxFragmentsPerDatagram: 64,
  /** An unfinished datagram is dropped this long (packet time) after its first fragment. */
  fragmentTimeoutUs: 30_000_000,
  /** Flows (TCP and UDP) held in the flow table; the least recently seen is evicted beyond it. */
  maxFlows: 65_536,
  /** Bytes per direction of a TCP flow handed to the application decoders; the rest is only counted. */
  maxStreamBytesPerDirection: 256 * 1024,
  /** Out-of-order TCP segments held per direction while waiting for the gap to fill. */
  maxOutOfOrderSegments: 64,
  /** Bytes held in out-of-order segments per direction. */
  maxOutOfOrderBytes: 256 * 1024,
  /** Idle time after which a TCP flow is closed (packet time). */
  tcpIdleTimeoutUs: 300_000_000,
  /** Time a TCP flow lingers after FIN or RST. */
  tcpClosedTimeoutUs: 10_000_000,
  /** Idle time after which a UDP flow is closed. */
  udpIdleTimeoutUs: 60_000_000,
  /** Lines of a plain-text dialogue inspected for credentials, per flow. */
  maxLinesPerFlow: 256,
  /** Longest line a plain-text decoder keeps. */
  maxLineBytes: 8192,
  /** Plain-text flows listed by volume in the report. */
  maxListedFlows: 50,
  /** TLS sessions and DNS answers listed in the report (what the differential tests compare with tshark). */
  maxListedSessions: 10_000,
  /** Distinct (finding id, key) pairs a detector raises; repeats are counted into the first. */
  maxRaisedKeys: 10_000,
} as const;

export type CaptureLimits = { -readonly [K in keyof typeof CAPTURE_LIMITS]: number };
