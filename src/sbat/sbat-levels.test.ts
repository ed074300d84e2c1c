import assert from "node:assert/strict";
import { test } from "node:test";
import { historyLevel, loadSbatLevels } from "./sbat-levels.js";

test("the bundled history: every payload parses, starts with its datestamp, in file order", () => {
  const h = loadSbatLevels();
  assert.equal(h.source, "rhboot/shim");
  assert.ok(h.levels.length >= 11);
  let line = 0;
  for (const l of h.levels) {
    const level = historyLevel(h, l);
    assert.equal(level.datestamp, l.datestamp);
    assert.equal(level.entries[0]?.line, l.line);
    assert.ok(l.line > line);
    line = l.line;
  }
  const dates = h.levels.map((l) => l.datestamp);
  assert.equal(dates[0], h.original.datestamp);
  assert.ok(dates.includes(h.automatic.datestamp));
  assert.equal(h.latest.datestamp, [...dates].sort().at(-1));
});

test("known levels: the original, the February and May 2025 GRUB levels", () => {
  const h = loadSbatLevels();
  const text = (d: string) => h.levels.find((l) => l.datestamp === d)?.payload;
  assert.equal(text("2021030218"), "sbat,1,2021030218\n");
  assert.equal(text("2025021800"), "sbat,1,2025021800\nshim,4\ngrub,5\n");
  assert.equal(text("2025051000"), "sbat,1,2025051000\nshim,4\ngrub,5\ngrub.proxmox,2\n");
  assert.deepEqual(h.levels.find((l) => l.datestamp === "2025051000")?.advisories, ["PSA-2025-00012-1"]);
  // two payloads share 2022052400: grub only first, then with shim
  assert.deepEqual(
    h.levels.filter((l) => l.datestamp === "2022052400").map((l) => l.payload),
    ["sbat,1,2022052400\ngrub,2\n", "sbat,1,2022052400\nshim,2\ngrub,2\n"],
  );
});
