import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { InputError } from "../core/errors.js";
import { packageRoot } from "../core/package-root.js";
import { applyXenServerOverlay } from "./apply-xenserver-overlay.js";
import { loadXenServerFilter, loadXenServerOverlay } from "./load-filter-facts.js";
import { loadHypercallCatalogue } from "./load-hypercall-catalogue.js";
import type { XenServerOverlay } from "./xenserver-overlay.js";

const upstream = loadHypercallCatalogue("4.22.0");
const overlay = loadXenServerOverlay();
const merged = applyXenServerOverlay(upstream, overlay);
const find = (h: string, s?: string) => {
  const hc = merged.hypercalls.find((x) => x.name === h);
  assert.ok(hc, h);
  return s === undefined ? hc : hc.subops.find((x) => x.name === s);
};

/** The shipped overlay written to a temporary file after `edit`, loaded as a user's would be. */
function loadEdited(edit: (o: XenServerOverlay) => void): () => XenServerOverlay {
  const o = JSON.parse(
    readFileSync(join(packageRoot(), "catalogues/privcmd/xenserver-overlay.json"), "utf8"),
  ) as XenServerOverlay;
  edit(o);
  const dir = mkdtempSync(join(tmpdir(), "xenpriv-overlay-"));
  const path = join(dir, "overlay.json");
  writeFileSync(path, JSON.stringify(o));
  return () => {
    try {
      return loadXenServerOverlay(path);
    } finally {
      rmSync(dir, { recursive: true });
    }
  };
}

test("the three operations upstream lacks come from the overlay, with their numbers or why not", () => {
  assert.equal(
    upstream.hypercalls.some((h) => h.name === "iommu_op"),
    false,
  );
  const iommu = find("iommu_op");
  assert.ok(iommu && "number" in iommu);
  assert.deepEqual(
    [iommu.number, iommu.selector, iommu.callers],
    [56, "struct:subop_id", { x86pv: true, x86hvm: false, arm: false }],
  );
  assert.match(
    iommu.ref,
    /^xenserver\/xen\.pg@4f8cbaa4a111178a9e800d50775be60b772de0d3:patches\/add-pv-iommu-headers\.patch:81$/,
  );
  assert.deepEqual(
    iommu.subops.map((s) => [s.name, s.value]),
    [
      ["query_caps", 1],
      ["map_page", 2],
      ["unmap_page", 3],
      ["map_foreign_page", 4],
      ["lookup_foreign_page", 5],
      ["unmap_foreign_page", 6],
    ],
  );
  const numa = find("domctl", "numa_op");
  assert.ok(numa && "value" in numa);
  assert.equal(numa.value, 1101);
  assert.match(numa.ref, /drivers\/xen\/public-xen\/domctl\.h#XEN_DOMCTL_numa_op$/);
  assert.ok(numa.overlay && "unverified" in numa.overlay.decidedBy, "what decides numa_op is unverified");
  const meminfo = find("sysctl", "numa_meminfo");
  assert.ok(meminfo && "constant" in meminfo);
  assert.equal(meminfo.value, undefined, "no number is invented");
  assert.match(meminfo.overlay?.unverified ?? "", /no readable source defines XEN_SYSCTL_numa_meminfo/);
});

test("every XenServer-only operation the filter allows is in the overlay, and only those are added", () => {
  const filter = loadXenServerFilter();
  const xsOnly = filter.hypercalls.flatMap((h) =>
    h.allowed === "all"
      ? []
      : h.allowed.filter((s) => s.note?.includes("XenServer-only")).map((s) => `${h.hypercall}/${s.subop}`),
  );
  const added = merged.hypercalls.flatMap((h) =>
    h.subops.filter((s) => s.overlay).map((s) => `${h.name}/${s.name}`),
  );
  for (const id of xsOnly) assert.ok(added.includes(id), id);
  assert.equal(
    merged.hypercalls.reduce((n, h) => n + h.subops.length, 0) -
      upstream.hypercalls.reduce((n, h) => n + h.subops.length, 0),
    added.length,
  );
  for (const h of merged.hypercalls)
    for (const s of h.subops)
      if (s.overlay)
        assert.ok(
          s.value !== undefined ? !s.overlay.unverified : s.overlay.unverified,
          `${h.name}/${s.name}`,
        );
});

test("an operation upstream has stays upstream's", () => {
  const load = loadEdited((o) => {
    o.hypercalls[1]?.subops.push({ ...o.hypercalls[1].subops[0], name: "pausedomain", value: 3 } as never);
  });
  const m = applyXenServerOverlay(upstream, load());
  const pause = m.hypercalls.find((h) => h.name === "domctl")?.subops.filter((s) => s.name === "pausedomain");
  assert.equal(pause?.length, 1);
  assert.deepEqual(
    pause?.[0],
    upstream.hypercalls.find((h) => h.name === "domctl")?.subops.find((s) => s.name === "pausedomain"),
  );
});

test("a number that collides with upstream's is bad input, naming both", () => {
  const load = loadEdited((o) => {
    const s = o.hypercalls[1]?.subops[2];
    if (s) s.value = 3;
  });
  assert.throws(
    () => applyXenServerOverlay(upstream, load()),
    (e: unknown) => e instanceof InputError && /numa_op is 3, which is domctl\/pausedomain/.test(e.message),
  );
  const hc = loadEdited((o) => {
    if (o.hypercalls[0]) o.hypercalls[0].number = 36;
  });
  assert.throws(
    () => applyXenServerOverlay(upstream, hc()),
    (e: unknown) => e instanceof InputError && /iommu_op is hypercall 36, which is domctl/.test(e.message),
  );
});

test("a number without its ref, or neither number nor reason, does not load", () => {
  for (const edit of [
    (o: XenServerOverlay) => {
      const s = o.hypercalls[2]?.subops[1];
      if (s) s.value = 1234; // numa_meminfo: a number, yet still unverified and with no ref
    },
    (o: XenServerOverlay) => {
      const s = o.hypercalls[2]?.subops[1];
      if (s) delete s.unverified;
    },
    (o: XenServerOverlay) => {
      const s = o.hypercalls[1]?.subops[2];
      if (s) s.ref = "drivers/xen/public-xen/domctl.h:12"; // no repository and commit
    },
  ])
    assert.throws(loadEdited(edit), (e: unknown) => e instanceof InputError && /overlay/.test(e.message));
});
