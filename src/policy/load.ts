import { MitmError } from '../errors.js';
import { PRESET_NAMES, PRESETS, type PresetName } from './presets.js';
import { policySchema, type Policy, type PolicyFile } from './schema.js';
import { MAX_CONFIG_BYTES, parseYamlConfig } from './yaml-config.js';

export const isPreset = (s: string): s is PresetName => (PRESET_NAMES as string[]).includes(s);

/** A preset by name, deep-copied so callers may change it. */
export function presetPolicy(name: PresetName): Policy {
  return structuredClone(PRESETS[name]);
}

/** Merge a parsed policy file over its base: sections merge key by key, lists replace, overrides and risks add up. */
export function mergePolicy(basePolicy: Policy, file: PolicyFile): Policy {
  return {
    name: file.name ?? (file.extends ? `${file.extends} (customised)` : 'custom'),
    tls: { ...basePolicy.tls, ...file.tls },
    certificates: { ...basePolicy.certificates, ...file.certificates },
    hsts: { ...basePolicy.hsts, ...file.hsts },
    targets: [...basePolicy.targets, ...(file.targets ?? [])],
    severityOverrides: { ...basePolicy.severityOverrides, ...file.severityOverrides },
    acceptedRisks: [...basePolicy.acceptedRisks, ...(file.acceptedRisks ?? [])],
    failOn: file.failOn ?? basePolicy.failOn,
  };
}

/**
 * A policy from YAML text. `extends:` names a preset to start from; without it the policy starts empty (no
 * requirement it does not state).
 */
export function parsePolicy(text: string, file = '<policy>'): Policy {
  // An empty file would be a policy that mandates nothing, and a legacy target would pass: that is never meant.
  if (text.length <= MAX_CONFIG_BYTES && text.split('\n').every((l) => /^\s*(#.*)?$/.test(l) || /^\s*(---|\.\.\.)\s*$/.test(l))) {
    throw new MitmError('MG_ERR_CONFIG', `${file}: the policy file is empty; start from a preset (\`extends: intermediate\`) or name one (--policy ${PRESET_NAMES.join('|')})`, {
      details: { file, path: '(document)' },
    });
  }
  const parsed = parseYamlConfig(text, policySchema, file);
  if (parsed.extends !== undefined && !isPreset(parsed.extends)) {
    throw new MitmError('MG_ERR_CONFIG', `${file}: extends: unknown preset ${JSON.stringify(parsed.extends)} (one of ${PRESET_NAMES.join(', ')})`, {
      details: { file, path: 'extends' },
    });
  }
  const start: Policy = parsed.extends
    ? presetPolicy(parsed.extends as PresetName)
    : { name: 'custom', tls: {}, certificates: {}, hsts: {}, targets: [], severityOverrides: {}, acceptedRisks: [], failOn: 'high' };
  return mergePolicy(start, parsed);
}
