/** The capture wing: pcap/pcapng readers, link/IP/TCP decoding, reassembly, flow table, decoders and detectors. */
export * from './alerts.js';
export * from './analyse.js';
export * from './baseline.js';
export * from './events.js';
export * from './file-format.js';
export * from './flows.js';
export * from './limits.js';
export * from './learn.js';
export * from './link.js';
export * from './packet.js';
export * from './redact.js';
export * from './detectors/index.js';
