/**
 * SARIF validation for the tests: the official SARIF 2.1.0 schema (rtm.5, draft-04, as published by the OASIS TC and
 * used by GitHub code scanning) and our stricter subset (test/data/README.md). `sarifErrors(log)` is empty when the log
 * is valid against both.
 */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import AjvDraft04Module from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';

type AjvLike = { compile(schema: unknown): ((d: unknown) => boolean) & { errors?: unknown[] | null } };
const addFormats = addFormatsModule as unknown as <T>(ajv: T) => T;
const AjvDraft04 = AjvDraft04Module as unknown as new (o: object) => AjvLike;

const read = (name: string): unknown => JSON.parse(readFileSync(new URL(`../data/${name}`, import.meta.url), 'utf8'));

const validators: { name: string; validate: ((d: unknown) => boolean) & { errors?: unknown[] | null } }[] = [
  // unicodeRegExp: false — the published rtm.5 text has a language-tag pattern with a stray `]` that JavaScript accepts
  // only without the `u` flag; the schema is used unmodified.
  {
    name: 'official SARIF 2.1.0 (rtm.5)',
    validate: addFormats(new AjvDraft04({ allErrors: true, strict: false, unicodeRegExp: false })).compile(read('sarif-2.1.0-rtm.5.schema.json')),
  },
  { name: 'mitmguard subset', validate: addFormats(new Ajv({ allErrors: true, strict: false }) as unknown as AjvLike).compile(read('sarif-2.1.0.schema.json')) },
];

/** Every schema error of `log`, prefixed by the schema's name; [] when valid against both. */
export function sarifErrors(log: unknown): string[] {
  const out: string[] = [];
  for (const { name, validate } of validators) {
    if (!validate(log)) out.push(...(validate.errors ?? []).map((e) => `${name}: ${JSON.stringify(e)}`));
  }
  return out;
}
