export * from './schema.js';
export * from './presets.js';
export * from './load.js';
export * from './apply.js';
export * from '../checks/policy.js';
export * from './facts.js';
export * from './grade.js';
export * from './suites.js';
export { parseYamlConfig, MAX_CONFIG_BYTES } from './yaml-config.js';
