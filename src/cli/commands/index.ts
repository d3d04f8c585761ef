import type { Command } from 'commander';
import { register as auditClient } from './audit-client.js';
import { register as cert } from './cert.js';
import { register as dns } from './dns.js';
import { register as lab } from './lab.js';
import { register as report } from './report.js';
import { register as scan } from './scan.js';

/** Each command module exports `register(program)`; one line per command here. */
type Register = (program: Command) => void;

export const commands: Register[] = [
  cert,
  dns,
  scan,
  lab,
  report,
  auditClient,
  // scan, cert, dns, audit-client, lab, report ...
];
