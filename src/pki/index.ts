export * from './builder.js';
export * from './ca.js';
