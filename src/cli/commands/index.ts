import type { Command } from 'commander';

/** Each command module exports `register(program)`. */
export type Register = (program: Command) => void;

export interface CommandEntry {
  /** The name the module gives `program.command(...)`; `main.ts` matches it against the first argument. */
  readonly name: string;
  /** Loaded only when this command runs, or for help and errors, so one command's dependencies never slow another. */
  readonly load: () => Promise<{ register: Register }>;
}

/** One line per command, in the order help lists them. Keep every module out of static imports. */
export const commands: readonly CommandEntry[] = [
  { name: 'cert', load: () => import('./cert.js') },
  { name: 'dns', load: () => import('./dns.js') },
  { name: 'scan', load: () => import('./scan.js') },
  { name: 'lab', load: () => import('./lab.js') },
  { name: 'report', load: () => import('./report.js') },
  { name: 'audit-client', load: () => import('./audit-client.js') },
  { name: 'bgp', load: () => import('./bgp.js') },
  { name: 'capture', load: () => import('./capture.js') },
  { name: 'watch', load: () => import('./watch.js') },
  { name: 'ca', load: () => import('./ca.js') },
  { name: 'tunnel', load: () => import('./tunnel.js') },
  { name: 'wifi', load: () => import('./wifi.js') },
  { name: 'vpn', load: () => import('./vpn.js') },
];
