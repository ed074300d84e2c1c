/**
 * Which `CONFIG_*` options a source file needs to be built at all, from Xen's Kbuild Makefiles:
 * `obj-$(CONFIG_X) += foo.o` (or `foo.init.o`, `obj-bin-…`), `obj-$(CONFIG_X) += dir/` for a whole
 * directory, and `ifeq`/`ifneq ($(CONFIG_X),y)` blocks. Forms it cannot read (`$(filter-out …)`)
 * add no guard.
 */

const OBJ = /^obj(?:-bin)?-(y|\$\((CONFIG_\w+)\))\s*\+?=\s*(.*)$/;

/** The guards of every object and directory a Makefile names, keyed by path under `dir`. */
export function makefileGuards(
  read: (path: string) => string | null,
  dir: string,
  inherited: readonly string[] = [],
  out: Map<string, string[]> = new Map(),
): Map<string, string[]> {
  const text = read(`${dir}/Makefile`);
  if (text === null) return out;
  const blocks: string[][] = [];
  for (const raw of text.replace(/\\\n/g, " ").split("\n")) {
    const line = raw.replace(/#.*$/, "").trim();
    const cond =
      /^(ifeq|ifneq)\s*\(\$\((CONFIG_\w+)\),\s*y\s*\)$/.exec(line) ??
      /^(ifdef|ifndef)\s+(CONFIG_\w+)$/.exec(line);
    if (cond) {
      const positive = cond[1] === "ifeq" || cond[1] === "ifdef";
      blocks.push([`${positive ? "" : "!"}${cond[2]}`]);
      continue;
    }
    if (/^if(n?eq|n?def)\b/.test(line)) {
      blocks.push([]);
      continue;
    }
    if (line === "else") {
      const top = blocks.at(-1);
      if (top?.length === 1)
        top[0] = (top[0] as string).startsWith("!") ? (top[0] as string).slice(1) : `!${top[0]}`;
      continue;
    }
    if (line === "endif") {
      blocks.pop();
      continue;
    }
    const m = OBJ.exec(line);
    if (!m) continue;
    const guards = [...inherited, ...blocks.flat(), ...(m[2] ? [m[2]] : [])];
    const items = (m[3] as string).replace(
      /\$\(addprefix ([^,]+),([^)]*)\)/g,
      (_, prefix: string, names: string) =>
        names
          .trim()
          .split(/\s+/)
          .map((n) => `${prefix.trim()}${n}`)
          .join(" "),
    );
    for (const item of items.split(/\s+/).filter((i) => i && !i.startsWith("$"))) {
      if (item.endsWith("/")) {
        const sub = `${dir}/${item.slice(0, -1)}`;
        out.set(sub, guards);
        makefileGuards(read, sub, guards, out);
      } else out.set(`${dir}/${item.replace(/(\.init)?\.o$/, ".c")}`, guards);
    }
  }
  return out;
}

/** The guards a file needs: its own Makefile entry, else its nearest directory's; none when no Makefile names it. */
export function fileGuards(guards: ReadonlyMap<string, readonly string[]>, path: string): readonly string[] {
  for (let p = path; p.includes("/"); p = p.slice(0, p.lastIndexOf("/"))) {
    const g = guards.get(p);
    if (g) return g;
  }
  return [];
}
