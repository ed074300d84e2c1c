import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import { LIMITS } from "./limits.js";

/** What `readRegularFile` throws: an errno code (`ENOENT`), or a sentence saying which limit stopped it. */
export class UnreadableFile extends Error {
  readonly code: string;
  constructor(code: string, message = code) {
    super(message);
    this.code = code;
  }
}

const MIB = 2 ** 20;
const tooLarge = (limit: number) =>
  new UnreadableFile("EFBIG", `larger than the input limit of ${limit / MIB} MiB`);

/**
 * The bytes of a regular file of at most `limit` bytes. It is opened without blocking, so a FIFO is
 * refused instead of waiting for a writer, `/dev/zero` is refused instead of read forever, and a file
 * that grows while it is read stops at the limit.
 */
export function readRegularFile(path: string, limit: number = LIMITS.inputBytes): Buffer {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new UnreadableFile(err.code ?? err.message);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new UnreadableFile("EISDIR");
    if (!st.isFile())
      throw new UnreadableFile("ENOTREG", "not a regular file (a device, a FIFO or a socket may never end)");
    if (st.size > limit) throw tooLarge(limit);
    // one byte more than the size tells a file that grew since fstat
    let buf = Buffer.allocUnsafe(st.size + 1);
    let n = 0;
    for (;;) {
      if (n === buf.length) {
        if (n > limit) throw tooLarge(limit);
        const bigger = Buffer.allocUnsafe(Math.min(buf.length * 2, limit + 1));
        buf.copy(bigger, 0, 0, n);
        buf = bigger;
      }
      const got = readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) return buf.subarray(0, n);
      n += got;
    }
  } catch (e) {
    if (e instanceof UnreadableFile) throw e;
    const err = e as NodeJS.ErrnoException;
    throw new UnreadableFile(err.code ?? err.message);
  } finally {
    closeSync(fd);
  }
}
