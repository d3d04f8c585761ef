import { MitmError, type MitmErrorCode } from '../errors.js';
import { emptyObservation, type DialogueOutput, type StartTlsDialogue, type StartTlsObservation } from './types.js';

/**
 * The request codes of a PostgreSQL startup packet (protocol §55.7, "Message Formats"), written once for the client
 * dialogue here and the client audit's server (src/audit/protocols/postgres.ts): 1234 << 16 | 5679 and its siblings.
 */
export const POSTGRES_REQUEST_CODES = { ssl: 80877103, gssenc: 80877104, cancel: 80877102, protocol30: 196608 } as const;

/** PostgreSQL protocol §55.2.10 (SSLRequest): length 8, then the SSLRequest code. */
export const POSTGRES_SSL_REQUEST = Uint8Array.from([0, 0, 0, 8, ...[24, 16, 8, 0].map((s) => (POSTGRES_REQUEST_CODES.ssl >>> s) & 0xff)]);

/**
 * PostgreSQL SSLRequest: the client asks, the server answers one byte, `S` (go ahead) or `N` (no TLS). An `E` is an
 * ErrorResponse from a server that predates SSL negotiation. Any byte after the `S` is refused: that is the buffering
 * flaw of CVE-2021-23214, where a man in the middle injects plain-text commands ahead of the handshake.
 */
export class PostgresDialogue implements StartTlsDialogue {
  readonly protocol = 'postgres' as const;
  private readonly obs = emptyObservation('postgres');
  private answered = false;

  start(): DialogueOutput {
    return { send: [POSTGRES_SSL_REQUEST], ready: false, trailing: 0 };
  }

  receive(bytes: Uint8Array): DialogueOutput {
    if (bytes.length === 0) return { send: [], ready: false, trailing: 0 };
    if (this.answered) return { send: [], ready: true, trailing: bytes.length };
    this.answered = true;
    const answer = String.fromCharCode(bytes[0]!);
    this.obs.upgradeReply = answer;
    if (answer === 'S') {
      this.obs.upgraded = true;
      this.obs.startTlsAdvertised = true;
      return { send: [], ready: true, trailing: bytes.length - 1 };
    }
    if (answer === 'N') {
      this.obs.startTlsAdvertised = false;
      throw this.fail('MG_ERR_STARTTLS', 'server answered N: SSL is not enabled');
    }
    if (answer === 'E') throw this.fail('MG_ERR_STARTTLS', 'server answered the SSLRequest with an error');
    throw this.fail('MG_ERR_PROTOCOL', `answer byte 0x${bytes[0]!.toString(16)} is not a PostgreSQL SSL response`);
  }

  observation(): StartTlsObservation {
    return structuredClone(this.obs);
  }

  private fail(code: MitmErrorCode, message: string): MitmError {
    return new MitmError(code, `postgres: ${message}`, { details: { observation: this.observation() } });
  }
}
