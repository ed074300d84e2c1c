import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { CATALOGUE, FILTER, LINUX } from "../../test/support/privcmd-facts.js";
import { loadCatalogue } from "../catalog/load-catalogue.js";
import type { Operation } from "../catalog/schema.js";
import { InputError } from "../core/errors.js";
import { getPolicy } from "../policy/registry.js";
import { evaluate } from "../query/evaluate.js";
import { buildModel, type Model } from "../query/model.js";
import { loadSystemFile } from "../system/load-system.js";
import { checkNeeds, type DomainNeeds, type NeedsOptions } from "./check-needs.js";
import { privcmdRows, xsmOperationsOf } from "./classify.js";
import { DOMID_IDLE } from "./evaluate-call.js";
import { loadHypercallCatalogue } from "./load-hypercall-catalogue.js";
import type { Profile } from "./profile.js";

const XEN = loadCatalogue("4.22.0");
const modelOf = (file: string) => buildModel(XEN, loadSystemFile(file), getPolicy("dummy"));
const SPLIT = modelOf("test/fixtures/privcmd-check/split-control-domain.yaml");
const XS: Profile = { kind: "xenserver", id: "xenserver", title: "XenServer", facts: FILTER };
const NONE: Profile = { kind: "none", id: "none", title: "mainline" };
const LOCKED: NeedsOptions = { lockedDown: true };

/** The small facts of test/support: xen_version/version, multicall, three domctls, sysctl/physinfo. */
function split(o: NeedsOptions = LOCKED, profile: Profile = XS): Record<string, DomainNeeds> {
  return Object.fromEntries(
    checkNeeds(SPLIT, CATALOGUE, profile, { linux: LINUX }, o).map((d) => [d.domain, d]),
  );
}

describe("privcmd check: a system's needs against a profile", () => {
  test("split control domain: XSA-482 restricts ctl's fds to DOMID_IDLE, so every HYPERCALL it needs is EPERM", () => {
    const { ctl, hw, qemu } = split();
    assert.equal(ctl?.privcmd, "domU");
    assert.equal(ctl?.restrictedTo, DOMID_IDLE);
    // ctl (control, pvh) may use xen_version/version (anyone), createdomain, pausedomain and
    // physinfo (is_control_domain); set_address_size needs a PV target and the system has none;
    // multicall has no XSM operation in the catalogue
    assert.deepEqual(ctl?.counts, {
      needed: 4,
      allowed: 0,
      conditional: 0,
      blocked: 4,
      neverUsable: 1,
      allowedNeverUsable: 0,
    });
    const pause = ctl?.blocked.find((b) => b.op === "domctl/pausedomain");
    assert.deepEqual(
      [pause?.errno, pause?.step?.what, pause?.step?.ref, pause?.may],
      ["EPERM", "a restricted fd may not use HYPERCALL", "privcmd.c:10", "all"],
    );
    assert.deepEqual(ctl?.unchecked, { total: 1, blocked: ["multicall"] });
    // domain 0 is Linux's initial domain: its fds start unrestricted
    assert.deepEqual([hw?.privcmd, hw?.restrictedTo], ["dom0", undefined]);
    // the device-model stub domain's fds are restricted to its target, `guest`
    assert.deepEqual([qemu?.roles, qemu?.restrictedTo], [["device model of guest"], 2]);
  });

  test("unrestricted counts only without lockdown; then the profile alone decides", () => {
    assert.deepEqual(split({ lockedDown: true, unrestricted: true }).ctl, split().ctl);
    const { ctl } = split({ lockedDown: false, unrestricted: true });
    assert.equal(ctl?.restrictedTo, undefined);
    assert.deepEqual([ctl?.counts.allowed, ctl?.counts.conditional, ctl?.counts.blocked], [3, 1, 0]);
    // createdomain is allowed only with altp2m_opts = 0: with conditions, not blocked
    const create = ctl?.conditional[0];
    assert.deepEqual([create?.op, create?.step?.ref], ["domctl/createdomain", "filter.c:24"]);
  });

  test("--initial-domain moves Linux's initial domain: ctl unrestricted, domain 0 restricted", () => {
    const { ctl, hw } = split({ lockedDown: true, initialDomain: "ctl" });
    assert.deepEqual([ctl?.privcmd, ctl?.counts.blocked], ["dom0", 0]);
    assert.deepEqual([hw?.privcmd, hw?.restrictedTo], ["domU", DOMID_IDLE]);
  });

  test("a hardware-only domain 0: the filter lets through what only a control domain may use", () => {
    const { hw } = split();
    assert.deepEqual(
      hw?.unusable.map((u) => [u.op, u.verdict]),
      [
        ["domctl/createdomain", "conditional"],
        ["domctl/pausedomain", "allowed"],
        ["domctl/set_address_size", "conditional"],
        ["sysctl/physinfo", "allowed"],
      ],
    );
    assert.deepEqual(hw?.unusable[1]?.why, [
      "is_control_domain(src): false [xen/include/xsm/dummy.h:98] on ctl",
    ]);
  });

  test("the restrict profile restricts each fd to the call's domain: HYPERCALL is EPERM even in dom0", () => {
    const { hw } = split({ lockedDown: true, restrictEachFd: true, domains: ["hw"] }, NONE);
    assert.deepEqual(
      hw?.blocked.map((b) => [b.op, b.errno]),
      [["xen_version/version", "EPERM"]],
    );
  });

  test("an unknown domain is a diagnostic with a suggestion", () => {
    assert.throws(
      () => split({ lockedDown: true, domains: ["clt"] }),
      (e: unknown) =>
        e instanceof InputError &&
        e.diagnostics[0]?.code === "privcmd/unknown-domain" &&
        /did you mean `ctl`/.test(e.diagnostics[0]?.help ?? ""),
    );
  });

  // With no profile, no restriction and no lockdown every operation is allowed, so the lists are
  // exactly Xen's side: compare them with the full evaluator over every target, not the index.
  for (const file of [
    "examples/x86-classic.yaml",
    "examples/seed-hwdom-qemu.yaml",
    "examples/x86-stubdoms.yaml",
    "examples/arm-dom0less-split.yaml",
  ])
    test(`needed and never usable agree with the full evaluator: ${file}`, () => {
      const model = modelOf(file);
      const hypercalls = loadHypercallCatalogue("4.22.0");
      const names = model.domains.map((d) => d.name);
      const got = checkNeeds(
        model,
        hypercalls,
        NONE,
        { linux: LINUX },
        { lockedDown: false, unrestricted: true, domains: names },
      );
      const arch = model.system.build.arch;
      const xsmOps = xsmOperationsOf(XEN.operations);
      const rows = privcmdRows(hypercalls)
        .filter((r) =>
          arch === "arm" ? r.hypercall.callers.arm : r.hypercall.callers.x86pv || r.hypercall.callers.x86hvm,
        )
        .filter((r) => !r.subop || r.subop.arch.includes(arch))
        .map((r) => ({ ...r, ops: xsmOps(r.id, r.hypercall.name) }));
      for (const d of got) {
        const src = model.byName.get(d.domain);
        assert.ok(src);
        const mayUse = (op: Operation) =>
          model.opsById.has(op.id) &&
          targetsOf(model, op).some((t) => evaluate(model, op, src, t).decision === "allow");
        // without an XSM operation, only the hypercall table of its guest type keeps a domain out
        const table = arch === "arm" ? "arm" : src.type === "pv" ? "x86pv" : "x86hvm";
        const never = rows
          .filter((r) => (r.ops.length ? !r.ops.some(mayUse) : !r.hypercall.callers[table]))
          .map((r) => r.id);
        const unchecked = rows.filter((r) => !r.ops.length && r.hypercall.callers[table]).length;
        assert.equal(d.unchecked.total, unchecked, d.domain);
        assert.equal(d.counts.neverUsable, never.length, d.domain);
        assert.equal(d.counts.needed, rows.length - never.length - unchecked, d.domain);
        assert.deepEqual(
          d.unusable.map((u) => u.op),
          never,
          d.domain,
        );
        assert.deepEqual([d.counts.blocked, d.counts.conditional], [0, 0]);
      }
    });
});

/** Every target the operation can name: each domain of the system and its system domains, or none. */
function targetsOf(model: Model, op: Operation) {
  if (op.target.kind === "none") return [null];
  return [...model.domains, ...op.target.system.map((s) => model.systemDomains[s])];
}
