import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { LIMITS } from "./limits.js";
import { readRegularFile, UnreadableFile } from "./read-regular-file.js";

const dir = mkdtempSync(join(tmpdir(), "xenpriv-read-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** What stops the read: `code: message`. */
function refusal(path: string, limit?: number): string {
  try {
    readRegularFile(path, limit);
  } catch (e) {
    assert.ok(e instanceof UnreadableFile);
    return `${e.code}: ${e.message}`;
  }
  return assert.fail("read");
}

test("a regular file is read whole", () => {
  const p = join(dir, "ok.txt");
  writeFileSync(p, "hello");
  assert.equal(readRegularFile(p).toString(), "hello");
  writeFileSync(p, "");
  assert.equal(readRegularFile(p).length, 0);
});

test("/dev/zero, a FIFO and a directory are refused, not read forever or waited on", () => {
  assert.match(refusal("/dev/zero"), /^ENOTREG: not a regular file/);
  const fifo = join(dir, "fifo");
  execFileSync("mkfifo", [fifo]);
  assert.match(refusal(fifo), /^ENOTREG: not a regular file/);
  mkdirSync(join(dir, "d"));
  assert.equal(refusal(join(dir, "d")), "EISDIR: EISDIR");
  assert.equal(refusal(join(dir, "missing")), "ENOENT: ENOENT");
});

test("a file above the input limit is refused by its size, before it is read", () => {
  const p = join(dir, "big.bin");
  writeFileSync(p, "");
  truncateSync(p, LIMITS.inputBytes + 1); // sparse: no disk used
  assert.equal(refusal(p), "EFBIG: larger than the input limit of 64 MiB");
  writeFileSync(p, "0123456789");
  assert.equal(refusal(p, 9), `EFBIG: larger than the input limit of ${9 / 2 ** 20} MiB`);
  assert.equal(readRegularFile(p, 10).toString(), "0123456789");
});

test("a file whose size is not known ahead (procfs says 0) is read to its end", () => {
  const text = readRegularFile("/proc/self/status").toString();
  assert.match(text, /^Name:/);
});
