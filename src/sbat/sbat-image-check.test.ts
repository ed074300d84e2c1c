import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { efiImage, sbatSection } from "../../test/support/pe-writer.js";
import { InputError } from "../core/errors.js";
import { SBAT_HEADER } from "./parse-sbat.js";
import { sbatImageCheck } from "./sbat-image-check.js";

const dir = mkdtempSync(join(tmpdir(), "xenpriv-sbat-check-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function image(gen: number): string {
  const path = join(dir, `xen-${gen}.efi`);
  const line = `xen.xs,${gen},Cloud Software Group,xen,4.17.5-1,mailto:security@xenserver.com`;
  writeFileSync(path, efiImage(sbatSection(`${SBAT_HEADER}\n${line}\n`)));
  return path;
}

test("sbatImageCheck: an advisory's requirement on a level, and the line to move so that the image passes", () => {
  const r = sbatImageCheck(image(1), { level: "2025051000", require: ["xen.xs=2"] });
  assert.equal(r.check.verdict, "revoked");
  assert.deepEqual(r.requirements, [{ component: "xen.xs", generation: 2 }]);
  assert.equal(r.level.entries.find((e) => e.component === "xen.xs")?.generation, 2);
  assert.equal(r.bump?.moves[0]?.newText.split(",")[1], "2");
  const ok = sbatImageCheck(image(2), { level: "2025051000", require: ["xen.xs=2"] });
  assert.equal(ok.check.verdict, "pass");
  assert.deepEqual(ok.bump?.moves, []);
});

test("sbatImageCheck: a requirement that is not component=generation is bad usage", () => {
  assert.throws(
    () => sbatImageCheck(image(1), { level: "latest", require: ["xen.xs"] }),
    (e) => e instanceof InputError && e.diagnostics[0]?.code === "cli/bad-require",
  );
});
