import { printable } from '../bytes.js';

/**
 * HTML text and attribute escaping (HTML Living Standard §13.1.2.6): the five characters that end text or quotes,
 * after control and bidi characters are made visible (src/bytes.ts printable), since the text is often a peer's.
 */
export function htmlEscape(s: string): string {
  return printable(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
