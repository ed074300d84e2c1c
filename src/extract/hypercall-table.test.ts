import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { type HypercallEntry, readHypercallTable } from "./hypercall-table.js";

const FIXTURES = fileURLToPath(new URL("../../test/fixtures/extract/hypercall-defs/", import.meta.url));
const PATH = "xen/include/hypercall-defs.c";

function read(fixture: string) {
  return readHypercallTable(readFileSync(join(FIXTURES, fixture), "utf8"), PATH);
}

/** The one entry of a name, or the entry of that name at a table line. */
function entry(entries: HypercallEntry[], name: string, line?: number): HypercallEntry {
  const found = entries.filter((e) => e.name === name && (line === undefined || e.ref === `${PATH}:${line}`));
  assert.equal(found.length, 1, `one entry ${name}${line ? ` at line ${line}` : ""}`);
  return found[0]!;
}

test("table rows become entries with refs, callers, arch and the 64-bit handlers", () => {
  const { entries } = read("table.c");
  assert.deepEqual(entry(entries, "widget_op"), {
    name: "widget_op",
    ref: `${PATH}:61`,
    guards: [],
    callers: ["pv", "pvh", "hvm"],
    arch: ["x86", "arm"],
    entry: { x86pv: "do_widget_op", x86hvm: "hvm_widget_op", arm: "do_arm_widget_op" },
  });
  // `:N` priorities are dropped from the prefix
  assert.deepEqual(entry(entries, "pv_only"), {
    name: "pv_only",
    ref: `${PATH}:62`,
    guards: [],
    callers: ["pv"],
    arch: ["x86"],
    entry: { x86pv: "do_pv_only" },
  });
  assert.deepEqual(entry(entries, "gadget_op").entry, {
    x86pv: "do_gadget_op",
    x86hvm: "hvm_gadget_op",
    arm: "do_gadget_op",
  });
});

test("a `dep` column on Arm names the deprecated stub but does not make the call Arm's", () => {
  const old = entry(read("table.c").entries, "old_op");
  assert.deepEqual(old.arch, ["x86"]);
  assert.deepEqual(old.callers, ["pv"]);
  assert.deepEqual(old.entry, { x86pv: "do_old_op", arm: "dep_old_op" });
});

test("guards come from #ifdef, #ifndef and #if defined() && ..., not from non-CONFIG macros", () => {
  const { entries } = read("table.c");
  // the whole table sits in `#ifndef CPPCHECK`, which is no build option
  assert.deepEqual(entry(entries, "widget_op").guards, []);
  assert.deepEqual(entry(entries, "gadget_op").guards, ["!CONFIG_SHIM_ONLY"]);
  assert.deepEqual(entry(entries, "paging_cont").guards, [
    "CONFIG_X86",
    "CONFIG_PAGING",
    "!CONFIG_SHIM_ONLY",
  ]);
});

test("#elif and #else branches carry the negations of the earlier branches", () => {
  const { entries } = read("table.c");
  assert.deepEqual(entry(entries, "shim_op", 72).guards, ["CONFIG_GADGETS"]);
  assert.deepEqual(entry(entries, "shim_op", 74).guards, ["!CONFIG_GADGETS", "CONFIG_SHIM"]);
  assert.deepEqual(entry(entries, "shim_op", 76).guards, ["!CONFIG_GADGETS", "!CONFIG_SHIM"]);
  assert.deepEqual(entry(entries, "shim_op", 74).callers, ["pv"]);
  // nested: the outer #ifdef stays, the inner #else flips the inner #ifndef
  assert.deepEqual(entry(entries, "clock_op", 80).guards, ["CONFIG_CLOCK", "!CONFIG_NO_TIMER"]);
  assert.deepEqual(entry(entries, "clock_op", 80).callers, ["pvh", "hvm"]);
  assert.deepEqual(entry(entries, "clock_op", 82).guards, ["CONFIG_CLOCK", "CONFIG_NO_TIMER"]);
});

test("the #else of a conjunction keeps no guard and says so in a warning", () => {
  const { entries, diagnostics } = read("table.c");
  assert.deepEqual(entry(entries, "both_op").guards, ["CONFIG_A", "CONFIG_B"]);
  assert.deepEqual(entry(entries, "other_op").guards, []);
  assert.equal(diagnostics.length, 1);
  assert.equal(diagnostics[0]?.severity, "warning");
  assert.equal(diagnostics[0]?.code, "extract/hypercall-defs");
  assert.deepEqual(diagnostics[0]?.span, { file: PATH, line: 89, column: 1 });
});

test("rows under #if 0 and rows with every column `-` are not entries", () => {
  const names = read("table.c").entries.map((e) => e.name);
  assert.ok(!names.includes("fast_op"));
  assert.ok(!names.includes("gone_op"));
  assert.equal(names.length, 12);
});

test("an || around a row is no conjunction: the row keeps no guard, with a warning", () => {
  const text = [
    "prefix: do",
    "alpha_op(int cmd)",
    "caller: pv64",
    "table: pv64",
    "#if defined(CONFIG_A) || defined(CONFIG_B)",
    "alpha_op do",
    "#endif",
  ].join("\n");
  const { entries, diagnostics } = readHypercallTable(text, PATH);
  assert.deepEqual(entries[0]?.guards, []);
  assert.deepEqual(
    diagnostics.map((d) => [d.severity, d.span?.line]),
    [["warning", 5]],
  );
});

test("the #else of an || is the conjunction of the negations", () => {
  const text = [
    "prefix: do",
    "alpha_op(int cmd)",
    "caller: pv64",
    "table: pv64",
    "#if defined(CONFIG_A) || defined(CONFIG_B)",
    "#else",
    "alpha_op do",
    "#endif",
  ].join("\n");
  const { entries, diagnostics } = readHypercallTable(text, PATH);
  assert.deepEqual(entries[0]?.guards, ["!CONFIG_A", "!CONFIG_B"]);
  assert.deepEqual(diagnostics, []);
});

test("columns no `caller:` line names are ignored, as gen_hypercall.awk ignores them", () => {
  const text = ["prefix: do", "alpha_op(int cmd)", "caller: pv64", "table: pv64 arm", "alpha_op - do"].join(
    "\n",
  );
  assert.deepEqual(readHypercallTable(text, PATH).entries, []);
});

test("a row with the wrong number of columns is an error at its line, and the rest is read", () => {
  const { entries, diagnostics } = read("malformed.c");
  assert.equal(diagnostics.length, 1);
  const [d] = diagnostics;
  assert.equal(d?.severity, "error");
  assert.equal(d?.code, "extract/hypercall-defs");
  assert.deepEqual(d?.span, { file: PATH, line: 10, column: 1 });
  assert.match(d?.message ?? "", /`alpha_op` has 1 columns, the `table:` header has 2/);
  assert.deepEqual(
    entries.map((e) => [e.name, e.ref]),
    [["beta_op", `${PATH}:11`]],
  );
});

test("a file without `table:` is an error", () => {
  const { entries, diagnostics } = read("no-table.c");
  assert.deepEqual(entries, []);
  const missing = diagnostics.filter((d) => /no `table:` line/.test(d.message));
  assert.equal(missing.length, 1);
  assert.equal(missing[0]?.severity, "error");
  assert.deepEqual(missing[0]?.span, { file: PATH, line: 1, column: 1 });
  // the would-be row before any header is no prototype either
  assert.ok(diagnostics.some((d) => d.span?.line === 6 && /not a prototype line/.test(d.message)));
});

test("a handler without a prototype, a bad priority and an unclosed #if are errors", () => {
  const text = [
    "prefix: do",
    "alpha_op(int cmd)",
    "caller: pv64",
    "caller: hvm64",
    "table: pv64 hvm64",
    "#ifdef CONFIG_X",
    "alpha_op do:100 hvm",
  ].join("\n");
  const { entries, diagnostics } = readHypercallTable(text, PATH);
  assert.deepEqual(
    diagnostics.map((d) => [d.severity, d.span?.line, d.message]),
    [
      ["error", 7, "priority `100` of `alpha_op` must be in 1..99"],
      ["error", 7, "no prototype `hvm_alpha_op` for column `hvm64`"],
      ["error", 6, "`#if` without `#endif`"],
    ],
  );
  assert.equal(entries.length, 1);
});

test("real tree (XEN_SRC): the table of hypercall-defs.c", () => {
  const root = process.env.XEN_SRC;
  if (!root) {
    console.log("XEN_SRC not set: real-tree check not run");
    return;
  }
  const { entries, diagnostics } = readHypercallTable(readFileSync(join(root, PATH), "utf8"), PATH);
  assert.deepEqual(diagnostics, []);
  assert.ok(entries.length >= 40, `${entries.length} entries`);
  const physdev = entry(entries, "physdev_op");
  assert.deepEqual(physdev.callers, ["pv", "pvh", "hvm"]);
  assert.deepEqual(physdev.arch, ["x86", "arm"]);
  assert.equal(physdev.entry.x86pv, "do_physdev_op");
  assert.equal(physdev.entry.x86hvm, "hvm_physdev_op");
  assert.equal(physdev.entry.arm, "do_arm_physdev_op");
  assert.deepEqual(entry(entries, "domctl").guards, ["!CONFIG_PV_SHIM_EXCLUSIVE"]);
  const mmu = entry(entries, "mmu_update");
  assert.deepEqual(mmu.callers, ["pv"]);
  assert.deepEqual(mmu.arch, ["x86"]);
  assert.deepEqual(mmu.entry, { x86pv: "do_mmu_update" });
  assert.equal(entry(entries, "memory_op").entry.x86hvm, "hvm_memory_op");
  // every ref points at the row that names the hypercall
  const lines = readFileSync(join(root, PATH), "utf8").split("\n");
  for (const e of entries) {
    const line = Number(e.ref.slice(PATH.length + 1));
    assert.equal(lines[line - 1]?.split(/\s+/)[0], e.name, e.ref);
  }
});
