/**
 * YAML configuration files (policy, inventory) validated with zod. Every error names the file, the line and the column
 * of the offending node, because "policy invalid" helps nobody at 3 a.m.
 */
import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { MitmError } from '../errors.js';

/** A configuration file larger than this is refused before parsing (named limit). */
export const MAX_CONFIG_BYTES = 1024 * 1024;
/** YAML alias expansion limit: a "billion laughs" document fails instead of eating memory. */
export const MAX_YAML_ALIASES = 100;

export interface Position {
  line: number;
  col: number;
}

/** The position of the node at `path`, or of its closest existing ancestor. */
function positionOf(doc: Document, lc: LineCounter, path: readonly PropertyKey[]): Position {
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n) as unknown[], true);
    if (isNode(node) && node.range) {
      const p = lc.linePos(node.range[0]);
      return { line: p.line, col: p.col };
    }
  }
  return { line: 1, col: 1 };
}

const pathText = (path: readonly PropertyKey[]) =>
  path.length ? path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') : '(document)';

/**
 * Parse YAML text and validate it with a zod schema. Throws MG_ERR_CONFIG whose message is
 * `file:line:col: path: problem` and whose details carry `{ file, line, col, path }`.
 *
 * @example parseYamlConfig(readFileSync('policy.yaml', 'utf8'), policySchema, 'policy.yaml')
 */
export function parseYamlConfig<S extends z.ZodType>(text: string, schema: S, file = '<input>'): z.output<S> {
  if (Buffer.byteLength(text, 'utf8') > MAX_CONFIG_BYTES) {
    throw new MitmError('MG_ERR_TOO_LARGE', `${file}: larger than ${MAX_CONFIG_BYTES} bytes`, { details: { file, limit: MAX_CONFIG_BYTES } });
  }
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const yamlError = doc.errors[0];
  if (yamlError) {
    const p = lc.linePos(yamlError.pos[0]);
    throw new MitmError('MG_ERR_CONFIG', `${file}:${p.line}:${p.col}: ${yamlError.message.split('\n')[0]}`, {
      details: { file, line: p.line, col: p.col, path: '(syntax)' },
    });
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  } catch (err) {
    throw new MitmError('MG_ERR_CONFIG', `${file}: ${(err as Error).message}`, { cause: err, details: { file, line: 1, col: 1 } });
  }
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = issue.path as PropertyKey[];
  const pos = positionOf(doc, lc, path);
  const more = result.error.issues.length > 1 ? ` (and ${result.error.issues.length - 1} more)` : '';
  throw new MitmError('MG_ERR_CONFIG', `${file}:${pos.line}:${pos.col}: ${pathText(path)}: ${issue.message}${more}`, {
    details: { file, ...pos, path: pathText(path), issues: result.error.issues.map((i) => ({ path: pathText(i.path as PropertyKey[]), message: i.message })) },
  });
}
