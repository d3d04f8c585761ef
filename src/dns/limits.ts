/**
 * Named limits for everything the DNS code reads from the network or a file. A hostile server can only make us do as
 * much work as these allow.
 */
export const DNS_LIMITS = {
  /** RFC 1035 §3.1: a name is at most 255 octets on the wire. */
  maxNameLength: 255,
  /** RFC 1035 §2.3.4: a label is at most 63 octets. */
  maxLabelLength: 63,
  /** Compression pointers followed while reading one name; a loop hits this long before it hits memory. */
  maxPointerJumps: 64,
  /** A DNS message over TCP is at most 65535 bytes (RFC 1035 §4.2.2 two-byte length). */
  maxMessageBytes: 65535,
  /** Records per message across all sections; more is an oversized (hostile) answer. */
  maxRecords: 2000,
  /** Questions per message; real servers echo exactly one. */
  maxQuestions: 4,
  /** UDP payload size we advertise with EDNS0 (the DNS flag day 2020 value, avoids fragmentation). */
  udpPayloadSize: 1232,
  /** Delegation depth followed from the trust anchor to the name. */
  maxChainDepth: 16,
  /** CNAME/DNAME links followed for one question. */
  maxCnameChain: 8,
  /** Queries one validation may send in total (chain, denial proofs, CNAMEs). */
  maxQueriesPerValidation: 120,
  /** RFC 9276 §3.2: validators may treat NSEC3 with more iterations as insecure; we refuse above this. */
  maxNsec3Iterations: 150,
  /** Keys tried per RRSIG (key tag collisions are rare; more is an attack on CPU, RFC 9276 / KeyTrap CVE-2023-50387). */
  maxKeysPerTag: 4,
  /** Signature verifications one validation may perform (KeyTrap mitigation). */
  maxSignatureVerifications: 400,
  /** Bytes of an MTA-STS policy (RFC 8461 §3.3 suggests 64 KiB is far more than enough). */
  maxMtaStsPolicyBytes: 65536,
  /** Anchor file size. */
  maxAnchorFileBytes: 1 << 20,
  /** Anomalies recorded for one query (spoofed or malformed datagrams); a flood is counted, not stored. */
  maxAnomaliesPerQuery: 32,
  /** Total time an MTA-STS policy fetch may take, however slowly the server trickles bytes (RFC 8461 §3.3). */
  mtaStsDeadlineMs: 15_000,
} as const;

/** Default per-query timeout and retries of the client. */
export const DNS_DEFAULTS = {
  timeoutMs: 2000,
  retries: 2,
} as const;
