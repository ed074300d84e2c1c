import { error } from "./diagnostic.js";
import { fail } from "./errors.js";
import { readInput } from "./read-input.js";

/** What `safeParse` of a zod schema returns, so core need not import zod. */
export interface JsonSchema<T> {
  safeParse(
    value: unknown,
  ):
    | { success: true; data: T }
    | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } };
}

/**
 * A shipped or user-given JSON data file, validated: unreadable, not JSON, or not of the schema is
 * bad input, reported with the file and the first offending path.
 */
export function loadJsonFile<T>(
  path: string,
  schema: JsonSchema<T>,
  o: { code: string; what: string; help?: string },
): T {
  const at = { file: path, line: 1, column: 1 };
  const text = readInput(path, { code: o.code }).toString("utf8");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    fail(error(o.code, `\`${path}\` is not JSON: ${(e as Error).message}`, at));
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    fail(
      error(
        o.code,
        `\`${path}\` is not ${o.what}: ${issue?.path.map(String).join(".") || "(root)"}: ${issue?.message}`,
        at,
        o.help,
      ),
    );
  }
  return parsed.data;
}
