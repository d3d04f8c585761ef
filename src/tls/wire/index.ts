/** The sans-IO TLS codec: bytes in, values out. See docs/tls-wire.md. */
export * from './alert.js';
export * from './certificate.js';
export * from './client-hello.js';
export * from './client-hello-parse.js';
export * from './flight.js';
export * from './key-shares.js';
export * from './limits.js';
export * from './record.js';
export * from './registry.js';
export * from './server-hello.js';
export * from './server-key-exchange.js';
export * from './sslv2.js';
export * from './suites.js';
