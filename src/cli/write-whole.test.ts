import assert from "node:assert/strict";
import {
  chmodSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { InputError } from "../core/errors.js";
import { writeWhole } from "./write-whole.js";

const dir = mkdtempSync(join(tmpdir(), "xenpriv-write-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const mode = (p: string) => statSync(p).mode & 0o777;

/** The message writeWhole refuses with. */
function refusal(path: string): string {
  try {
    writeWhole(path, "new");
  } catch (e) {
    assert.ok(e instanceof InputError);
    return e.diagnostics[0]?.message.replace(dir, "D") ?? "";
  }
  return assert.fail("written");
}

test("-o onto a read-only (0444) file is refused and the file is left as it was", () => {
  const p = join(dir, "ro.txt");
  writeFileSync(p, "old");
  chmodSync(p, 0o444);
  assert.equal(refusal(p), "cannot write `D/ro.txt`: the file is read-only");
  assert.equal(readFileSync(p, "utf8"), "old");
  assert.equal(mode(p), 0o444);
});

test("a file replaced keeps its mode, never a wider one", () => {
  const p = join(dir, "private.txt");
  writeFileSync(p, "old");
  chmodSync(p, 0o600);
  writeWhole(p, "new");
  assert.equal(readFileSync(p, "utf8"), "new");
  assert.equal(mode(p), 0o600);
  const q = join(dir, "shared.txt");
  writeFileSync(q, "old");
  chmodSync(q, 0o664);
  writeWhole(q, "new");
  assert.equal(mode(q), 0o664);
});

test("onto a symlink, the file it names is replaced and the link stays", () => {
  const real = join(dir, "real.txt");
  const link = join(dir, "link.txt");
  writeFileSync(real, "old");
  chmodSync(real, 0o640);
  symlinkSync("real.txt", link);
  writeWhole(link, "through");
  assert.ok(lstatSync(link).isSymbolicLink());
  assert.equal(readFileSync(real, "utf8"), "through");
  assert.equal(mode(real), 0o640);
  symlinkSync("nowhere.txt", join(dir, "dangling.txt"));
  assert.equal(refusal(join(dir, "dangling.txt")), "cannot write `D/dangling.txt`: a symlink to nothing");
});

test("a device or a directory is refused; a new file is created whole, nothing left beside it", () => {
  assert.equal(refusal("/dev/null").replace("D", dir), "cannot write `/dev/null`: not a regular file");
  assert.equal(refusal(dir), "cannot write `D`: not a regular file");
  const p = join(dir, "fresh", "x.txt");
  assert.match(refusal(p), /^cannot write `D\/fresh\/x.txt`: ENOENT$/);
  const before = readdirSync(dir).length;
  writeWhole(join(dir, "new.txt"), "whole");
  assert.equal(readFileSync(join(dir, "new.txt"), "utf8"), "whole");
  assert.equal(readdirSync(dir).length, before + 1, "no temporary file left");
});
