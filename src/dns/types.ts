/** RR type numbers we name (IANA "Resource Record (RR) TYPEs"). Unknown types print as TYPEnnn (RFC 3597 §5). */
export const RR_TYPES = {
  A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, MX: 15, TXT: 16, AAAA: 28, SRV: 33, DNAME: 39, OPT: 41, DS: 43,
  RRSIG: 46, NSEC: 47, DNSKEY: 48, NSEC3: 50, NSEC3PARAM: 51, TLSA: 52, CDS: 59, CDNSKEY: 60, SVCB: 64, HTTPS: 65,
  CAA: 257, ANY: 255,
} as const;

export type RrTypeName = keyof typeof RR_TYPES;

const BY_NUMBER = new Map<number, string>(Object.entries(RR_TYPES).map(([k, v]) => [v, k]));

export function typeName(type: number): string {
  return BY_NUMBER.get(type) ?? `TYPE${type}`;
}

/** Parse `A`, `aaaa` or `TYPE65`; undefined when unknown. */
export function typeNumber(name: string): number | undefined {
  const up = name.toUpperCase();
  if (up in RR_TYPES) return RR_TYPES[up as RrTypeName];
  const m = /^TYPE(\d{1,5})$/.exec(up);
  return m && Number(m[1]) < 65536 ? Number(m[1]) : undefined;
}

/** Response codes (RFC 1035 §4.1.1, RFC 6895). */
export const RCODES: Record<number, string> = {
  0: 'NOERROR', 1: 'FORMERR', 2: 'SERVFAIL', 3: 'NXDOMAIN', 4: 'NOTIMP', 5: 'REFUSED', 9: 'NOTAUTH', 16: 'BADVERS',
};

export const CLASS_IN = 1;
