/**
 * The machinery of the parse_params differential (test:xen runs it on a real tree) on a fixture tree
 * in Xen's layout, written for the test: its parse_params has one fault on purpose (an overflow
 * followed by text keeps -EOVERFLOW), which the comparison must find, and nothing else.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { extractOptionCatalogue } from "../src/extract/extract-option-catalogue.js";
import { paramsDifferential } from "./support/params-differential.js";
import { buildParamsHarness } from "./support/params-harness.js";
import { sampleCommandLines } from "./support/random-cmdline.js";
import { functionText, macroText, structText } from "./support/xen-c-text.js";

const TREE = "test/fixtures/params-harness";

describe("the parse_params harness", () => {
  test("reads a function, a #define over several lines and a struct out of the tree as written", async () => {
    const f = await functionText(TREE, "parse_params", [
      "xen/common/missing.c",
      "xen/lib/strlcpy.c",
      "xen/common/kernel.c",
    ]);
    assert.equal(f?.file, "xen/common/kernel.c");
    assert.equal(f?.line, 34);
    assert.match(f?.text ?? "", /^static int parse_params\(const char \*cmdline,/);
    assert.match(f?.text ?? "", /return ret;\n\}$/);
    assert.equal(await functionText(TREE, "parse_params", ["xen/lib/strlcpy.c"]), undefined);
    const h = readFileSync(`${TREE}/xen/include/xen/param.h`, "utf8");
    assert.match(
      macroText(h, "custom_param") ?? "",
      /^#define custom_param\(n, fn\) \\\n {4}__kparam .*OPT_CUSTOM.*\}$/,
    );
    assert.equal(macroText(h, "custom_runtime_param"), undefined);
    assert.match(structText(h, "kernel_param") ?? "", /^struct kernel_param \{[\s\S]*\} par;\n\};$/);
  });

  test("the differential finds the fixture's one fault, an overflow followed by text, and agrees on the rest", async () => {
    const c = extractOptionCatalogue(TREE, "fixture");
    const names = [...new Set(c.options.map((e) => e.name))];
    const clean = [
      "no-dbgp",
      "no-dbgp=x dbgp=xhci",
      "hardware_dom=65536 tilt=-1 guests=256 chunk=4G ring=0x100000000k banner=hello-world-long tone=high",
      "port[4]=1 placeholder quiet=no no-quiet=0 nosuch quiet=maybe no-tone",
    ];
    const faulty = ["hardware_dom=65536x", "ring=0x100000000k%"];
    const lines = [...clean, ...faulty, ...sampleCommandLines(names, 7, 400)];
    const d = await paramsDifferential(TREE, c, c.options, lines);
    assert.deepEqual(
      d.harness.entries.map((e) => e.name),
      [
        "hardware_dom",
        "quiet",
        "tilt",
        "guests",
        "chunk",
        "ring",
        "banner",
        "tone",
        "port[",
        "placeholder",
        "dbgp",
        "dbgp",
      ],
    );
    assert.ok(d.warnings > 400, "the lines make Xen print");
    for (const line of clean)
      assert.deepEqual(
        d.disagreements.filter((x) => x.line === line),
        [],
        line,
      );
    for (const line of faulty)
      assert.ok(
        d.disagreements.some((x) => x.line === line),
        line,
      );
    // every disagreement is the fault: the same lines printed, but for -EOVERFLOW where xenpriv says -EINVAL
    for (const x of d.disagreements) {
      assert.equal(x.what, "log", JSON.stringify(x));
      const xen = x.xen as string[];
      const mine = x.xenpriv as string[];
      assert.equal(xen.length, mine.length);
      xen.forEach((l, i) => {
        if (l !== mine[i]) assert.equal(l.replace(/rc=-75!$/, "rc=-22!"), mine[i]);
      });
    }
    assert.ok(d.agreed < d.lines && d.agreed >= d.lines - d.disagreements.length);
  });

  test("a tree without what the harness needs is refused, naming what is missing", async () => {
    await assert.rejects(
      buildParamsHarness("test/fixtures/extract/options", [], "/nonexistent"),
      /no definition of strlcpy in xen\/lib\/strlcpy\.c/,
    );
  });

  test("random command lines: a seed gives the same lines, with every corner drawn and no line break or NUL", () => {
    const names = ["dbgp", "maxcpus", "ivrs_ioapic["];
    const a = sampleCommandLines(names, 11, 300);
    assert.deepEqual(sampleCommandLines(names, 11, 300), a);
    assert.notDeepEqual(sampleCommandLines(names, 12, 300), a);
    const all = a.join(" ");
    assert.ok(!/[\n\0]/.test(all));
    for (const corner of [
      /\bno-dbgp\b/,
      /ivrs_ioapic\[\w*\]?=/,
      /\t/,
      /\S{128,}/,
      /=-?0x[0-9a-f]+/,
      /=\d+[kKmMgGtTbB%]/,
      / {2}/,
    ])
      assert.match(all, corner);
  });
});
