import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { loadOptionCatalogue } from "./load-option-catalogue.js";
import type { OptionEntry } from "./option-catalogue.js";
import { parseParams } from "./parse-params.js";
import { SAFE_LISTS } from "./safe-lists.js";
import { glibcStrtoull, type RuntimeInput, setParameters } from "./set-parameters.js";

const TABLE = loadOptionCatalogue("4.22.0").options;
const X86: RuntimeInput = { arch: "x86", hypfs: true };
const run = (argument: string, o: RuntimeInput = X86, table: readonly OptionEntry[] = TABLE) =>
  setParameters([argument], table, o);
/** path, value, result and errno of each write */
const writes = (argument: string, o?: RuntimeInput, table?: readonly OptionEntry[]) =>
  run(argument, o, table).writes.map((w) => [w.path, w.value, w.result, w.errno ?? ""]);
const codes = (argument: string, o?: RuntimeInput) => run(argument, o).diagnostics.map((d) => d.code);

/** A runtime integer leaf in the style of `integer_runtime_param` (there is none at 4.22.0). */
const counter = (width: number): OptionEntry => ({
  name: "counter",
  type: "integer",
  runtime: "boot-and-runtime",
  arch: null,
  guards: [],
  builds: { x86: true, arm: true, arm32: true },
  ref: "xen/common/example.c:1",
  variable: "opt_counter",
  width,
  signed: false,
});

describe("xl set-parameters (libxl_set_parameters and hypfs)", () => {
  test('case 28: nologlvl writes "no" to /params/loglvl; the boot spelling no-loglvl finds no leaf', () => {
    const r = run("nologlvl");
    assert.deepEqual(writes("nologlvl"), [["/params/loglvl", "no", "handler-called", ""]]);
    assert.equal(r.writes[0]?.atBoot, "no-loglvl");
    // at boot the same handler gets the same argument
    const [boot] = parseParams("no-loglvl", TABLE);
    assert.deepEqual(
      boot?.applied.map((a) => a.outcome),
      [{ kind: "call", arg: "no" }],
    );
    assert.deepEqual(writes("no-loglvl"), [["/params/-loglvl", "no", "failed", "ENOENT"]]);
    assert.ok(codes("no-loglvl").includes("runtime/boot-negation"));
  });

  test("case 28: a hypfs write over 128 bytes (MAX_PARAM_SIZE, with its NUL) is -ENOSPC", () => {
    assert.deepEqual(writes(`loglvl=${"a".repeat(127)}`), [
      ["/params/loglvl", "a".repeat(127), "handler-called", ""],
    ]);
    assert.deepEqual(writes(`loglvl=${"a".repeat(128)}`), [
      ["/params/loglvl", "a".repeat(128), "failed", "ENOSPC"],
    ]);
  });

  test("case 28: no lockdown proposal covers hypfs writes", () => {
    const r = run("crash-debug-panic=0 loglvl=all", { ...X86, lockdown: SAFE_LISTS.v2 });
    assert.deepEqual(
      r.diagnostics.filter((d) => d.code === "lockdown/runtime-write").map((d) => d.message.slice(0, 20)),
      ["`crash-debug-panic` ", "`loglvl` is set at r"],
    );
    assert.deepEqual(codes("loglvl=all"), []);
  });

  test("only a space ends a token; blanks (space, TAB) are skipped between tokens", () => {
    assert.deepEqual(writes(" \tloglvl=all\tguest_loglvl=all  \t conswitch=b"), [
      ["/params/loglvl", "all\tguest_loglvl=all", "handler-called", ""],
      ["/params/conswitch", "b", "written", ""],
    ]);
  });

  test("a name without = or no crashes xl (libxl indexes from a NULL pointer)", () => {
    const r = run("loglvl=all global-pages conswitch=b");
    assert.deepEqual(
      r.writes.map((w) => w.result),
      ["handler-called", "crash"],
    );
    assert.deepEqual(r.notReached, ["conswitch=b"]);
    assert.equal(r.ok, false);
  });

  test("the first failed write stops the rest", () => {
    const r = run("dom0_mem=1G loglvl=all");
    assert.deepEqual(writes("dom0_mem=1G loglvl=all"), [["/params/dom0_mem", "1G", "failed", "ENOENT"]]);
    assert.match(r.writes[0]?.why ?? "", /boot-time only/);
    assert.deepEqual(r.notReached, ["loglvl=all"]);
  });

  test("= inside a no… token: the key keeps its no", () => {
    assert.deepEqual(writes("noglobal-pages=1"), [["/params/noglobal-pages", "1", "failed", "ENOENT"]]);
  });

  test("strings: no<name> stores the word no; over the buffer is -ENOSPC, not cut as at boot", () => {
    assert.deepEqual(writes("noconswitch"), [["/params/conswitch", "no", "written", ""]]);
    assert.ok(codes("noconswitch").includes("runtime/string-no"));
    assert.deepEqual(writes("conswitch=abc"), [["/params/conswitch", "abc", "failed", "ENOSPC"]]);
    assert.equal(parseParams("conswitch=abc", TABLE)[0]?.applied[0]?.outcome.kind, "set");
  });

  test("booleans: libxl's ten words, anything else is EDOM before any hypercall", () => {
    assert.match(run("noglobal-pages").writes[0]?.why ?? "", /global-pages = false/);
    assert.equal(run("noglobal-pages").writes[0]?.atBoot, "no-global-pages");
    assert.deepEqual(writes("global-pages=enable"), [["/params/global-pages", "enable", "written", ""]]);
    assert.deepEqual(writes("global-pages=2"), [["/params/global-pages", "2", "failed", "EDOM"]]);
  });

  test("integers: strtoull with base 0, no units, and the width check", () => {
    const t4 = [counter(4)];
    assert.deepEqual(writes("counter=0x10", X86, t4), [["/params/counter", "0x10", "written", ""]]);
    assert.deepEqual(writes("counter=4M", X86, t4), [["/params/counter", "4M", "failed", "0"]]);
    assert.deepEqual(writes("counter=4294967296", X86, t4), [
      ["/params/counter", "4294967296", "failed", "ERANGE"],
    ]);
    // -1 is all ones, which the mask check lets through
    assert.match(run("counter=-1", X86, t4).writes[0]?.why ?? "", /counter = 4294967295/);
    // an 8-byte leaf: the shift by 64 leaves the mask all ones, so only 0 and 2^64 - 1 pass
    const t8 = [counter(8)];
    assert.equal(run("counter=5", X86, t8).writes[0]?.errno, "ERANGE");
    assert.equal(run("counter=0", X86, t8).writes[0]?.result, "written");
  });

  test("the /params directory itself is not writable", () => {
    assert.deepEqual(writes("no"), [["/params/", "no", "failed", "EACCES"]]);
    assert.deepEqual(writes("=1"), [["/params/", "1", "failed", "EACCES"]]);
    assert.deepEqual(writes("loglvl/x=1"), [["/params/loglvl/x", "1", "failed", "ENOENT"]]);
  });

  test("leaves follow the arch; runtime-only ept has no boot spelling", () => {
    assert.equal(run("pcid=1", { arch: "arm", hypfs: true }).writes[0]?.errno, "ENOENT");
    const ept = run("ept=exec-sp").writes[0];
    assert.equal(ept?.result, "handler-called");
    assert.equal(ept?.atBoot, undefined);
  });

  test("without CONFIG_HYPFS nothing is set; xl reads only its first argument", () => {
    const r = run("loglvl=all", { arch: "x86", hypfs: false });
    assert.deepEqual([r.writes.length, r.ok, r.notReached], [0, false, ["loglvl=all"]]);
    const two = setParameters(["loglvl=all", "conswitch=b"], TABLE, X86);
    assert.deepEqual(
      two.writes.map((w) => w.text),
      ["loglvl=all"],
    );
    assert.deepEqual(two.ignoredWords, ["conswitch=b"]);
  });
});

describe("glibcStrtoull", () => {
  test("white space, sign, prefixes and saturation", () => {
    assert.deepEqual(glibcStrtoull(" +010"), { value: 8n, end: 5, overflow: false });
    assert.deepEqual(glibcStrtoull("0x"), { value: 0n, end: 1, overflow: false });
    assert.deepEqual(glibcStrtoull("-2"), { value: (1n << 64n) - 2n, end: 2, overflow: false });
    assert.equal(glibcStrtoull("18446744073709551616")?.overflow, true);
    assert.equal(glibcStrtoull("x"), null);
  });
});
