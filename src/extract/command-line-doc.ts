import type { DocEntry } from "../cmdline/option-catalogue.js";

export const COMMAND_LINE_DOC = "docs/misc/xen-command-line.pandoc";

/**
 * The entries of docs/misc/xen-command-line.pandoc after "## Parameter details": one per `###`
 * heading; stacked headings (`com1`/`com2`) share the body that follows them.
 */
export function readCommandLineDoc(text: string, path = COMMAND_LINE_DOC): DocEntry[] {
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((l) => /^## Parameter details/.test(l));
  if (start < 0) return [];
  const out: DocEntry[] = [];
  let group: { name: string; tag?: string; line: number }[] = [];
  let body: string[] = [];
  const flush = () => {
    if (!group.length) return;
    // the syntax is the first non-blank line: ``> `= <boolean>` `` or an indented `= List of [...]`
    const first = body.find((l) => l.trim() !== "");
    let syntax = first && (/^>\s*`\s*(=[^`]*)`/.exec(first)?.[1] ?? /^ {4}(=.*)$/.exec(first)?.[1]);
    // an indented syntax block goes on until its first blank line
    if (syntax && first?.startsWith("    "))
      for (const more of body.slice(body.indexOf(first) + 1)) {
        if (!/^ {4,}\S/.test(more) || /^ {4}Default\s*:/.test(more)) break;
        syntax = `${syntax} ${more.trim()}`;
      }
    const dflt = body
      .map((l) => /^(?:>| {4})\s*Default\s*:\s*(.*)$/.exec(l)?.[1])
      .find((d) => d !== undefined);
    const runtime = body.some((l) => /^>\s*Can be modified at runtime/.test(l));
    for (const h of group)
      out.push({
        name: h.name,
        ...(h.tag && { tag: h.tag }),
        ...(syntax && { syntax: syntax.trim() }),
        ...(dflt !== undefined && { default: dflt.replace(/^`(.*)`$/, "$1").trim() }),
        runtime,
        ref: `${path}:${h.line}`,
      });
    group = [];
    body = [];
  };
  for (let i = start + 1; i < lines.length; i++) {
    const l = lines[i] as string;
    const heading = /^### (.+?)\s*(?:\(([^)]*)\))?\s*$/.exec(l);
    if (heading) {
      if (body.some((b) => b.trim() !== "")) flush();
      // ``ivrs_ioapic[`<ioapic>`]`` is registered as `ivrs_ioapic[`
      const raw = (heading[1] as string).trim();
      const name = raw.includes("[") ? raw.slice(0, raw.indexOf("[") + 1) : raw;
      group.push({ name, ...(heading[2] && { tag: heading[2] }), line: i + 1 });
    } else if (/^## /.test(l)) break;
    else if (group.length) body.push(l);
  }
  flush();
  return out;
}
