import { writeSync } from "node:fs";

/**
 * Writes all of `text` to a file descriptor, waiting while a non-blocking pipe is full; false when
 * the reader has gone (`xenpriv matrix | head`): the rest is not wanted.
 */
export function writeAll(fd: number, text: string): boolean {
  let buf = Buffer.from(text);
  while (buf.length > 0) {
    try {
      buf = buf.subarray(writeSync(fd, buf));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EPIPE") return false;
      if (code !== "EAGAIN") throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    }
  }
  return true;
}

/** Writes chunks through a buffer of about 1 MiB, then a final newline when the text has none. */
export function writeChunks(fd: number, chunks: Iterable<string>): void {
  let pending = "";
  let last = "";
  for (const c of chunks) {
    pending += c;
    if (pending.length >= 1 << 20) {
      if (!writeAll(fd, pending)) return;
      last = pending.slice(-1);
      pending = "";
    }
  }
  // a newline ends the output, as it ends a whole string
  if (pending) last = pending.slice(-1);
  writeAll(fd, last === "\n" ? pending : `${pending}\n`);
}
