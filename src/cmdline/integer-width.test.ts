import assert from "node:assert/strict";
import { test } from "node:test";
import { integerWidth } from "./integer-width.js";
import { loadOptionCatalogue } from "./load-option-catalogue.js";
import type { OptionEntry } from "./option-catalogue.js";
import { EOVERFLOW, parseParams } from "./parse-params.js";

const options = loadOptionCatalogue("4.22.0").options;
const named = (name: string) => {
  const e = options.find((o) => o.name === name);
  assert.ok(e, name);
  return e;
};

test("option widths per arch: a long is 8 bytes on x86_64 and arm64, 4 on arm32", () => {
  const heap = named("xenheap_megabytes");
  // xen/arch/arm/arm32/mmu/mm.c:14-15 at RELEASE-4.22.0: `static unsigned long opt_xenheap_megabytes`
  assert.deepEqual([heap.ctype, heap.builds], ["unsigned long", { x86: false, arm: false, arm32: true }]);
  assert.equal(integerWidth(heap, { arch: "arm32" }), 4);
  assert.equal(integerWidth(heap, { arch: "arm" }), 8);
  const chunk = named("bootscrub_chunk");
  assert.deepEqual(
    (["x86", "arm", "arm32"] as const).map((arch) => integerWidth(chunk, { arch })),
    [8, 8, 4],
  );
  // fixed-width types and `unsigned long long` do not change
  for (const name of ["hardware_dom", "mem", "maxcpus", "irq-max-guests"])
    assert.equal(integerWidth(named(name), { arch: "arm32" }), named(name).width, name);
});

test("arm32's paddr_t is 8 bytes unless CONFIG_PHYS_ADDR_T_32 (ARM_PA_BITS_32) makes it an unsigned long", () => {
  const limit = named("low_mem_virq_limit");
  assert.equal(limit.ctype, "paddr_t");
  assert.equal(integerWidth(limit, { arch: "arm32" }), 8);
  assert.equal(integerWidth(limit, { arch: "arm32", physAddrT32: true }), 4);
  assert.equal(integerWidth(limit, { arch: "x86", physAddrT32: true }), 8);
});

test("the width decides assign_integer_param's overflow: 2^32 megabytes fit arm64's long, not arm32's", () => {
  const heap = named("xenheap_megabytes");
  const rc = (arch: "arm" | "arm32") =>
    parseParams("xenheap_megabytes=0x100000000", [heap], (e: OptionEntry) => integerWidth(e, { arch }))[0]
      ?.rc;
  assert.equal(rc("arm32"), -EOVERFLOW);
  assert.equal(rc("arm"), 0);
  // a negative number wraps into the narrower type
  const [t] = parseParams("xenheap_megabytes=-1", [heap], (e) => integerWidth(e, { arch: "arm32" }));
  assert.deepEqual(t?.applied[0]?.outcome, { kind: "set", value: 0xffffffffn });
});
