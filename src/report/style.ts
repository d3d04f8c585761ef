/**
 * The one text style of every terminal rendering (scan, report, audit, DNS): the colours, and the colour of each
 * severity. Colour or none is the caller's choice (a TTY, NO_COLOR); renderers only take a style.
 */
import pc from 'picocolors';
import type { Severity } from '../model/index.js';

type Paint = (s: string) => string;

export interface TextStyle {
  bold: Paint;
  dim: Paint;
  green: Paint;
  red: Paint;
  yellow: Paint;
  cyan: Paint;
  underline: Paint;
  /** How each severity is shown: critical bold red, high red, medium yellow, low cyan, info dim. */
  severity: Record<Severity, Paint>;
}

/** The style with colours (`color: true`) or without. */
export function textStyle(color: boolean): TextStyle {
  const c = pc.createColors(color);
  return {
    bold: c.bold, dim: c.dim, green: c.green, red: c.red, yellow: c.yellow, cyan: c.cyan, underline: c.underline,
    severity: { critical: (s) => c.bold(c.red(s)), high: c.red, medium: c.yellow, low: c.cyan, info: c.dim },
  };
}

export const PLAIN_STYLE: TextStyle = textStyle(false);
