export * from './endpoints.js';
export * from './pki.js';
export * from './server.js';
export * from './scan.js';
export * from './state.js';
export * from './audit.js';
export * from './dns-names.js';
export * from './dns.js';
