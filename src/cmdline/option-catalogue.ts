import { z } from "zod";

export const OPTION_TYPES = ["bool", "integer", "size", "string", "custom", "ignore"] as const;
export type OptionType = (typeof OPTION_TYPES)[number];

/** One registration of a command-line option (a name may be registered more than once). */
export const OptionEntrySchema = z.strictObject({
  name: z.string(),
  type: z.enum(OPTION_TYPES),
  /** `boot`: the boot table only; `boot-and-runtime`: also a hypfs leaf `/params/<name>`; `runtime-only`: the leaf only */
  runtime: z.enum(["boot", "boot-and-runtime", "runtime-only"]),
  /** the arch directory it is defined under; null for common code */
  arch: z.string().nullable(),
  /** `CONFIG_*` (or `!CONFIG_*`) from the Makefiles and the `#if`s around it */
  guards: z.array(z.string()),
  /** whether a build of the arch can have it (its Kconfig lets the guards hold): x86_64, arm64, arm32 */
  builds: z.strictObject({ x86: z.boolean(), arm: z.boolean(), arm32: z.boolean() }),
  /** `path:line` of the registration */
  ref: z.string(),
  /** the variable it sets (bool, integer, size, string) */
  variable: z.string().optional(),
  /** the handler a custom option calls */
  handler: z.string().optional(),
  /** the integer variable's width in bytes (LP64: x86_64 and arm64), and its signedness */
  width: z.number().int().optional(),
  signed: z.boolean().optional(),
  /** the integer variable's C type as declared, qualifiers dropped: its width on arm32 (integer-width.ts) */
  ctype: z.string().optional(),
  /** the string buffer's size: values are cut to length - 1 characters */
  length: z.number().int().optional(),
});
export type OptionEntry = z.infer<typeof OptionEntrySchema>;

/** One `###` entry of docs/misc/xen-command-line.pandoc. */
export const DocEntrySchema = z.strictObject({
  /** as registered: `ivrs_ioapic[` for the heading ``ivrs_ioapic[`<ioapic>`]`` */
  name: z.string(),
  /** the heading's tag: `x86`, `arm64`, `Intel`… (absent: every arch) */
  tag: z.string().optional(),
  /** the syntax line, e.g. `= <boolean>` */
  syntax: z.string().optional(),
  default: z.string().optional(),
  /** "Can be modified at runtime" */
  runtime: z.boolean(),
  /** `path:line` of the heading */
  ref: z.string(),
});
export type DocEntry = z.infer<typeof DocEntrySchema>;

/** The options of one Xen tree: registrations, documentation, and where the two disagree. */
export const OptionCatalogueSchema = z.strictObject({
  $schema: z.string().optional(),
  kind: z.literal("option-catalogue"),
  xen: z.string(),
  commit: z.string().optional(),
  options: z.array(OptionEntrySchema),
  documented: z.array(DocEntrySchema),
  /** registered names the document has no heading for */
  undocumented: z.array(z.string()),
  /** headings no registration has */
  unregistered: z.array(z.string()),
});
export type OptionCatalogue = z.infer<typeof OptionCatalogueSchema>;
