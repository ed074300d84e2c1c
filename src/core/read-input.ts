import { readFileSync } from "node:fs";
import { error } from "./diagnostic.js";
import { fail } from "./errors.js";

/**
 * A file the user named (or a shipped one), read whole; an unreadable one is bad input that says
 * why (`ENOENT`, `EISDIR`, `EACCES`).
 */
export function readInput(path: string, o: { code: string; what?: string; help?: string }): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return fail(
      error(
        o.code,
        `cannot read ${o.what ? `${o.what} ` : ""}\`${path}\`: ${err.code ?? err.message}`,
        undefined,
        o.help,
      ),
    );
  }
}
