/**
 * Strict X.509 path building and validation, certificate analysis and lints (docs/x509.md).
 *
 * The scanner calls `assessServerChain(presentedDer, { host, extraAnchors })` and hands the result to
 * `catalogue.run('certificate-chain', assessment, target)`.
 */
export { assessServerChain, type AssessOptions, type ChainAssessment } from './assess.js';
export { analyseCertificate, spkiPin, LINT_LIMITS, type CertificateAnalysis, type LintResult } from './analysis.js';
export { parseCertificate, parseCertificates, type Certificate, type Extension } from './certificate.js';
export { parseCrl, parseCrls, type Crl } from './crl.js';
export { TrustStore } from './trust-store.js';
export { loadTrustStore, nodeTrustStore, type TrustStoreOptions } from './trust-store-files.js';
export { validateChain, PATH_LIMITS, type ValidateOptions, type PathValidationResult } from './validate.js';
export { referenceIdentity, matchesIdentity } from './hostname.js';
export { VALIDATION_CODES, type Profile, type Purpose, type ValidationCode, type ValidationIssue } from './types.js';
export { decodePem, encodePem, certificatesFromPemOrDer } from './pem.js';
