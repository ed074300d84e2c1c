import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { loadXenServerOverlay } from "../src/privcmd/load-filter-facts.js";
import { OUTPUT_SCHEMAS } from "../src/report/output-schemas.js";
import { ensureBuilt, json, run } from "./support/cli.js";

before(ensureBuilt);

const overlay = loadXenServerOverlay();
/** The overlay's own entry for an operation: the numbers the commands must print come from the data file. */
function entry(hypercall: string, subop: string) {
  const s = overlay.hypercalls.find((h) => h.name === hypercall)?.subops.find((x) => x.name === subop);
  assert.ok(s, `${hypercall}/${subop} in the overlay`);
  return s;
}
const TRACE = "test/fixtures/privcmd/xenserver-overlay-calls.jsonl";
const CLASSIC = "examples/x86-classic.yaml";
/** The three operations the Xen catalogue lacks (issue 20 §4), each as classify prints it. */
const THREE = {
  "iommu_op/lookup_foreign_page": { xenserver: "allowed", number: 56 },
  "domctl/numa_op": { xenserver: "allowed only if u.numa_op.op is get_node_pages", number: 36 },
  "sysctl/numa_meminfo": { xenserver: "allowed", number: 35 },
} as const;
const lineOf = (out: string, id: string) =>
  out.split("\n").find((l) => l.includes(`${id} (XenServer overlay`));

describe("XenServer's operations beyond upstream come from the overlay (issue 20 §4)", () => {
  test("classify: the three, in JSON, the table and Markdown, say they are the overlay's", () => {
    const rows = json("privcmd", "classify").value.operations as {
      id: string;
      number: number;
      value?: number;
      xenserver: string;
      overlay?: { source: string; unverified?: string; decidedBy: { what?: string; unverified?: string } };
    }[];
    const table = run("privcmd", "classify").out;
    const md = run("privcmd", "classify", "-f", "md").out;
    for (const [id, want] of Object.entries(THREE)) {
      const [h = "", s = ""] = id.split("/");
      const e = entry(h, s);
      const r = rows.find((x) => x.id === id);
      assert.ok(r, id);
      assert.equal(r.overlay?.source, "catalogues/privcmd/xenserver-overlay.json", id);
      assert.deepEqual([r.number, r.value, r.xenserver], [want.number, e.value, want.xenserver], id);
      assert.equal(r.overlay?.unverified, e.unverified, id);
      const decides = "what" in e.decidedBy ? e.decidedBy.what : `unverified: ${e.decidedBy.unverified}`;
      for (const [format, out] of [
        ["table", table],
        ["md", md],
      ] as const) {
        const line = lineOf(out, id);
        assert.ok(line, `${format}: ${id}`);
        assert.ok(line.includes(want.xenserver), `${format}: ${id}`);
        // the table pads or cuts nothing: the row carries what decides it in XenServer's Xen
        assert.ok(line.includes(`XenServer's Xen: ${decides.slice(0, 60)}`), `${format}: ${id}`);
        assert.equal(line.includes("number unverified"), e.value === undefined, `${format}: ${id}`);
      }
      assert.match(table, /number unverified: sysctl\/numa_meminfo/);
      assert.match(md, /number unverified: sysctl\/numa_meminfo/);
    }
    // no row is "unknown": without the overlay these rows did not exist at all
    assert.equal(rows.filter((r) => r.overlay).length, overlay.hypercalls.flatMap((h) => h.subops).length);
  });

  test("emu: each of the three by name, in the table, JSON and Markdown, with the overlay's step", () => {
    const cases: [string[], number, string][] = [
      [["HYPERCALL", "iommu_op", "lookup_foreign_page"], 0, "IOMMUOP_lookup_foreign_page = 5"],
      [["HYPERCALL", "iommu_op", "map_page"], 1, "IOMMUOP_map_page = 2"],
      [["HYPERCALL", "domctl", "numa_op", "--inner", "get_node_pages"], 0, "XEN_DOMCTL_numa_op = 1101"],
      [["HYPERCALL", "domctl", "numa_op", "--inner", "set_node_affinity"], 1, "XEN_DOMCTL_numa_op = 1101"],
      [["HYPERCALL", "sysctl", "numa_meminfo"], 0, "XEN_SYSCTL_numa_meminfo: number unverified"],
    ];
    for (const [args, code, says] of cases) {
      const j = json("privcmd", "emu", ...args);
      const steps = (j.value.steps as { what: string; outcome: string }[]).filter((s) =>
        s.what.includes("from the XenServer overlay"),
      );
      assert.equal(j.code, code, args.join(" "));
      assert.equal(j.value.allowed, code === 0, args.join(" "));
      assert.equal(steps.length, 1, args.join(" "));
      assert.ok(steps[0]?.what.includes(says), args.join(" "));
      for (const format of ["table", "md"]) {
        const r = run("privcmd", "emu", ...args, "-f", format);
        assert.equal(r.code, code, `${format}: ${args.join(" ")}`);
        assert.ok(r.out.includes("from the XenServer overlay"), `${format}: ${args.join(" ")}`);
        assert.ok(r.out.includes(says), `${format}: ${args.join(" ")}`);
      }
    }
    assert.equal(json("privcmd", "emu", "HYPERCALL", "domctl", "numa_op").value.errno, "EOPNOTSUPP");
    assert.equal(json("privcmd", "emu", "HYPERCALL", "iommu_op", "map_page").value.errno, "ENODEV");
  });

  test("emu: by number, the overlay names the call; the iommu sub-op is the entry's subop_id", () => {
    const lookup = json("privcmd", "emu", "HYPERCALL", "56", "5").value.call as Record<string, unknown>;
    assert.deepEqual([lookup.hypercall, lookup.subop], ["iommu_op", "lookup_foreign_page"]);
    const numa = json("privcmd", "emu", "HYPERCALL", "domctl", "1101").value.call as Record<string, unknown>;
    assert.equal(numa.subop, "numa_op");
    // a number no source gives cannot name numa_meminfo: the filter sees an unlisted sysctl
    const other = json("privcmd", "emu", "HYPERCALL", "sysctl", "99999");
    assert.notEqual((other.value.call as Record<string, unknown>).subop, "numa_meminfo");
    assert.deepEqual([other.code, other.value.errno], [1, "ENOSYS"]);
  });

  test("emu: without XenServer's filter there is no overlay: the operations are unknown input", () => {
    const r = run("privcmd", "emu", "--profile", "none", "HYPERCALL", "iommu_op", "lookup_foreign_page");
    assert.equal(r.code, 2);
    assert.match(r.err, /error\[privcmd\/unknown-hypercall\]: unknown hypercall `iommu_op`/);
  });

  test("check: traced calls of the three, in JSON, the table and Markdown, say they are the overlay's", () => {
    const args = ["privcmd", "check", "-s", CLASSIC, "--trace", `dom0=${TRACE}`];
    const j = json(...args);
    const dom0 = (j.value.domains as { domain: string; needed: Record<string, unknown>[] }[])[0];
    assert.ok(dom0);
    const got = dom0.needed.map((n) => [
      n.op,
      n.verdict,
      (n.overlay as { source?: string } | undefined)?.source,
    ]);
    const src = "catalogues/privcmd/xenserver-overlay.json";
    assert.deepEqual(got, [
      ["iommu_op/lookup_foreign_page", "allowed", src],
      ["iommu_op/map_page", "blocked", src],
      ["domctl/numa_op", "conditional", src],
      ["domctl/numa_op", "conditional", src],
      ["sysctl/numa_meminfo", "allowed", src],
    ]);
    assert.equal(j.code, 1, "map_page is blocked");
    for (const format of ["table", "md"]) {
      const out = run(...args, "-f", format).out;
      for (const id of [
        "iommu_op/lookup_foreign_page",
        "iommu_op/map_page",
        "domctl/numa_op",
        "sysctl/numa_meminfo",
      ]) {
        const line = lineOf(out, id);
        assert.ok(line?.includes("XenServer's Xen: "), `${format}: ${id}`);
      }
      assert.ok(out.includes("needed and allowed, from the XenServer overlay"), format);
    }
  });
});

test("export: XenServer's profile over XenServer's hypercalls; an unverified number is said, never made up", () => {
  const listing = run("privcmd", "export", "--profile", "xenserver");
  assert.equal(listing.code, 0, listing.err);
  assert.match(
    listing.out,
    new RegExp(`# filter for hypercall "iommu_op" \\(${THREE["iommu_op/lookup_foreign_page"].number}\\)`),
  );
  assert.match(listing.out, /# sub-op "numa_op" \(1101\)/);
  assert.match(listing.out, /# sub-op "numa_meminfo": not in this listing, its number is unverified/);
  const c = run("privcmd", "export", "--profile", "xenserver", "--as", "c").out;
  assert.match(c, /case 1101: \/\* numa_op \*\//);
  assert.match(c, /\/\* numa_meminfo: no case, its number is unverified/);
  const exported = run("privcmd", "export", "--profile", "xenserver", "--as", "json");
  const program = OUTPUT_SCHEMAS["privcmd-filter-program"].parse(JSON.parse(exported.out)) as unknown as {
    hypercalls: { name: string; number: number; unnumbered?: { name: string; why: string }[] }[];
  };
  const sysctl = program.hypercalls.find((h) => h.name === "sysctl");
  assert.deepEqual(
    sysctl?.unnumbered?.map((u) => u.name),
    ["numa_meminfo"],
  );
  assert.ok(program.hypercalls.some((h) => h.name === "iommu_op" && h.number === 56));
  // another profile's filter knows no XenServer hypercall
  const libxl = run("privcmd", "export", "--profile", "libxl").out;
  assert.doesNotMatch(libxl, /iommu_op|numa_meminfo/);
});
