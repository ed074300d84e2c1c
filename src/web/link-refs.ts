/** A piece of an explanation: plain text, or a reference with the address it opens. */
export type Segment = string | { readonly text: string; readonly href: string };

/**
 * An explanation's text cut into plain text and its `[path:line]` references, each with its
 * address when `link` gives one (the brackets stay text).
 */
export function linkRefs(text: string, link: (ref: string) => string | undefined): Segment[] {
  const out: Segment[] = [];
  let at = 0;
  for (const m of text.matchAll(/\[([^[\]\n]+)\]/g)) {
    const ref = m[1] as string;
    const href = link(ref);
    if (href === undefined) continue;
    const start = (m.index as number) + 1;
    if (start > at) out.push(text.slice(at, start));
    out.push({ text: ref, href });
    at = start + ref.length;
  }
  if (at < text.length) out.push(text.slice(at));
  return out;
}
