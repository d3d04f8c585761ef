/** The client-audit scenarios: the catalogue (data), what node's OpenSSL can serve of them, and the run's lab. */
export { SCENARIOS, scenarioById, skipReason } from './catalogue.js';
export { servedCipherString, unavailableReason } from './served.js';
export type { ScenarioDefinition } from './types.js';
export { createAuditLab, keyPinSha256, type AuditLab } from './lab.js';
