/** The I/O side of policy loading: `--policy` names a preset or a YAML file (./load.ts parses it). */
import { readFileSync } from 'node:fs';
import { MitmError } from '../errors.js';
import { fileProblem } from '../input-file.js';
import { isPreset, parsePolicy, presetPolicy } from './load.js';
import { DEFAULT_PRESET, PRESET_NAMES } from './presets.js';
import type { Policy } from './schema.js';


/**
 * `--policy` resolution: a preset name, or a YAML file path. Undefined gives the default preset (intermediate).
 *
 * @example loadPolicy('modern'); loadPolicy('./policy.yaml')
 */
export function loadPolicy(nameOrFile?: string): Policy {
  if (nameOrFile === undefined) return presetPolicy(DEFAULT_PRESET);
  if (isPreset(nameOrFile)) return presetPolicy(nameOrFile);
  let text: string;
  try {
    text = readFileSync(nameOrFile, 'utf8');
  } catch (err) {
    throw new MitmError('MG_ERR_IO', `policy ${nameOrFile}: ${fileProblem(err)} (nor a preset: ${PRESET_NAMES.join(', ')})`, { cause: err });
  }
  return parsePolicy(text, nameOrFile);
}
