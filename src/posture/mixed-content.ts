/**
 * Mixed-content hints: subresources an HTTPS page loads over plain HTTP (W3C Mixed Content §3). A regex scan of the
 * landing page, not a browser: it finds the common cases (script, stylesheet, image, frame, form action).
 */

/** How much of the page is scanned, and how many URLs are reported. */
export const MAX_PAGE_BYTES = 512 * 1024;
export const MAX_MIXED_URLS = 32;

const ATTR = /<(script|img|iframe|frame|link|audio|video|source|embed|object|form|input)\b[^>]*?\s(src|href|data|action|srcset)\s*=\s*["']?(http:\/\/[^"'\s>]+)/gi;

export interface MixedContentHint {
  element: string;
  url: string;
  /** Active content (script, frame, stylesheet, form, object) lets a man in the middle run code in the page. */
  active: boolean;
}

const ACTIVE = new Set(['script', 'iframe', 'frame', 'link', 'object', 'embed', 'form']);

export function findMixedContent(html: string): MixedContentHint[] {
  const out: MixedContentHint[] = [];
  const seen = new Set<string>();
  for (const m of html.slice(0, MAX_PAGE_BYTES).matchAll(ATTR)) {
    const element = m[1]!.toLowerCase();
    const url = m[3]!.slice(0, 300);
    // A <link> that is not a stylesheet (canonical, alternate) loads nothing.
    if (element === 'link' && !/rel\s*=\s*["']?stylesheet/i.test(m[0])) continue;
    if (seen.has(url)) continue;
    seen.add(url);
    out.push({ element, url, active: ACTIVE.has(element) });
    if (out.length >= MAX_MIXED_URLS) break;
  }
  return out;
}
