import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { constantsOf, publicHeaders } from "./constants.js";

const ROOT = fileURLToPath(new URL("../../test/fixtures/extract/constants/", import.meta.url));
const XEN_H = "xen/include/public/xen.h";

const constants = constantsOf(publicHeaders(ROOT));
const value = (name: string) => constants.get(name)?.value;

test("literals, hex, octal, shifts and suffixes are evaluated, each with its path:line", () => {
  assert.deepEqual(constants.get("WIDGET_first"), { value: 7, ref: `${XEN_H}:10` });
  assert.deepEqual(constants.get("WIDGET_second"), { value: 16, ref: `${XEN_H}:11` });
  assert.equal(value("WIDGET_octal"), 8);
  assert.equal(value("WIDGET_flag"), 8);
  // not cut to 32 bits
  assert.equal(value("WIDGET_big"), 2 ** 40);
  assert.equal(value("WIDGET_neg"), -1);
});

test("references to other constants resolve, in the same file, later in it, or in another", () => {
  assert.equal(value("WIDGET_mask"), 24);
  assert.equal(value("WIDGET_sum"), 13);
  assert.equal(value("WIDGET_later"), 101);
  assert.deepEqual(constants.get("GADGET_op_reset"), { value: 107, ref: "xen/include/public/gadget.h:3" });
});

test("a continued #define keeps the line it starts on", () => {
  assert.deepEqual(constants.get("WIDGET_multi"), { value: 0x107, ref: `${XEN_H}:26` });
});

test("macros that only mark a literal's type are seen through; other function-like ones are not", () => {
  assert.equal(value("WIDGET_typed"), 0x7ff0);
  assert.equal(value("WIDGET_plain"), 8);
  // `WIDGET ## _name` is another identifier, not a number
  assert.equal(constants.has("WIDGET_pasted"), false);
  assert.equal(constants.has("WIDGET_func"), false);
  assert.equal(constants.has("fx_mk_uint"), false);
});

test("anything else is skipped: ~, casts, strings, cycles, empty bodies, comments, values past 2^53", () => {
  for (const name of [
    "WIDGET_tilde",
    "WIDGET_cast",
    "WIDGET_string",
    "WIDGET_loop_a",
    "WIDGET_loop_b",
    "WIDGET_empty",
    "WIDGET_commented",
    "WIDGET_huge",
  ])
    assert.equal(constants.has(name), false, name);
});

test("branches for older interface versions are not read", () => {
  assert.deepEqual(constants.get("GADGET_op_eoi"), { value: 28, ref: "xen/include/public/gadget.h:8" });
  assert.deepEqual(constants.get("GADGET_settime"), { value: 28, ref: "xen/include/public/gadget.h:14" });
  // other conditions are not settled: both branches are read
  assert.equal(value("GADGET_internal"), 5);
});

test("a name defined twice keeps its first definition; headers are read in sorted path order", () => {
  // arch-arm.h sorts before arch-x86/xen.h; within it, the #ifdef branch comes first
  assert.deepEqual(constants.get("ARCH_pages"), { value: 4096, ref: "xen/include/public/arch-arm.h:3" });
  assert.deepEqual(constants.get("ARCH_only_x86"), { value: 1, ref: "xen/include/public/arch-x86/xen.h:3" });
  assert.deepEqual(constants.get("HVMOP_widget"), { value: 42, ref: "xen/include/public/hvm/hvm_op.h:2" });
  assert.equal(constants.has("NOT_A_HEADER"), false);
});

test("real tree (XEN_SRC): numeric constants of the public headers", () => {
  const root = process.env.XEN_SRC;
  if (!root) {
    console.log("XEN_SRC not set: real-tree check not run");
    return;
  }
  const start = performance.now();
  const real = constantsOf(publicHeaders(root));
  const ms = performance.now() - start;
  assert.ok(real.size > 1500, `${real.size} constants`);
  assert.equal(real.get("XEN_DOMCTL_getdomaininfo")?.value, 5);
  // gsi_permission is new in 4.20: 88 wherever domctl.h has it
  const domctl = readFileSync(join(root, "xen/include/public/domctl.h"), "utf8");
  const hasGsi = /#define XEN_DOMCTL_gsi_permission\b/.test(domctl);
  assert.equal(real.get("XEN_DOMCTL_gsi_permission")?.value, hasGsi ? 88 : undefined);
  assert.equal(real.get("PHYSDEVOP_setup_gsi")?.value, 21);
  assert.equal(real.get("DOMID_SELF")?.value, 0x7ff0);
  assert.match(real.get("XEN_DOMCTL_getdomaininfo")?.ref ?? "", /^xen\/include\/public\/domctl\.h:\d+$/);
  // every ref names a line that defines the constant
  const files = new Map<string, string[]>();
  for (const [name, info] of real) {
    const [file = "", line = ""] = info.ref.split(":");
    if (!files.has(file)) files.set(file, readFileSync(join(root, file), "utf8").split("\n"));
    const text = files.get(file)?.[Number(line) - 1] ?? "";
    assert.match(text, new RegExp(`#\\s*define\\s+${name}\\b`), info.ref);
  }
  // generous: a few tens of ms on an idle machine
  assert.ok(ms < 1000, `${ms.toFixed(0)} ms`);
});
