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
import { parseTrace } from "./parse-trace.js";
import type { Profile } from "./profile.js";
import type { ToolstackCalls } from "./toolstack-calls.js";

const XEN = loadCatalogue("4.22.0");
const modelOf = (file: string) => buildModel(XEN, loadSystemFile(file), getPolicy("dummy"));
const SPLIT = modelOf("test/fixtures/privcmd-check/split-control-domain.yaml");
const XS: Profile = { kind: "xenserver", id: "xenserver", title: "XenServer", facts: FILTER };
const NONE: Profile = { kind: "none", id: "none", title: "mainline" };
/** Small toolstack facts over the small catalogue, so these tests pin the engine, not the data. */
const TOOLSTACK: ToolstackCalls = {
  kind: "privcmd-toolstack-calls",
  toolstack: "test",
  source: "test",
  tag: "test",
  commit: "0000000000000000000000000000000000000000",
  what: "test",
  roles: {
    control: [
      { op: "domctl/createdomain", via: "HYPERCALL", target: "guest", issuer: "create", ref: "tools.c:1" },
      { op: "domctl/pausedomain", via: "HYPERCALL", target: "guest", issuer: "pause", ref: "tools.c:2" },
      { op: "sysctl/physinfo", via: "HYPERCALL", target: "none", issuer: "physinfo", ref: "tools.c:3" },
    ],
    hardware: [
      { op: "domctl/set_address_size", via: "HYPERCALL", target: "guest", issuer: "size", ref: "tools.c:4" },
    ],
    xenstore: [
      { op: "grant_table_op/map_grant_ref", via: "gntdev", target: "guest", issuer: "map", ref: "tools.c:5" },
      {
        op: "event_channel_op/bind_interdomain",
        via: "evtchn",
        target: "guest",
        issuer: "bind",
        ref: "tools.c:6",
      },
    ],
    "device-model": [{ op: "dm_op", via: "DM_OP", target: "dm-target", issuer: "dm", ref: "tools.c:7" }],
  },
};
const LOCKED: NeedsOptions = { lockedDown: true, toolstack: TOOLSTACK };

/** The small facts of test/support: xen_version/version, multicall, three domctls, sysctl/physinfo. */
function split(o: Partial<NeedsOptions> = {}, profile: Profile = XS): Record<string, DomainNeeds> {
  return Object.fromEntries(
    checkNeeds(SPLIT, CATALOGUE, profile, { linux: LINUX }, { ...LOCKED, ...o }).map((d) => [d.domain, d]),
  );
}

describe("privcmd check: a system's needs against a profile", () => {
  test("needed means the toolstack of the domain's roles issues it: ctl needs the control calls, all EPERM on its restricted fd", () => {
    const { ctl, qemu } = split();
    assert.equal(ctl?.privcmd, "domU");
    assert.equal(ctl?.restrictedTo, DOMID_IDLE);
    assert.equal(ctl?.needsFrom, "toolstack");
    // xen_version/version is allowed to every domain by Xen, yet no toolstack issues it: not needed
    assert.deepEqual(
      ctl?.needed.map((n) => [n.op, n.via, n.from, n.verdict]),
      [
        ["domctl/createdomain", "HYPERCALL", "create [tools.c:1]", "blocked"],
        ["domctl/pausedomain", "HYPERCALL", "pause [tools.c:2]", "blocked"],
        ["sysctl/physinfo", "HYPERCALL", "physinfo [tools.c:3]", "blocked"],
      ],
    );
    const pause = ctl?.blocked.find((b) => b.op === "domctl/pausedomain");
    assert.deepEqual(
      [pause?.errno, pause?.step?.what, pause?.step?.ref, pause?.may, pause?.call.dom],
      ["EPERM", "a restricted fd may not use HYPERCALL", "privcmd.c:10", "all", 2],
    );
    // the device model's DM_OP on its own target passes its restricted fd
    assert.deepEqual(
      qemu?.needed.map((n) => [n.op, n.call.dom, n.verdict]),
      [["dm_op", 2, "allowed"]],
    );
  });

  test("kernel-mediated calls (gntdev, evtchn) are not privcmd needs; xenstored runs in the control domain when no domain is the xenstore domain", () => {
    const { ctl, hw } = split();
    assert.deepEqual(
      ctl?.kernelMediated.map((k) => [k.op, k.via]),
      [
        ["grant_table_op/map_grant_ref", "gntdev"],
        ["event_channel_op/bind_interdomain", "evtchn"],
      ],
    );
    assert.equal(ctl?.counts.kernelMediated, 2);
    assert.equal(ctl?.needed.length, 3);
    assert.deepEqual(hw?.kernelMediated, []);
  });

  test("a conditional row says the condition under which the call passes", () => {
    const { hw } = split();
    const size = hw?.conditional[0];
    assert.deepEqual(
      [size?.op, size?.call.dom, size?.passesIf, size?.step],
      ["domctl/set_address_size", 2, ["the target domain is not domain 0"], undefined],
    );
  });

  test("a trace replaces the domain's roles: each fd keeps its RESTRICT", () => {
    const trace = parseTrace(
      [
        '{"fd":3,"ioctl":"HYPERCALL","hypercall":"sysctl","subop":"physinfo"}',
        '{"fd":4,"ioctl":"RESTRICT","dom":2}',
        '{"fd":4,"ioctl":"HYPERCALL","hypercall":"domctl","subop":"pausedomain","dom":2}',
      ].join("\n"),
      "t.jsonl",
      CATALOGUE,
    );
    const { hw } = split({ traces: new Map([["hw", trace]]) });
    assert.equal(hw?.needsFrom, "trace");
    assert.deepEqual(
      hw?.needed.map((n) => [n.op, n.from, n.verdict, n.errno]),
      [
        ["sysctl/physinfo", "trace line 1", "allowed", undefined],
        ["domctl/pausedomain", "trace line 3", "blocked", "EPERM"],
      ],
    );
  });

  test("unrestricted counts only without lockdown; then the profile alone decides", () => {
    assert.deepEqual(split({ unrestricted: true }).ctl, split().ctl);
    const { ctl } = split({ lockedDown: false, unrestricted: true });
    assert.equal(ctl?.restrictedTo, undefined);
    // the small facts filter whatever the lockdown: createdomain still has its condition
    assert.deepEqual([ctl?.counts.allowed, ctl?.counts.conditional, ctl?.counts.blocked], [2, 1, 0]);
  });

  test("--initial-domain moves Linux's initial domain: ctl unrestricted, domain 0 restricted", () => {
    const { ctl, hw } = split({ initialDomain: "ctl" });
    assert.deepEqual([ctl?.privcmd, ctl?.counts.blocked], ["dom0", 0]);
    // createdomain is allowed only with altp2m_opts = 0: with conditions, not blocked
    assert.deepEqual(
      ctl?.conditional.map((c) => [c.op, c.passesIf]),
      [["domctl/createdomain", ["altp2m_opts is 0"]]],
    );
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
    const { hw } = split({ restrictEachFd: true, domains: ["hw"] }, NONE);
    assert.deepEqual(
      hw?.blocked.map((b) => [b.op, b.errno]),
      [["domctl/set_address_size", "EPERM"]],
    );
  });

  test("an unknown domain is a diagnostic with a suggestion", () => {
    assert.throws(
      () => split({ domains: ["clt"] }),
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
    test(`never usable agrees with the full evaluator: ${file}`, () => {
      const model = modelOf(file);
      const hypercalls = loadHypercallCatalogue("4.22.0");
      const names = model.domains.map((d) => d.name);
      const got = checkNeeds(
        model,
        hypercalls,
        NONE,
        { linux: LINUX },
        { lockedDown: false, unrestricted: true, domains: names, toolstack: TOOLSTACK },
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
        assert.equal(
          d.counts.neverUsable,
          never.filter((id) => rows.find((r) => r.id === id)?.ops.length).length,
          d.domain,
        );
        // an operation without an XSM check is not Xen refusing it: only XSM-checked ones are listed
        assert.deepEqual(
          d.unusable.map((u) => u.op),
          never.filter((id) => rows.find((r) => r.id === id)?.ops.length),
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
