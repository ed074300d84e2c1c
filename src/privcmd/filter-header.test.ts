import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { loadCatalogue } from "../catalog/load-catalogue.js";
import { packageRoot } from "../core/package-root.js";
import { builtinProfile } from "./builtin-profiles.js";
import { classify } from "./classify.js";
import { errnoNumber } from "./errno.js";
import { evaluateCall } from "./evaluate-call.js";
import { cName, renderFilterHeader } from "./filter-header.js";
import { buildFilterProgram, UNKNOWN_SUBOP } from "./filter-program.js";
import { numberOf } from "./hypercall-catalogue.js";
import { loadLinuxPrivcmd, loadXenServerFilter } from "./load-filter-facts.js";
import { loadHypercallCatalogue } from "./load-hypercall-catalogue.js";
import { parseProfile } from "./parse-profile.js";
import type { PrivcmdCall } from "./privcmd-call.js";
import type { Profile } from "./profile.js";

const root = packageRoot();
const HARNESS = join(root, "test", "fixtures", "privcmd-export", "harness.c");
const filter = loadXenServerFilter();
const linux = loadLinuxPrivcmd();
const facts = { linux, hypercalls: loadHypercallCatalogue("4.22.0") };
const work = mkdtempSync(join(tmpdir(), "xenpriv-filter-header-"));
after(() => rmSync(work, { recursive: true, force: true }));

// The harness passes inner sub-ops by the constants the facts name; it gives each its own value.
const innerPairs = filter.hypercalls.flatMap((h) =>
  h.allowed === "all"
    ? []
    : h.allowed.flatMap((s) =>
        s.conditions.flatMap((c) =>
          c.kind === "inner-subops"
            ? c.constants.map((k, i) => ({ constant: k, name: c.allowed[i] as string }))
            : [],
        ),
      ),
);
const innerValue = new Map(innerPairs.map((p, i) => [p.constant, 1000 + i]));

const SIGNED = 1;
const PCI = 2;
const INNER = 4;

/** One input the header and the emulator both decide: the harness's line and the emulator's call. */
interface Vector {
  readonly line: string;
  readonly call: PrivcmdCall;
}

interface Args {
  readonly dom?: number;
  readonly signed?: boolean;
  readonly pci?: boolean;
  readonly inner?: { constant: string; name: string };
  readonly altp2m?: number;
}

// Every condition the facts know, passing and failing: no domain, domain 0, another domain,
// each flag, the one field, each inner sub-op and one no filter allows.
const VARIANTS: readonly Args[] = [
  {},
  { dom: 0 },
  { dom: 1 },
  { dom: 1, signed: true, pci: true },
  { dom: 1, signed: true, pci: true, altp2m: 1 },
  ...innerPairs.map((inner) => ({ dom: 1, signed: true, pci: true, inner })),
  { dom: 1, pci: true, inner: { constant: "", name: "no-such-inner-op" } },
];

function vector(
  op: number,
  subopValue: number,
  hypercall: string,
  subop: string | undefined,
  a: Args,
  entries: Vector[] = [],
): Vector {
  const flags = (a.signed ? SIGNED : 0) | (a.pci ? PCI : 0) | (a.inner ? INNER : 0);
  const inner = a.inner ? (innerValue.get(a.inner.constant) ?? 999) : 0;
  const line = [op, subopValue, a.dom ?? -1, flags, inner, 1, a.altp2m ?? 0, entries.length]
    .join(" ")
    .concat(entries.map((e) => ` ${e.line}`).join(""));
  const call: PrivcmdCall = {
    ioctl: "HYPERCALL",
    hypercall,
    ...(subop !== undefined && { subop }),
    ...(a.dom !== undefined && { dom: a.dom }),
    ...(a.altp2m && { fields: { "u.createdomain.altp2m_opts": a.altp2m } }),
    ...(a.signed && { signed: true }),
    ...(a.pci && { pci: true }),
    ...(a.inner && { inner: a.inner.name }),
    ...(entries.length && { entries: entries.map((e) => e.call) }),
  };
  return { line, call };
}

/** Every catalogued (hypercall, sub-op), a sub-op value past them, unknown hypercalls, and multicalls of each. */
function vectors(xen: string): Vector[] {
  const catalogue = loadHypercallCatalogue(xen);
  const out: Vector[] = [];
  const known = new Set(catalogue.hypercalls.map((h) => h.number));
  for (const h of catalogue.hypercalls) {
    const ops: [number, string | undefined][] = h.subops.length
      ? [
          ...h.subops.map((s): [number, string] => [numberOf(s), s.name]),
          [Math.max(...h.subops.map(numberOf)) + 1, UNKNOWN_SUBOP],
        ]
      : [[0, undefined]];
    for (const [value, name] of ops)
      for (const a of VARIANTS) {
        const v = vector(h.number, value, h.name, name, a);
        out.push(v);
        // as the entry of a multicall, and of a multicall inside a multicall
        if (a === VARIANTS[3] || a.inner) {
          const once = vector(13, 0, "multicall", undefined, {}, [v]);
          out.push(once, vector(13, 0, "multicall", undefined, {}, [once]));
        }
      }
  }
  // sub-op numbers with bits above the filter's mask (memory_op 326 is populate_physmap): the same verdict
  for (const h of catalogue.hypercalls) {
    const mask = filter.hypercalls.find((x) => x.hypercall === h.name)?.subopMask?.mask;
    if (!mask) continue;
    for (const s of h.subops) {
      const raw = numberOf(s) + (Number(mask) + 1) * 5;
      const v = vector(h.number, raw, h.name, String(raw), { dom: 1 });
      out.push({ ...v, call: { ...v.call, subopValue: raw } });
    }
  }
  for (const n of [Math.max(...known) + 1, 4096])
    if (!known.has(n)) out.push(vector(n, 0, "\u0000unknown-hypercall", undefined, {}));
  for (let n = 0; n < Math.max(...known); n++)
    if (!known.has(n)) out.push(vector(n, 0, "\u0000unknown-hypercall", undefined, { dom: 1 }));
  return out;
}

/** Compiles the header in the harness with warnings as errors, runs every vector, returns the verdicts. */
function runHeader(header: string, id: string, input: string): number[] {
  const file = join(work, `${cName(id)}.h`);
  writeFileSync(file, header);
  const exe = join(work, `${cName(id)}-harness`);
  const defines = [...innerValue].map(([k, v]) => `-D${k}=${v}`);
  const cc = spawnSync(
    "cc",
    [
      "-std=c99",
      "-Wall",
      "-Wextra",
      "-pedantic",
      "-Werror",
      `-DXENPRIV_HEADER="${file}"`,
      `-DXENPRIV_DECIDE=xenpriv_${cName(id)}_decide`,
      ...defines,
      HARNESS,
      "-o",
      exe,
    ],
    { encoding: "utf8" },
  );
  assert.equal(cc.error, undefined, "`cc` is needed by this test: sudo apt-get install gcc");
  assert.equal(cc.status, 0, `cc failed:\n${cc.stderr}`);
  const run = spawnSync(exe, { input, encoding: "utf8", maxBuffer: 64 << 20 });
  assert.equal(run.status, 0, run.stderr);
  return run.stdout.trim().split("\n").map(Number);
}

function agree(profile: Profile, xen: string): number {
  const program = buildFilterProgram(profile, loadHypercallCatalogue(xen), facts);
  const all = vectors(xen);
  const got = runHeader(renderFilterHeader(program), profile.id, all.map((v) => v.line).join("\n"));
  assert.equal(got.length, all.length);
  all.forEach((v, i) => {
    const d = evaluateCall(v.call, { domain: "dom0", lockedDown: true }, profile, facts);
    const want = d.allowed ? 0 : -errnoNumber(d.errno ?? "EPERM");
    assert.equal(got[i], want, `${profile.id}: ${v.line} (${JSON.stringify(v.call)})`);
  });
  return all.length;
}

describe("the exported C header agrees with the emulator on every catalogued operation", () => {
  const classified = () => classify(loadHypercallCatalogue("4.22.0"), loadCatalogue("4.22.0"), filter, facts);
  for (const id of ["none", "xenserver", "pointer-free"] as const)
    test(`profile ${id}, Xen 4.22.0`, () => {
      const n = agree(builtinProfile(id, filter, classified), "4.22.0");
      assert.ok(n > 4000, `${n} vectors`);
    });

  test("the xenserver profile on the master catalogue", () => {
    agree(builtinProfile("xenserver", filter, classified), "master-2026-08-20");
  });

  test("a profile written in YAML", () => {
    const path = join(root, "test", "fixtures", "privcmd", "toolstack-only.yaml");
    const profile = parseProfile(readFileSync(path, "utf8"), path, loadHypercallCatalogue("4.22.0"), linux);
    agree(profile, "4.22.0");
  });

  test("the vectors reach every kind of verdict: allowed, refused by the table, refused by a check, and ELOOP", () => {
    const profile = builtinProfile("xenserver", filter, classified);
    const all = vectors("4.22.0");
    const errnos = new Set(
      all.map(
        (v) => evaluateCall(v.call, { domain: "dom0", lockedDown: true }, profile, facts).errno ?? "allowed",
      ),
    );
    for (const e of ["allowed", "ENOSYS", "EPERM", "EOPNOTSUPP", "ENODEV", "ELOOP"])
      assert.ok(errnos.has(e), e);
  });
});
