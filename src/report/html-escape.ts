/** HTML text and attribute escaping (HTML Living Standard §13.1.2.6): the five characters that end text or quotes. */
export function htmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
