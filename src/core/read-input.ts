import { error } from "./diagnostic.js";
import { fail } from "./errors.js";
import { readRegularFile, UnreadableFile } from "./read-regular-file.js";

/**
 * A file the user named (or a shipped one), read whole; an unreadable one is bad input that says
 * why (`ENOENT`, `EISDIR`, `EACCES`, not a regular file, larger than the input limit).
 */
export function readInput(path: string, o: { code: string; what?: string; help?: string }): Buffer {
  try {
    return readRegularFile(path);
  } catch (e) {
    const why = e instanceof UnreadableFile ? e : new UnreadableFile(String(e));
    return fail(
      error(
        o.code,
        `cannot read ${o.what ? `${o.what} ` : ""}\`${path}\`: ${why.message}`,
        undefined,
        why.code === "EFBIG" ? "README's Limits section lists the sizes xenpriv reads" : o.help,
      ),
    );
  }
}
