import {
  accessSync,
  chmodSync,
  constants,
  lstatSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { error } from "../core/diagnostic.js";
import { fail } from "../core/errors.js";

const refuse = (path: string, why: string, help: string): never =>
  fail(error("output/cannot-write", `cannot write \`${path}\`: ${why}`, undefined, help));

/**
 * The file `-o` replaces and the mode it keeps: a symlink is written through (its target is
 * replaced, the link stays); a read-only file, a directory, a device or a FIFO is refused.
 */
function target(path: string): { path: string; mode?: number } {
  const link = lstatSync(path, { throwIfNoEntry: false });
  if (!link) return { path };
  let real = path;
  if (link.isSymbolicLink())
    try {
      real = realpathSync(path);
    } catch {
      return refuse(path, "a symlink to nothing", "name the file itself, or remove the link");
    }
  const st = statSync(real);
  if (!st.isFile())
    return refuse(path, "not a regular file", "-o writes regular files; leave it out to write to stdout");
  // root may write anything: a file without a write bit is read-only by its owner's choice
  let writable = (st.mode & 0o222) !== 0;
  try {
    accessSync(real, constants.W_OK);
  } catch {
    writable = false;
  }
  if (!writable) return refuse(path, "the file is read-only", "make it writable, or write elsewhere");
  return { path: real, mode: st.mode & 0o777 };
}

/**
 * Writes `text` to `path` whole or not at all: beside the target, then renamed, so no reader sees
 * half a file. A file replaced keeps its mode (never widened); a read-only one is refused.
 */
export function writeWhole(path: string, text: string | Uint8Array): void {
  const t = target(path);
  const tmp = `${t.path}.${process.pid}.tmp`;
  try {
    // `wx`: a file (or a planted symlink) already at the temporary name is never followed or reused
    writeFileSync(tmp, text, { flag: "wx", mode: t.mode ?? 0o666 });
  } catch (e) {
    refuse(path, (e as NodeJS.ErrnoException).code ?? String(e), "check the folder exists and is writable");
  }
  try {
    // the umask narrowed the mode at creation: the replaced file's mode, exactly
    if (t.mode !== undefined) chmodSync(tmp, t.mode);
    renameSync(tmp, t.path);
  } catch (e) {
    rmSync(tmp, { force: true });
    refuse(path, (e as NodeJS.ErrnoException).code ?? String(e), "check the folder is writable");
  }
}
