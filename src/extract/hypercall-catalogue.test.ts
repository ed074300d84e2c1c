import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { InputError } from "../core/errors.js";
import { packageRoot } from "../core/package-root.js";
import {
  type Hypercall,
  type HypercallCatalogue,
  HypercallCatalogueSchema,
  type Subop,
} from "../privcmd/hypercall-catalogue.js";
import { evalCondition, extractHypercallCatalogue } from "./hypercall-catalogue.js";

const FIXTURE = join(packageRoot(), "test", "fixtures", "privcmd-extract");

describe("extractHypercallCatalogue on a made-up tree", () => {
  let c: HypercallCatalogue;
  const call = (name: string): Hypercall => {
    const h = c.hypercalls.find((x) => x.name === name);
    assert.ok(h, `no hypercall ${name}`);
    return h;
  };
  const subop = (h: string, name: string) => call(h).subops.find((s) => s.name === name);
  /** A sub-op read in both arches' builds, compared in full: every field of it, nothing else. */
  const wholeSubop = (
    h: string,
    prefix: string,
    name: string,
    rest: Omit<Subop, "name" | "constant" | "arch">,
  ) =>
    assert.deepEqual(subop(h, name), { name, constant: `${prefix}${name}`, arch: ["x86", "arm"], ...rest });
  before(async () => {
    c = await extractHypercallCatalogue(FIXTURE, "fixture");
  });

  test("hypercalls: every live __HYPERVISOR_ define, with its line; compat branches of old interfaces are not read", () => {
    assert.deepEqual(
      c.hypercalls.map((h) => [h.name, h.number, h.ref]),
      [
        ["mmu_update", 1, "xen/include/public/xen.h:4"],
        ["memory_op", 12, "xen/include/public/xen.h:5"],
        ["domctl", 36, "xen/include/public/xen.h:6"],
        ["unlisted_op", 40, "xen/include/public/xen.h:7"],
        ["arch_0", 48, "xen/include/public/xen.h:8"],
        ["arm_only_op", 49, "xen/include/public/arch-arm/smc.h:2"],
      ],
    );
  });

  test("callers from the hypercall-defs.c table; a hypercall without a row has none", () => {
    assert.deepEqual(call("domctl").callers, { x86pv: true, x86hvm: false, arm: true });
    assert.equal(call("domctl").callersRef, "xen/include/hypercall-defs.c:17");
    assert.deepEqual(call("mmu_update").callers, { x86pv: true, x86hvm: false, arm: false });
    assert.deepEqual(call("unlisted_op").callers, { x86pv: false, x86hvm: false, arm: false });
    assert.equal(call("unlisted_op").callersRef, undefined);
    assert.equal(call("unlisted_op").selector, undefined);
  });

  test("flags, masks, versions, aliases, sub-sub-ops and field values are no sub-ops", () => {
    assert.deepEqual(
      call("memory_op").subops.map((s) => s.constant),
      [
        "XENMEM_increase_reservation",
        "XENMEM_decrease_reservation",
        "XENMEM_maximum_ram_page",
        "XENMEM_sharing_op",
        "XENMEM_increase_reservation_batch",
        "XENMEM_x86_only",
        "XENMEM_arm64_only",
        "XENMEM_hypervisor_side",
      ],
    );
    assert.deepEqual(
      call("domctl").subops.map((s) => [s.name, s.value]),
      [
        ["createdomain", 1],
        ["pausedomain", 3],
        ["setvcpuaffinity", 9],
        ["getvcpuaffinity", 25],
        ["assign_device", 37],
        ["x86_thing", 50],
      ],
    );
    assert.deepEqual(
      call("mmu_update").subops.map((s) => s.name),
      ["normal_pt_update", "machphys_update"],
    );
  });

  test("arch: from #if on the arch macros and from arch-* headers; __XEN__ guards are kept", () => {
    assert.deepEqual(subop("memory_op", "x86_only")?.arch, ["x86"]);
    assert.deepEqual(subop("memory_op", "arm64_only")?.arch, ["arm"]);
    assert.deepEqual(subop("memory_op", "hypervisor_side")?.arch, ["x86", "arm"]);
    assert.deepEqual(subop("memory_op", "increase_reservation")?.arch, ["x86", "arm"]);
  });

  test("selectors", () => {
    assert.equal(call("domctl").selector, "struct:cmd");
    assert.equal(call("memory_op").selector, "arg0");
    assert.equal(call("mmu_update").selector, "struct:ptr");
  });

  test("arguments from the header's comments: the structure, its handles, NULL, nothing said", () => {
    wholeSubop("memory_op", "XENMEM_", "decrease_reservation", {
      value: 1,
      ref: "xen/include/public/memory.h:9",
      struct: "xen_memory_reservation",
      handles: ["extent_start"],
      structRef: "xen/include/public/memory.h:11",
    });
    const none = subop("memory_op", "maximum_ram_page");
    assert.deepEqual([none?.struct, none?.handles], [undefined, []]);
    const unknown = subop("memory_op", "increase_reservation_batch");
    assert.deepEqual([unknown?.struct, unknown?.handles], [undefined, undefined]);
  });

  test("handles through unions, arrays of structures and typedef'd handles", () => {
    const s = subop("memory_op", "x86_only");
    assert.equal(s?.struct, "xen_x86_only_t");
    assert.deepEqual(s?.handles, ["buf.bytes", "arr[].inner"]);
    assert.equal(s?.structRef, "xen/include/public/memory.h:43");
    assert.deepEqual(subop("mmu_update", "normal_pt_update")?.handles, []);
  });

  test("domctl: the member of u by name, by the override table, and none for a command without payload", () => {
    wholeSubop("domctl", "XEN_DOMCTL_", "getvcpuaffinity", {
      value: 25,
      ref: "xen/include/public/domctl.h:38",
      struct: "xen_domctl_vcpuaffinity",
      handles: ["u.vcpuaffinity.cpumap_hard.bitmap"],
      structRef: "xen/include/public/domctl.h:11",
    });
    assert.deepEqual(subop("domctl", "assign_device")?.handles, ["u.assign_device.u.dt.path"]);
    assert.deepEqual(subop("domctl", "createdomain")?.handles, []);
    const pause = subop("domctl", "pausedomain");
    assert.deepEqual(
      [pause?.struct, pause?.handles, pause?.structRef],
      ["xen_domctl", [], "xen/include/public/domctl.h:33"],
    );
    // a member under an arch guard is still the command's argument
    assert.equal(subop("domctl", "x86_thing")?.struct, "xen_domctl_createdomain");
  });

  test("the catalogue validates, and validating adds nothing", () => {
    assert.deepEqual(HypercallCatalogueSchema.parse(c), c);
  });
});

describe("evalCondition", () => {
  const x86_64 = new Set(["__x86_64__"]);
  test("arch macros are known per build, __XEN_TOOLS__ is defined, other macros are unknown", () => {
    assert.equal(evalCondition("defined(__i386__) || defined(__x86_64__)", x86_64, 1), true);
    assert.equal(evalCondition("defined(__arm__) || defined(__aarch64__)", x86_64, 1), false);
    assert.equal(evalCondition("defined(__XEN__) || defined(__XEN_TOOLS__)", x86_64, 1), true);
    assert.equal(evalCondition("defined(__XEN__)", x86_64, 1), null);
    assert.equal(evalCondition("!defined(__XEN__) && defined(__arm__)", x86_64, 1), false);
    assert.equal(evalCondition("__XEN_INTERFACE_VERSION__ < 0x00040400", x86_64, 0x00040a00), false);
    assert.equal(evalCondition("__XEN_INTERFACE_VERSION__ >= 0x00030201", x86_64, 0x00040a00), true);
  });
});

/** The ops catalogue (catalogues/xen-4.22.0/ops-*.json), its operations with a constant. */
function curatedOps(): { id: string; hypercall: string; subop?: string; constant: string; value: number }[] {
  const dir = join(packageRoot(), "catalogues", "xen-4.22.0");
  return readdirSync(dir)
    .filter((f) => /^ops-.*\.json$/.test(f))
    .sort()
    .flatMap((f) => JSON.parse(readFileSync(join(dir, f), "utf8")).operations)
    .filter((o: { constant?: string }) => o.constant !== undefined);
}

describe("the shipped catalogues/privcmd/xen-4.22.0.json", () => {
  const shipped = HypercallCatalogueSchema.parse(
    JSON.parse(readFileSync(join(packageRoot(), "catalogues", "privcmd", "xen-4.22.0.json"), "utf8")),
  );

  test("every operation of the ops catalogue with a constant is there, with its hypercall, name and value", () => {
    const missing: string[] = [];
    for (const op of curatedOps()) {
      // the ops catalogue's hypercall-level operations (paging_domctl_cont) name a __HYPERVISOR_ constant
      if (op.constant.startsWith("__HYPERVISOR_")) {
        const h = shipped.hypercalls.find((x) => x.name === op.hypercall);
        if (h?.number !== op.value) missing.push(`${op.id}: hypercall ${op.hypercall} = ${op.value}`);
        continue;
      }
      // variants (`memory_op/sharing_op/share`) are one sub-op split by an argument: the sub-op is `subop`
      const name = op.subop ?? op.id.split("/")[1];
      const s = shipped.hypercalls.find((x) => x.name === op.hypercall)?.subops.find((x) => x.name === name);
      if (s?.constant !== op.constant || s.value !== op.value)
        missing.push(`${op.id}: ${op.constant} = ${op.value}, extracted ${s?.constant} = ${s?.value}`);
    }
    assert.deepEqual(missing, []);
  });

  test("it has the hypercalls and sub-op families the privcmd classification needs", () => {
    const families = shipped.hypercalls.filter((h) => h.subops.length > 0).map((h) => h.name);
    for (const h of ["domctl", "sysctl", "memory_op", "xsm_op", "dm_op", "mmuext_op", "vm_assist", "nmi_op"])
      assert.ok(families.includes(h), h);
    // DMOP's design forbids guest handles in struct xen_dm_op (docs/designs/dmop.pandoc)
    const dm = shipped.hypercalls.find((h) => h.name === "dm_op");
    assert.ok(dm?.subops.every((s) => s.handles?.length === 0));
  });
});

test("a directory that is not a Xen tree is bad input, not an empty catalogue", async () => {
  await assert.rejects(extractHypercallCatalogue(join(FIXTURE, "xen"), "x"), (e: unknown) => {
    assert.ok(e instanceof InputError);
    assert.equal(e.diagnostics[0]?.code, "extract/not-a-xen-tree");
    return true;
  });
});
