import { renameSync, rmSync, writeFileSync } from "node:fs";
import { error } from "../core/diagnostic.js";
import { fail } from "../core/errors.js";

/** Writes `text` to `path` whole or not at all: beside the target, then renamed, so no reader sees half a file. */
export function writeWhole(path: string, text: string | Uint8Array): void {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    fail(
      error(
        "output/cannot-write",
        `cannot write \`${path}\`: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
      ),
    );
  }
}
