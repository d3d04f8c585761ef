/**
 * A client-audit scenario is data: what the forged or degraded server does, which protocols it applies to, and what
 * it means when a client accepts it (the finding). The chain is built from the run's lab (`./lab.ts`).
 */
import type { Pillar, Severity } from '../../model/index.js';
import type { Authority, BuiltCertificate, KeyPair } from '../../pki/index.js';
import type { AppProtocol } from '../protocols/index.js';
import type { AuditLab } from './lab.js';

/**
 * How the endpoint serves the scenario:
 * - `tls`: TLS with the scenario's chain and TLS options (after the upgrade for STARTTLS protocols).
 * - `plaintext`: no TLS at all where the client expected it.
 * - `starttls-absent` / `starttls-refused`: the upgrade is not advertised / is answered with an error.
 * - `hsts-downgrade`: the client is given an http:// URL for a host that sent HSTS; TLS is still served if it upgrades.
 */
export type ScenarioTransport = 'tls' | 'plaintext' | 'starttls-absent' | 'starttls-refused' | 'hsts-downgrade';

export interface ServedChain {
  /** Leaf first, then whatever the forged server sends along (intermediates, sometimes a root). */
  certs: BuiltCertificate[];
  key: KeyPair;
}

export interface ScenarioTlsOptions {
  minVersion?: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
  maxVersion?: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
  /** OpenSSL cipher string for TLS ≤ 1.2; the endpoint appends `@SECLEVEL=0` so weak material can be served at all. */
  ciphers?: string;
}

export interface ScenarioDefinition {
  /** Stable id that says what is tested; also the tail of the finding id `audit.client.<id>`. */
  id: string;
  title: string;
  /** What the forged server does, and why a client must refuse it. */
  description: string;
  pillar: Pillar;
  /** Severity of the finding when a client accepts the scenario (the baseline has none). */
  severity: Severity;
  remediation: string;
  references: string[];
  transport: ScenarioTransport;
  /** Protocols the scenario applies to; absent: every protocol. */
  protocols?: readonly AppProtocol[];
  chain?: (lab: AuditLab) => ServedChain;
  /**
   * When the scenario is nothing but a server leaf for the host from one issuer, that issuer: proxy mode then mints
   * per requested name with the fast minter instead of rebuilding the recipe.
   */
  mintIssuer?: (lab: AuditLab) => Authority | undefined;
  tls?: ScenarioTlsOptions;
  /** Only meaningful when the client was given a pin (`--pin`): a valid certificate with another key. */
  requiresPin?: boolean;
  /** The expected answer of a correctly validating client: only the baseline is `accept`. */
  expect: 'accept' | 'reject';
}
