import { loadOptionCatalogue } from "../../cmdline/load-option-catalogue.js";
import { extractOptionCatalogue } from "../../extract/extract-option-catalogue.js";
import type { Output } from "../output.js";
import { writeWhole } from "../write-whole.js";

export interface OptionsListOptions {
  readonly xen: string;
  /** only what a build of this arch can have (`arm` is arm64) */
  readonly arch?: "x86" | "arm" | "arm32";
}

/** `xenpriv options`: the command-line options of a Xen version, each with its documentation. */
export function optionsCommand(o: OptionsListOptions): Output {
  const c = loadOptionCatalogue(o.xen);
  const options = c.options
    .filter((e) => !o.arch || e.builds[o.arch])
    .map((e) => {
      // the heading for the option's arch when the document has one per arch (dom0_mem)
      const docs = c.documented.filter((d) => d.name === e.name);
      const doc = docs.find((d) => e.arch && d.tag?.toLowerCase().startsWith(e.arch)) ?? docs[0];
      return { ...e, ...(doc && { doc }) };
    });
  const where = (e: (typeof options)[number]) =>
    [e.builds.x86 && "x86", e.builds.arm && "arm", e.builds.arm32 && "arm32"].filter(Boolean).join(",") ||
    "-";
  return {
    kind: "options",
    json: {
      xen: c.xen,
      ...(c.commit && { commit: c.commit }),
      ...(o.arch && { arch: o.arch }),
      options,
      undocumented: c.undocumented,
      unregistered: c.unregistered,
    },
    table: {
      columns: ["name", "type", "runtime", "builds", "guards", "registered", "syntax"],
      rows: options.map((e) => [
        e.name,
        e.type,
        e.runtime,
        where(e),
        e.guards.join(" ") || "-",
        e.ref,
        e.doc?.syntax ?? (e.doc ? "(no syntax line)" : "(undocumented)"),
      ]),
    },
    text: [
      `xen ${c.xen}${c.commit ? ` (${c.commit.slice(0, 12)})` : ""}: ${options.length} registrations, ${new Set(options.map((e) => e.name)).size} names${o.arch ? ` on ${o.arch}` : ""}`,
      `registered, not documented: ${c.undocumented.join(", ") || "none"}`,
      `documented, not registered: ${c.unregistered.join(", ") || "none"}`,
    ].join("\n"),
  };
}

/** `xenpriv options extract <tree>`: the tree's option catalogue as JSON, written whole or not at all. */
export function optionsExtractCommand(tree: string, o: { output?: string; xenVersion?: string }): void {
  const c = extractOptionCatalogue(tree, o.xenVersion);
  const text = `${JSON.stringify(c, null, 1)}\n`;
  if (!o.output) {
    process.stdout.write(text);
    return;
  }
  writeWhole(o.output, text);
  const names = new Set(c.options.map((e) => e.name)).size;
  process.stderr.write(
    `xen ${c.xen}: ${c.options.length} registrations, ${names} names, ${c.documented.length} documented headings; ${c.undocumented.length} undocumented, ${c.unregistered.length} unregistered\nwrote ${o.output}\n`,
  );
}
