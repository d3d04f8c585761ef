/**
 * The inventory file (`mitmguard scan --inventory targets.yaml`): targets with schemes, tags, owners and expectations.
 * Expectations are target-level policy (this API must require mTLS, this mail server must offer STARTTLS, this host
 * must present one of these keys) and are merged into the policy as target rules.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { z } from 'zod';
import { MitmError, toMitmError } from '../errors.js';
import { fileError } from '../input-file.js';
import type { Policy, TargetRule } from '../policy/schema.js';
import { parseYamlConfig } from '../policy/yaml-config.js';
import { normalizePin, PIN_PATTERN, PIN_SYNTAX } from '../x509/pin.js';

/** A larger inventory is refused: split it, or raise the limit knowingly. */
export const MAX_INVENTORY_TARGETS = 100_000;


const expectSchema = z.strictObject({
  mtls: z.boolean().optional(),
  starttls: z.boolean().optional(),
  pins: z.array(z.string().regex(PIN_PATTERN, PIN_SYNTAX).transform((p) => normalizePin(p)!)).optional(),
});

/** A bare string is shorthand for `{ target: string }`; normalised first so errors point at the real field. */
const entrySchema = z.preprocess(
  (v) => (typeof v === 'string' ? { target: v } : v),
  z.strictObject({
    target: z.string().min(1),
    name: z.string().optional(),
    tags: z.array(z.string().min(1)).optional(),
    owner: z.string().optional(),
    sni: z.string().optional(),
    /** Connect to this IP address instead of resolving the target's host (as `scan --resolve` does). */
    address: z.string().refine((a) => isIP(a) !== 0, 'address must be an IPv4 or IPv6 address').optional(),
    expect: expectSchema.optional(),
  }),
);

export const inventorySchema = z.strictObject({
  version: z.literal(1).default(1),
  defaults: z.strictObject({ tags: z.array(z.string().min(1)).optional(), owner: z.string().optional() }).optional(),
  targets: z.array(entrySchema).min(1, 'an inventory needs at least one target').max(MAX_INVENTORY_TARGETS),
});

export interface InventoryEntry {
  target: string;
  name: string | null;
  tags: string[];
  owner: string | null;
  sni: string | null;
  /** Connect here instead of resolving the target's host; absent or null: resolve it. */
  address?: string | null;
  expect: z.output<typeof expectSchema>;
}

/**
 * Parse inventory YAML. Duplicate targets are an error (a resumed run keys its journal by target).
 *
 * @example parseInventory('targets:\n  - target: https://intranet.example\n    tags: [web]\n')
 */
export function parseInventory(text: string, file = '<inventory>'): InventoryEntry[] {
  const inv = parseYamlConfig(text, inventorySchema, file);
  const seen = new Set<string>();
  return inv.targets.map((o, i) => {
    const target = o.target.trim();
    if (seen.has(target)) throw new MitmError('MG_ERR_CONFIG', `${file}: targets[${i}]: ${target} is listed twice`, { details: { file, path: `targets[${i}]` } });
    seen.add(target);
    return {
      target,
      name: o.name ?? null,
      tags: [...new Set([...(inv.defaults?.tags ?? []), ...(o.tags ?? [])])],
      owner: o.owner ?? inv.defaults?.owner ?? null,
      sni: o.sni ?? null,
      ...(o.address ? { address: o.address } : {}),
      expect: o.expect ?? {},
    };
  });
}

export function loadInventory(path: string): InventoryEntry[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw fileError('inventory', path, err);
  }
  return parseInventory(text, path);
}

const globLiteral = (s: string) => s.replace(/[*?]/g, '?');

/** The policy plus one target rule per inventory expectation. */
export function policyWithExpectations(policy: Policy, entries: readonly InventoryEntry[]): Policy {
  const rules: TargetRule[] = entries
    .filter((e) => e.expect.mtls !== undefined || e.expect.starttls !== undefined || e.expect.pins)
    .map((e) => ({
      pattern: globLiteral(e.target),
      ...(e.expect.mtls !== undefined ? { requireMtls: e.expect.mtls } : {}),
      ...(e.expect.starttls !== undefined ? { requireStarttls: e.expect.starttls } : {}),
      ...(e.expect.pins ? { pins: e.expect.pins } : {}),
    }));
  return { ...policy, targets: [...policy.targets, ...rules] };
}

/** Tags and owners by target, as the report builder takes them. */
/** What a report shows of each target besides its result: tags, owner and display name, keyed by target. */
export interface InventoryLabels {
  tags: Record<string, string[]>;
  owners: Record<string, string>;
  names: Record<string, string>;
}

export function inventoryLabels(entries: readonly InventoryEntry[]): InventoryLabels {
  const tags: Record<string, string[]> = {};
  const owners: Record<string, string> = {};
  const names: Record<string, string> = {};
  for (const e of entries) {
    tags[e.target] = e.tags;
    if (e.owner) owners[e.target] = e.owner;
    if (e.name) names[e.target] = e.name;
  }
  return { tags, owners, names };
}
