/**
 * Xen's own parse_params against `xenpriv cmdline`, on the tree named by XEN_SRC
 * (`XEN_SRC=<tree> npm run test:xen`): the harness (support/params-harness.ts) is compiled from the
 * tree's kernel.c, lib and param.h with the tree's registrations of an x86_64 build, and of an arm64
 * build; both sides parse the same random lines (a fixed seed, and a fresh one printed for replay with
 * XENPRIV_SEED) and must agree on every registration's final value and every line Xen prints.
 * Without XEN_SRC the test says so and passes.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { OptionEntry } from "../src/cmdline/option-catalogue.js";
import { extractOptionCatalogue } from "../src/extract/extract-option-catalogue.js";
import { type Differential, paramsDifferential } from "./support/params-differential.js";
import { sampleCommandLines } from "./support/random-cmdline.js";

const root = process.env.XEN_SRC;
const FIXED_SEED = 20260820;

/** What the table holds of each kind the comparison must cover, and how many. */
function census(entries: readonly OptionEntry[]): Record<string, number> {
  const out: Record<string, number> = {};
  const add = (k: string) => {
    out[k] = (out[k] ?? 0) + 1;
  };
  const names = new Map<string, number>();
  for (const e of entries) {
    names.set(e.name, (names.get(e.name) ?? 0) + 1);
    if (e.type === "integer" || e.type === "size")
      add(`${e.type} ${e.width} bytes ${e.signed ? "signed" : "unsigned"}`);
    else add(e.type);
    if (e.runtime === "boot-and-runtime") add("runtime");
    if (/[([{<]$/.test(e.name)) add("bracket");
  }
  for (const n of names.values()) if (n > 1) add("registered more than once");
  return out;
}

function report(what: string, d: Differential): string {
  const pct = ((100 * d.agreed) / d.lines).toFixed(3);
  return `${what}: ${d.lines} lines, ${d.tokens} tokens, ${d.warnings} warnings printed by Xen, ${d.harness.entries.length} registrations; ${d.agreed} lines agree (${pct} %), ${d.disagreements.length} disagreement(s)`;
}

test("real tree (XEN_SRC): Xen's parse_params compiled from the tree agrees with xenpriv cmdline on every value and every warning", async () => {
  if (!root) {
    console.log("XEN_SRC not set: real-tree check not run");
    return;
  }
  const fresh = process.env.XENPRIV_SEED
    ? Number(process.env.XENPRIV_SEED)
    : Math.floor(Math.random() * 2 ** 31);
  console.log(
    `parse_params: seeds ${FIXED_SEED} (fixed) and ${fresh} (fresh; replay with XENPRIV_SEED=${fresh})`,
  );
  const catalogue = extractOptionCatalogue(root, undefined, process.env.XEN_COMMIT);
  for (const [arch, count] of [
    ["x86", 10_000],
    ["arm", 2_000],
  ] as const) {
    const table = catalogue.options.filter((e) => e.builds[arch] && e.runtime !== "runtime-only");
    const names = [...new Set(table.map((e) => e.name))];
    const lines = [
      ...sampleCommandLines(names, FIXED_SEED, count),
      ...sampleCommandLines(names, fresh, count),
    ];
    const d = await paramsDifferential(root, catalogue, table, lines, arch);
    const kinds = census(d.harness.entries);
    console.log(report(`Xen ${catalogue.xen} ${arch === "x86" ? "x86_64" : "arm64"}`, d));
    console.log(
      `  registrations: ${Object.entries(kinds)
        .map(([k, n]) => `${n} ${k}`)
        .join(", ")}`,
    );
    if (d.harness.skipped.length)
      console.log(`  left out: ${d.harness.skipped.map((s) => `${s.entry.name} (${s.why})`).join(", ")}`);
    // every registration of the build is compiled in, and every kind is there
    assert.deepEqual(d.harness.skipped, []);
    assert.ok(d.harness.entries.length >= 40, `${d.harness.entries.length} registrations`);
    for (const k of ["bool", "custom", "string"]) assert.ok(kinds[k], `no ${k} registration`);
    assert.ok(
      Object.keys(kinds).some((k) => k.startsWith("integer ")),
      "no integer registration",
    );
    if (arch === "x86") {
      assert.ok(
        Object.keys(kinds).some((k) => k.startsWith("size ")),
        "no size registration",
      );
      assert.ok(kinds.runtime, "no runtime registration");
      assert.ok(kinds["registered more than once"], "no name registered more than once");
    }
    assert.deepEqual(
      d.disagreements.slice(0, 5),
      [],
      `${d.disagreements.length} disagreement(s); replay with XENPRIV_SEED=${fresh}`,
    );
    assert.equal(d.agreed, d.lines);
  }
});
