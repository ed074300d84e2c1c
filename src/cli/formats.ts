import { error } from "../core/diagnostic.js";
import { fail } from "../core/errors.js";

/** The output formats a reporter renders (cli/reporters/): every command offers those its output has. */
export const FORMATS = ["table", "json", "md", "csv", "html", "dot", "sarif"] as const;
export type Format = (typeof FORMATS)[number];
/** What a command with a table or text offers; `dot` needs a graph (who-can, what-can, check, flask reach). */
export const TABLE_FORMATS = ["table", "json", "md", "csv", "html"] as const satisfies readonly Format[];
export const GRAPH_FORMATS = [...TABLE_FORMATS, "dot"] as const satisfies readonly Format[];
/** A matrix streams its own rows (report/matrix-chunks.ts); `xenpriv report` is its page. */
export const MATRIX_FORMATS = ["table", "json", "md", "csv"] as const satisfies readonly Format[];
/** What a command with text and no one table offers. */
export const TEXT_FORMATS = ["table", "json", "md", "html"] as const satisfies readonly Format[];

/** `lint`'s formats (`text`: the table reporter's), with its `--fail-on` levels. */
export const LINT_FORMATS = ["text", "json", "sarif"] as const;
export const FAIL_ON = ["error", "warning", "note", "never"] as const;

/** What `privcmd export` writes: a PFC-like listing, a C header for a kernel filter, or JSON. */
export const EXPORT_FORMATS = ["pfc", "c", "json"] as const;

/** A format an output cannot be written in: its command does not offer it, a library caller asked. */
export function unsupportedFormat(kind: string, format: Format): never {
  return fail(
    error(
      "cli/format-unsupported",
      `\`${kind}\` cannot be written as ${format}`,
      undefined,
      format === "dot"
        ? "-f dot is for who-can, what-can and check"
        : `\`xenpriv ${kind} --help\` lists its formats`,
    ),
  );
}
