import { error } from "./diagnostic.js";
import { fail, InputError } from "./errors.js";
import { readInput } from "./read-input.js";
import { parseJsonSource } from "./source-doc.js";

/** What `safeParse` of a zod schema returns, so core need not import zod. */
export interface JsonSchema<T> {
  safeParse(
    value: unknown,
  ):
    | { success: true; data: T }
    | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } };
}

/**
 * A shipped or user-given JSON data file, validated: unreadable, not JSON (or nested too deep), or not
 * of the schema is bad input, reported at its place in the file with the first offending path.
 */
export function loadJsonFile<T>(
  path: string,
  schema: JsonSchema<T>,
  o: { code: string; what: string; help?: string },
): T {
  const text = readInput(path, { code: o.code }).toString("utf8");
  const { doc, diagnostics } = parseJsonSource(text, path, o.code);
  if (!doc)
    throw new InputError(
      diagnostics.map((d) => ({ ...d, code: o.code, message: `\`${path}\` is not JSON: ${d.message}` })),
    );
  const parsed = schema.safeParse(doc.value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = (issue?.path ?? []).filter((p): p is string | number => typeof p !== "symbol");
    fail(
      error(
        o.code,
        `\`${path}\` is not ${o.what}: ${issue?.path.map(String).join(".") || "(root)"}: ${issue?.message}`,
        doc.spanOf(where),
        o.help,
      ),
    );
  }
  return parsed.data;
}
