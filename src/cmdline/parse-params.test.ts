import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { loadOptionCatalogue } from "./load-option-catalogue.js";
import type { OptionEntry } from "./option-catalogue.js";
import { EINVAL, EOVERFLOW, parseParams, parseSizeAndUnit, strtoull } from "./parse-params.js";

// the boot table of an x86 build of 4.22.0, as the shipped catalogue lists it
const X86 = loadOptionCatalogue("4.22.0").options.filter((o) => o.builds.x86);
const parse = (line: string) => parseParams(line, X86);
/** What the entries of the first token did: outcome kind and value or argument, and rc. */
const did = (line: string, token = 0) =>
  (parse(line)[token]?.applied ?? []).map((a) => {
    const o = a.outcome;
    return [o.kind === "set" ? o.value : o.kind === "call" ? o.arg : o.kind, a.rc];
  });

describe("parseParams: the tricky cases of the reference (§10, 1-9)", () => {
  test("1. only spaces separate: a tab stays inside the token", () => {
    const t = parse("com1=115200,8n1\t0x2f8 loglvl=all");
    assert.deepEqual(
      t.map((x) => x.text),
      ["com1=115200,8n1\t0x2f8", "loglvl=all"],
    );
    assert.deepEqual(did("com1=115200,8n1\t0x2f8"), [["115200,8n1\t0x2f8", 0]]);
  });

  test("2. a token over 127 characters is cut before the key is split", () => {
    const long = `dom0=${"pvh,".repeat(49)}`;
    const [t] = parse(long);
    assert.equal(t?.truncated, true);
    assert.equal(t?.value.length, 127 - "dom0=".length);
    assert.equal(t?.end, long.length, "the rest is consumed, not parsed as another token");
  });

  test("3. quotes are characters", () => {
    const t = parse('console="vga com1"');
    assert.deepEqual(
      t.map((x) => [x.text, x.found]),
      [
        ['console="vga', true],
        ['com1"', false],
      ],
    );
    assert.deepEqual(did('console="vga'), [['"vga', 0]]);
  });

  test("4. booleans: empty is true, no-x=0 is true, an unknown word writes nothing", () => {
    assert.deepEqual(did("x2apic="), [[true, 0]]);
    assert.deepEqual(did("no-x2apic"), [[false, 0]]);
    assert.deepEqual(did("no-x2apic=0"), [[true, 0]]);
    assert.deepEqual(did("no-x2apic=maybe"), [["rejected", -1]]);
    assert.deepEqual(did("x2apic=enable"), [[true, 0]]);
  });

  test("5. `no-` is ignored by integers and strings", () => {
    assert.deepEqual(did("no-maxcpus"), [[0n, 0]]);
    assert.deepEqual(did("no-console"), [["", 0]]);
    assert.deepEqual(did("console=vga,com1,com2,dbgp,ehci,xhci,none,more"), [
      ["vga,com1,com2,dbgp,ehci,xhci,", 0], // console holds 29 characters
    ]);
  });

  test("6. integers: C bases, negatives that wrap, a value stored before its trailing text fails", () => {
    assert.deepEqual(did("maxcpus=0x10"), [[16n, 0]]);
    assert.deepEqual(did("maxcpus=010"), [[8n, 0]]);
    assert.deepEqual(did("maxcpus=-1"), [[0xffffffffn, 0]]);
    assert.deepEqual(did("maxcpus=4k"), [[4n, -EINVAL]]);
    assert.deepEqual(did("maxcpus=0x100000000"), [["rejected", -EOVERFLOW]]);
  });

  test("7. sizes: no suffix is KiB, % is refused with the value kept", () => {
    assert.deepEqual(did("mem=4G"), [[4n << 30n, 0]]);
    assert.deepEqual(did("mem=4096"), [[4096n << 10n, 0]]);
    assert.deepEqual(did("mem=50%"), [[50n, -EINVAL]]);
    assert.deepEqual(parseSizeAndUnit("1b"), [1n, 2]);
    assert.deepEqual(strtoull("0x"), [0n, 1]);
  });

  test("8. a custom option with a bracket key gets the text from the bracket", () => {
    assert.deepEqual(did("ivrs_ioapic[4]=00:14.0"), [["[4]=00:14.0", 0]]);
    assert.equal(parse("ivrs_ioapic[4]")[0]?.found, false);
    // `no-` with a value: the handler is not called
    assert.deepEqual(did("no-loglvl=all"), [["rejected", -EINVAL]]);
    assert.deepEqual(did("no-loglvl"), [["no", 0]]);
  });

  test("9. every entry of a name runs: both dbgp handlers", () => {
    const [t] = parse("dbgp=xhci");
    assert.deepEqual(
      t?.applied.map((a) => a.entry.ref),
      ["xen/drivers/char/ehci-dbgp.c:1486", "xen/drivers/char/xhci-dbc.c:1410"],
    );
  });

  test("unknown names, and names that exist only on another arch", () => {
    const [t] = parse("xenheap_megabytes=32");
    assert.equal(t?.found, false);
    assert.equal(parse("  loglvl=all   ").length, 1);
    assert.equal(parse("").length, 0);
  });
});

describe("parseParams: what every entry of a token shares, and the one warning Xen prints", () => {
  const log = (line: string) => parse(line).map((t) => t.log);

  test("a name registered twice shares one buffer: after `no-dbgp`'s EHCI handler the xHCI one sees `no` and refuses it", () => {
    // kernel.c:167-175 at RELEASE-4.22.0: safe_strcpy(opt, "no") rewrites the buffer the key points into
    assert.deepEqual(did("no-dbgp"), [
      ["no", 0],
      ["rejected", -EINVAL],
    ]);
    assert.deepEqual(log("no-dbgp"), [['parameter "no" has invalid value "no", rc=-22!']]);
    assert.equal(parse("no-dbgp")[0]?.applied[0]?.rewrote, true);
    // with a value, neither handler runs, and the token is not rewritten
    assert.deepEqual(did("no-dbgp=xhci"), [
      ["rejected", -EINVAL],
      ["rejected", -EINVAL],
    ]);
  });

  test("one warning per token, with the first error Xen keeps: `no-dbgp=x` is one line, not two", () => {
    assert.deepEqual(log("no-dbgp=x"), [['parameter "no-dbgp" has invalid value "x", rc=-22!']]);
    assert.deepEqual(log("x2apic=maybe nosuch no-"), [
      ['parameter "x2apic" has invalid value "maybe", rc=-1!'],
      ['parameter "nosuch" unknown!'],
      ['parameter "no-" unknown!'],
    ]);
    assert.deepEqual(log("loglvl=all"), [[]]);
  });

  test("overflow followed by trailing text is -EINVAL: the trailing-text check overwrites -EOVERFLOW", () => {
    // hardware_dom is a domid_t (2 bytes); kernel.c:146-150 sets rctmp = -EINVAL after assign_integer_param
    assert.deepEqual(did("hardware_dom=65536x"), [["rejected", -EINVAL]]);
    assert.deepEqual(log("hardware_dom=65536x"), [
      ['parameter "hardware_dom" has invalid value "65536x", rc=-22!'],
    ]);
    assert.deepEqual(did("hardware_dom=65536"), [["rejected", -EOVERFLOW]]);
    assert.deepEqual(log("hardware_dom=65536"), [
      ['parameter "hardware_dom" has invalid value "65536", rc=-75!'],
    ]);
    assert.deepEqual(did("hardware_dom=-1"), [[0xffffn, 0]]);
  });

  test("a false boolean flips bool_assert for the entries after it; a rewritten `no` reaches later integers and strings", () => {
    // a fixture table in Xen's style: one name registered as a boolean, then as a custom option
    const entry = (
      type: OptionEntry["type"],
      ref: string,
      extra: Partial<OptionEntry> = {},
    ): OptionEntry => ({
      name: "knob",
      type,
      runtime: "boot",
      arch: null,
      guards: [],
      builds: { x86: true, arm: true, arm32: true },
      ref,
      ...extra,
    });
    const out = (line: string, table: OptionEntry[]) =>
      parseParams(line, table).map((t) => [
        t.applied.map((a) =>
          a.outcome.kind === "set"
            ? a.outcome.value
            : a.outcome.kind === "call"
              ? a.outcome.arg
              : a.outcome.kind,
        ),
        t.log,
      ]);
    const boolThenCustom = [entry("bool", "a.c:1"), entry("custom", "b.c:1")];
    assert.deepEqual(out("no-knob=0", boolThenCustom), [[[true, "0"], []]]);
    assert.deepEqual(out("knob=no", boolThenCustom), [
      [[false, "rejected"], ['parameter "knob" has invalid value "no", rc=-22!']],
    ]);
    const customThenOthers = [
      entry("custom", "a.c:1"),
      entry("integer", "b.c:1", { width: 4, signed: false }),
      entry("string", "c.c:1", { length: 8 }),
    ];
    assert.deepEqual(out("no-knob", customThenOthers), [
      [["no", 0n, "no"], ['parameter "no" has invalid value "no", rc=-22!']],
    ]);
  });
});
