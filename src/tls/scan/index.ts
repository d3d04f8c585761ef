/** Scanner probes over TCP, built on the sans-IO codec in ../wire. See docs/scan.md. */
export { probeTls } from './probe-tls.js';
export { ProbeContext, type ProbeError, type ProbeSettings } from './context.js';
export { Limiter } from './limiter.js';
export { openConnection, type Endpoint, type ConnectOptions } from './connector.js';
export { certificateFacts, signatureAlgorithmOf } from './certificate-facts.js';
