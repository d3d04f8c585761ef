/**
 * Named limits of the BGP wing: every bound a hostile peer, a crafted MRT file or a huge VRP feed runs into.
 * Exceeding one is a MitmError (MG_ERR_TOO_LARGE), never unbounded memory.
 */
export const BGP_LIMITS = {
  /** RFC 4271 §4.1: the largest BGP message without the extended-message capability. */
  maxMessage: 4096,
  /** RFC 8654 §4: the largest BGP message once both sides announced the extended-message capability. */
  maxExtendedMessage: 65535,
  /** Path attributes in one UPDATE or RIB entry (a real UPDATE carries fewer than 20). */
  maxAttributes: 64,
  /** AS numbers in one AS_PATH or AS4_PATH, all segments together (the longest seen on the Internet are ~100). */
  maxPathLength: 1024,
  /** Communities (RFC 1997) plus large communities (RFC 8092) in one route. */
  maxCommunities: 4096,
  /** NLRI (announced plus withdrawn) in one UPDATE. */
  maxNlri: 16384,
  /** One MRT record (RFC 6396 §2 length field is 32 bits; a full-table RIB record for one prefix is a few hundred KiB). */
  maxMrtRecord: 16 * 1024 * 1024,
  /** Peers in one TABLE_DUMP_V2 PEER_INDEX_TABLE (the index is 16 bits). */
  maxPeers: 65535,
  /** RIB entries (one per peer, and per path id with ADD-PATH) for one prefix in one RIB record. */
  maxRibEntries: 65535,
  /** Capabilities in one OPEN. */
  maxCapabilities: 64,
  /** VRPs in one file (the global RPKI had ~700k in 2025). */
  maxVrps: 5_000_000,
  /** A VRP file's size in bytes (JSON of 5 million VRPs). */
  maxVrpFileBytes: 1024 * 1024 * 1024,
  /** Monitored prefixes in one monitor file. */
  maxMonitoredPrefixes: 100_000,
} as const;
