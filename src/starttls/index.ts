/**
 * STARTTLS: sans-IO plain-text dialogues per protocol, and `upgradeToTls`, which drives one on a connected socket
 * until the socket is ready for the TLS ClientHello. See docs/starttls.md.
 */
export { upgradeToTls, createDialogue, type UpgradeOptions } from './upgrade.js';
export {
  STARTTLS_PROTOCOLS,
  isStartTlsProtocol,
  type StartTlsProtocol,
  type StartTlsObservation,
  type StartTlsDialogue,
  type DialogueOutput,
} from './types.js';
export { DIALOGUES, STARTTLS_DEFAULT_PORTS } from './dialogues.js';
