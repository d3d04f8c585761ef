/** The private CA (docs/ca.md): issuance, CSR signing under a policy, revocation, CRL, OCSP and the audit log. */
export { initCa, openCa, CertificateAuthority, KEY_TYPES, CA_DEFAULTS, type CaConfig, type InitOptions, type IssueRequest, type Issued } from './store.js';
export { parseSanName, parseSanNames, spiffeIdProblem, describeSan, type SanName } from './names.js';
export { PROFILES, PURPOSES, parseLifetime, type Purpose, type ProfileName } from './profiles.js';
export { parseSignPolicy, evaluateSignPolicy, type SignPolicy, type SignVerdict } from './sign-policy.js';
export { parseCsr, type ParsedCsr } from './csr.js';
export { REVOCATION_REASONS, parseReason, type RevocationReason } from './crl.js';
export { verifyChain, type AuditRecord, type IssuedCertificate } from './audit-log.js';
export { privateKeyFromPem, privateKeyToPem, isEncryptedPem } from './keys.js';
export { serveCa, type RunningCaServer, type OcspServerOptions } from './ocsp-server.js';
export { assertAcceptableKey } from './csr.js';
export { renewCertificate, type RenewOptions } from './renew.js';
