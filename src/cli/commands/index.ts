import type { Command } from 'commander';

/** Each command module exports `register(program)`; one line per command here. */
type Register = (program: Command) => void;

export const commands: Register[] = [
  // scan, cert, dns, audit-client, lab, report ...
];
