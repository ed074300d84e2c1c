import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { extractOptionCatalogue } from "./extract-option-catalogue.js";

const TREE = "test/fixtures/extract/options";

describe("extractOptionCatalogue", () => {
  const c = extractOptionCatalogue(TREE, "fixture");
  const one = (name: string, arch?: string) =>
    c.options.find((o) => o.name === name && (arch === undefined || o.arch === arch));

  test("each macro gives its type, runtime kind, variable or handler, width or length", () => {
    assert.deepEqual(
      c.options.map((o) => [o.name, o.type, o.runtime]),
      [
        ["heap_mb", "integer", "boot"],
        ["cpus", "integer", "boot"],
        ["cpus", "integer", "boot"],
        ["placeholder", "ignore", "boot"],
        ["quiet", "bool", "boot"],
        ["level", "integer", "boot"],
        ["banner", "string", "boot"],
        ["pool", "size", "boot"],
        ["tone", "string", "boot-and-runtime"],
        ["knob", "custom", "runtime-only"],
        ["port[", "custom", "boot"],
      ],
    );
    // an invocation over two lines still names its variable
    assert.deepEqual(
      [one("level")?.variable, one("level")?.width, one("level")?.signed],
      ["opt_level", 4, false],
    );
    assert.deepEqual([one("cpus", "x86")?.width, one("cpus", "x86")?.signed], [1, true]);
    assert.deepEqual([one("cpus", "arm")?.width, one("cpus", "arm")?.signed], [8, false]);
    // the declared type is kept: its width on arm32 is not its LP64 width
    assert.deepEqual([one("cpus", "x86")?.ctype, one("cpus", "arm")?.ctype], ["int8_t", "unsigned long"]);
    assert.equal(one("banner")?.length, 16);
    assert.equal(one("port[")?.handler, "parse_port_index");
  });

  test("guards from Makefiles and #ifdef, and which arch can build each", () => {
    assert.deepEqual(one("pool")?.guards, ["CONFIG_HYPFS"]);
    assert.deepEqual(one("tone")?.guards, ["CONFIG_HYPFS"]);
    assert.deepEqual(one("port[")?.guards, ["CONFIG_HAS_SERIAL"]);
    // only x86 selects HAS_SERIAL; each arch's cpus builds on its own arch only
    assert.deepEqual(one("port[")?.builds, { x86: true, arm: false, arm32: false });
    assert.deepEqual(one("cpus", "arm")?.builds, { x86: false, arm: true, arm32: true });
    assert.equal(one("cpus", "x86")?.ref, "xen/arch/x86/setup.c:3");
  });

  test("arm32 is a build of its own: ARM_32 holds only when $(ARCH) is arm32", () => {
    assert.deepEqual(one("heap_mb")?.guards, ["CONFIG_ARM_32"]);
    assert.deepEqual(one("heap_mb")?.builds, { x86: false, arm: false, arm32: true });
    assert.deepEqual([one("heap_mb")?.width, one("heap_mb")?.ctype], [8, "unsigned long"]);
  });

  test("joined with the document: syntax, default, runtime, stacked headings, both directions of difference", () => {
    const doc = (name: string) => c.documented.find((d) => d.name === name);
    assert.equal(doc("level")?.syntax, "= List of [ <integer>, verbose ]");
    assert.equal(doc("level")?.default, "3");
    assert.deepEqual([doc("tone")?.runtime, doc("tune")?.syntax], [true, "= <string>"]);
    assert.deepEqual(
      c.documented.filter((d) => d.name === "cpus").map((d) => d.tag),
      ["x86", "arm64"],
    );
    assert.equal(doc("port[")?.ref, "docs/misc/xen-command-line.pandoc:24");
    assert.deepEqual(
      c.undocumented,
      ["heap_mb", "knob", "placeholder", "pool"].filter((n) => n !== "knob"),
    );
    assert.deepEqual(c.unregistered, ["retired", "tune"]);
  });
});
