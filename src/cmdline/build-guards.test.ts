import assert from "node:assert/strict";
import { test } from "node:test";
import { unmetGuards } from "./build-guards.js";

const config = (complete: boolean, entries: [string, string][]) => ({ complete, values: new Map(entries) });

test("a guard holds when the .config sets it to y; a negated one when it does not", () => {
  const c = config(true, [
    ["CONFIG_ARM", "y"],
    ["CONFIG_ACPI", "n"],
    ["CONFIG_NR_CPUS", "128"],
  ]);
  assert.deepEqual(unmetGuards(["CONFIG_ARM"], c), []);
  assert.deepEqual(unmetGuards(["CONFIG_ACPI", "CONFIG_ARM"], c), ["CONFIG_ACPI"]);
  // a complete .config that does not list an option has it unset
  assert.deepEqual(unmetGuards(["CONFIG_HAS_PCI", "!CONFIG_PV_SHIM"], c), ["CONFIG_HAS_PCI"]);
  assert.deepEqual(unmetGuards(["!CONFIG_ARM"], c), ["!CONFIG_ARM"]);
  // only y is set: a number is not
  assert.deepEqual(unmetGuards(["CONFIG_NR_CPUS"], c), ["CONFIG_NR_CPUS"]);
});

test("an incomplete .config says nothing of what it does not list; no .config keeps everything", () => {
  const c = config(false, [["CONFIG_ACPI", "n"]]);
  assert.deepEqual(unmetGuards(["CONFIG_HAS_PCI", "!CONFIG_X86"], c), []);
  assert.deepEqual(unmetGuards(["CONFIG_ACPI"], c), ["CONFIG_ACPI"]);
  assert.deepEqual(unmetGuards(["CONFIG_ACPI"], undefined), []);
});
