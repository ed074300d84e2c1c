/**
 * Property tests for the XSM policy modules (fast-check). Every invariant below was checked by hand against
 * Xen's sources and postings (see the header of truth-tables.test.ts for the quoted code):
 *   dummy.h / silo.c @ RELEASE-4.22.0; hw-priv-v1 = seed 20250306220343.203047-16-jason.andryuk@amd.com;
 *   hw-priv-2025-06 = 20250610225737.469690-{2,4,5}-jason.andryuk@amd.com;
 *   hw-priv-v2 = 20250716211504.291104-{2,4,5,7}-jason.andryuk@amd.com.
 *
 * Closed forms used (C/H/M are false under PV_SHIM_EXCLUSIVE; N = target has not-hypercall-target, v2 only,
 * false under PV_SHIM_EXCLUSIVE; S = src == target; T = target && src->target == target):
 *   dummy/silo: TARGET S|T|C   XS_PRIV X|T|C    DM_PRIV T|C     PRIV C
 *   v1:         TARGET S|T|C   XS_PRIV X|T|C    DM_PRIV T|C|H   PRIV C    HW_PRIV H
 *   June:       TARGET S|M|T|C XS_PRIV X|M|T|C  DM_PRIV M|T|C   PRIV C    HW_PRIV H|C
 *   v2:         TARGET S|!N&(M|T|C)  XS_PRIV X|C|!N&(M|T)  DM_PRIV !N&(M|T|C)  PRIV !N&C  HW_PRIV H
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import type { Action } from "../model/action.js";
import { type BuildFacts, DEFAULT_BUILD } from "../model/build.js";
import type { Step, Verdict } from "../model/decision.js";
import { type Capabilities, type Domain, makeDomain, systemDomain } from "../model/domain.js";
import { getPolicy } from "./registry.js";
import type { HookCall, PolicyModule } from "./types.js";

const MODULES = ["dummy", "silo", "hw-priv-v1", "hw-priv-2025-06", "hw-priv-v2"] as const;
type ModuleName = (typeof MODULES)[number];
const UPSTREAM = ["HOOK", "TARGET", "XS_PRIV", "DM_PRIV", "PRIV"] as const satisfies readonly Action[];
const WITH_HW = [...UPSTREAM, "HW_PRIV"] as const satisfies readonly Action[];

function policy(name: ModuleName): PolicyModule {
  return getPolicy(name);
}
function knownActions(name: ModuleName): readonly Action[] {
  return name.startsWith("hw-priv") ? WITH_HW : UPSTREAM;
}

const RUNS = { numRuns: 400 };

// ---------------------------------------------------------------------------------------------------------------
// arbitraries
// ---------------------------------------------------------------------------------------------------------------

const capsArb: fc.Arbitrary<Capabilities> = fc.record({
  control: fc.boolean(),
  hardware: fc.boolean(),
  xenstore: fc.boolean(),
  deviceModel: fc.boolean(),
  notHypercallTarget: fc.boolean(),
});

const RELS = ["null", "self", "own", "other", "dom_xen", "dom_io"] as const;
type Rel = (typeof RELS)[number];

interface Scn {
  readonly srcCaps: Capabilities;
  readonly rel: Rel;
  /** caps of the target for own/other (hardware is forced off: there is only one hardware domain) */
  readonly targetCaps: Capabilities;
  /** for relations other than own: src is some other domain's device model (->target points elsewhere) */
  readonly stray: boolean;
}

const scnArb: fc.Arbitrary<Scn> = fc.record({
  srcCaps: capsArb,
  rel: fc.constantFrom(...RELS),
  targetCaps: capsArb.map((c) => ({ ...c, hardware: false })),
  stray: fc.boolean(),
});

const buildArb: fc.Arbitrary<BuildFacts> = fc
  .record({
    arch: fc.constantFrom("x86" as const, "arm" as const),
    verboseDebug: fc.boolean(),
    lateHwdom: fc.boolean(),
    pvShimExclusive: fc.boolean(),
    phase: fc.constantFrom("boot" as const, "running" as const),
  })
  .map((b) => ({ ...DEFAULT_BUILD, ...b }));

const SRC_ID = 5;
const TARGET_ID = 7;
const STRAY_ID = 42;

function realise(s: Scn): { src: Domain; target: Domain | null } {
  const strayTarget = s.stray ? STRAY_ID : null;
  switch (s.rel) {
    case "null":
      return { src: makeDomain({ domid: SRC_ID, caps: s.srcCaps, target: strayTarget }), target: null };
    case "self": {
      const src = makeDomain({ domid: SRC_ID, caps: s.srcCaps, target: strayTarget });
      return { src, target: src };
    }
    case "own":
      return {
        src: makeDomain({ domid: SRC_ID, caps: s.srcCaps, target: TARGET_ID }),
        target: makeDomain({ domid: TARGET_ID, caps: s.targetCaps, type: "hvm" }),
      };
    case "other":
      return {
        src: makeDomain({ domid: SRC_ID, caps: s.srcCaps, target: strayTarget }),
        target: makeDomain({ domid: TARGET_ID, caps: s.targetCaps, type: "hvm" }),
      };
    case "dom_xen":
    case "dom_io":
      return {
        src: makeDomain({ domid: SRC_ID, caps: s.srcCaps, target: strayTarget }),
        target: systemDomain(s.rel),
      };
  }
}

function allowed(name: ModuleName, action: Action, s: Scn, b: BuildFacts): boolean {
  const { src, target } = realise(s);
  return policy(name).defaultAction(action, src, target, b).allowed;
}

/** No domain in the scenario carries the v2-only not-hypercall-target flag. */
function noNht(s: Scn): Scn {
  return {
    ...s,
    srcCaps: { ...s.srcCaps, notHypercallTarget: false },
    targetCaps: { ...s.targetCaps, notHypercallTarget: false },
  };
}

function withSrcCap(s: Scn, k: keyof Capabilities): Scn {
  return { ...s, srcCaps: { ...s.srcCaps, [k]: true } };
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === "object" && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o as object)) deepFreeze(v);
  }
  return o;
}

const STEP_KINDS: readonly Step["kind"][] = [
  "lookup",
  "gate",
  "hook",
  "case",
  "predicate",
  "skip",
  "result",
  "note",
];

function checkVerdictShape(v: Verdict, where: string): void {
  assert.equal(typeof v.allowed, "boolean", `${where}: allowed is boolean`);
  assert.ok(Array.isArray(v.steps) && v.steps.length > 0, `${where}: steps non-empty`);
  for (const st of v.steps) {
    assert.ok(STEP_KINDS.includes(st.kind), `${where}: step kind ${String(st.kind)}`);
    assert.equal(typeof st.what, "string", `${where}: step.what`);
    assert.ok(st.what.length > 0, `${where}: step.what non-empty`);
    assert.ok(Number.isInteger(st.depth) && st.depth >= 0 && st.depth <= 2, `${where}: depth ${st.depth}`);
    assert.ok(st.value === undefined || typeof st.value === "boolean", `${where}: value`);
    assert.ok(st.ref === undefined || typeof st.ref === "string", `${where}: ref`);
  }
  const last = v.steps[v.steps.length - 1];
  if (last && last.kind === "result" && last.value !== undefined) {
    assert.equal(last.value, v.allowed, `${where}: final result step agrees with allowed`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// universal properties
// ---------------------------------------------------------------------------------------------------------------

describe("every module", () => {
  for (const name of MODULES) {
    it(`${name}: XSM_HOOK is always allowed`, () => {
      fc.assert(
        fc.property(scnArb, buildArb, (s, b) => allowed(name, "HOOK", s, b)),
        RUNS,
      );
    });

    it(`${name}: XSM_OTHER is never allowed (and does not throw)`, () => {
      fc.assert(
        fc.property(scnArb, buildArb, (s, b) => !allowed(name, "OTHER", s, b)),
        RUNS,
      );
    });

    it(`${name}: verdicts are well-formed, deterministic, and do not mutate their inputs`, () => {
      fc.assert(
        fc.property(scnArb, buildArb, fc.constantFrom(...knownActions(name)), (s, b, action) => {
          const { src, target } = realise(s);
          deepFreeze(src);
          deepFreeze(target);
          const fb = deepFreeze({ ...b });
          const v1 = policy(name).defaultAction(action, src, target, fb);
          const v2 = policy(name).defaultAction(action, src, target, fb);
          checkVerdictShape(v1, `${name} ${action}`);
          assert.deepEqual(v1, v2);
          return true;
        }),
        { numRuns: 200 },
      );
    });

    it(`${name}: target roles other than not-hypercall-target never matter`, () => {
      fc.assert(
        fc.property(
          scnArb,
          buildArb,
          capsArb,
          fc.constantFrom(...knownActions(name)),
          (s, b, other, action) => {
            fc.pre(s.rel === "own" || s.rel === "other");
            const s2: Scn = {
              ...s,
              targetCaps: { ...other, hardware: false, notHypercallTarget: s.targetCaps.notHypercallTarget },
            };
            return allowed(name, action, s, b) === allowed(name, action, s2, b);
          },
        ),
        RUNS,
      );
    });

    it(`${name}: under PV_SHIM_EXCLUSIVE control, hardware, device-model and not-hypercall-target are inert`, () => {
      const strip = (c: Capabilities): Capabilities => ({
        ...c,
        control: false,
        hardware: false,
        deviceModel: false,
        notHypercallTarget: false,
      });
      fc.assert(
        fc.property(scnArb, buildArb, fc.constantFrom(...knownActions(name)), (s, b0, action) => {
          const b = { ...b0, pvShimExclusive: true };
          const s2: Scn = { ...s, srcCaps: strip(s.srcCaps), targetCaps: strip(s.targetCaps) };
          return allowed(name, action, s, b) === allowed(name, action, s2, b);
        }),
        RUNS,
      );
    });

    it(`${name}: the idle domain after boot has exactly the rights of a role-less domain`, () => {
      fc.assert(
        fc.property(
          fc.option(capsArb, { nil: null }),
          fc.constantFrom(...knownActions(name)),
          buildArb,
          (tcaps, action, b0) => {
            const b = { ...b0, phase: "running" as const };
            const target =
              tcaps === null ? null : makeDomain({ domid: TARGET_ID, caps: { ...tcaps, hardware: false } });
            const idle = systemDomain("idle");
            const plain = makeDomain({ domid: SRC_ID });
            const mod = policy(name);
            return (
              mod.defaultAction(action, idle, target, b).allowed ===
              mod.defaultAction(action, plain, target, b).allowed
            );
          },
        ),
        RUNS,
      );
    });

    it(`${name}: the idle domain during boot is privileged (PRIV with a NULL target), unless PV shim`, () => {
      const idle = systemDomain("idle");
      const mod = policy(name);
      assert.equal(mod.defaultAction("PRIV", idle, null, { ...DEFAULT_BUILD, phase: "boot" }).allowed, true);
      assert.equal(
        mod.defaultAction("PRIV", idle, null, { ...DEFAULT_BUILD, phase: "running" }).allowed,
        false,
      );
      assert.equal(
        mod.defaultAction("PRIV", idle, null, { ...DEFAULT_BUILD, phase: "boot", pvShimExclusive: true })
          .allowed,
        false,
      );
    });
  }

  for (const name of ["dummy", "silo"] as const) {
    it(`${name}: HW_PRIV is unknown and never allowed`, () => {
      fc.assert(
        fc.property(scnArb, buildArb, (s, b) => {
          try {
            return !allowed(name, "HW_PRIV", s, b);
          } catch {
            return true;
          }
        }),
        RUNS,
      );
    });
  }
});

// ---------------------------------------------------------------------------------------------------------------
// dummy: the closed forms of xen-xsm-model.md §1.3, control, monotonicity, irrelevance of H/M/NHT
// ---------------------------------------------------------------------------------------------------------------

describe("dummy", () => {
  it("agrees with the closed forms (§1.3): TARGET S|T|C, XS_PRIV X|T|C, DM_PRIV T|C, PRIV C", () => {
    fc.assert(
      fc.property(scnArb, buildArb, (s, b) => {
        const { src, target } = realise(s);
        const C = s.srcCaps.control && !b.pvShimExclusive;
        const X = s.srcCaps.xenstore;
        const S = target !== null && target.domid === src.domid;
        const T = target !== null && src.target === target.domid;
        assert.equal(allowed("dummy", "TARGET", s, b), S || T || C, "TARGET");
        assert.equal(allowed("dummy", "XS_PRIV", s, b), X || T || C, "XS_PRIV");
        assert.equal(allowed("dummy", "DM_PRIV", s, b), T || C, "DM_PRIV");
        assert.equal(allowed("dummy", "PRIV", s, b), C, "PRIV");
        return true;
      }),
      RUNS,
    );
  });

  it("a control src is allowed every non-OTHER action (outside PV shim)", () => {
    fc.assert(
      fc.property(scnArb, buildArb, (s0, b0) => {
        const s = withSrcCap(s0, "control");
        const b = { ...b0, pvShimExclusive: false };
        return UPSTREAM.every((a) => allowed("dummy", a, s, b));
      }),
      RUNS,
    );
  });

  it("DM_PRIV allowed implies control or the src->target relation (never a NULL target without control)", () => {
    fc.assert(
      fc.property(scnArb, buildArb, (s, b) => {
        const { src, target } = realise(s);
        if (!allowed("dummy", "DM_PRIV", s, b)) return true;
        const C = s.srcCaps.control && !b.pvShimExclusive;
        return C || (target !== null && src.target === target.domid);
      }),
      RUNS,
    );
  });

  it("XS_PRIV does not include self: a role-less domain is denied XS_PRIV on itself", () => {
    fc.assert(
      fc.property(buildArb, fc.boolean(), (b, nht) => {
        const d = makeDomain({ domid: SRC_ID, caps: { notHypercallTarget: nht } });
        return !policy("dummy").defaultAction("XS_PRIV", d, d, b).allowed;
      }),
      RUNS,
    );
  });

  it("is_hardware_domain, the device-model cap and not-hypercall-target are never consulted", () => {
    fc.assert(
      fc.property(scnArb, buildArb, fc.constantFrom(...UPSTREAM), (s, b, a) => {
        const flipped: Scn = {
          ...s,
          srcCaps: {
            ...s.srcCaps,
            hardware: !s.srcCaps.hardware,
            deviceModel: !s.srcCaps.deviceModel,
            notHypercallTarget: !s.srcCaps.notHypercallTarget,
          },
          targetCaps: { ...s.targetCaps, notHypercallTarget: !s.targetCaps.notHypercallTarget },
        };
        return allowed("dummy", a, s, b) === allowed("dummy", a, flipped, b);
      }),
      RUNS,
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------
// monotonicity in the src's capabilities, and the ordering of actions
// ---------------------------------------------------------------------------------------------------------------

describe("monotonicity", () => {
  const ALL_CAPS = ["control", "hardware", "xenstore", "deviceModel", "notHypercallTarget"] as const;

  // dummy, silo, v1, June read no not-hypercall-target and their formulas are positive in every role,
  // so adding any capability to src never removes a permission.
  for (const name of ["dummy", "silo", "hw-priv-v1", "hw-priv-2025-06"] as const) {
    it(`${name}: adding a capability to src never removes a permission`, () => {
      fc.assert(
        fc.property(
          scnArb,
          buildArb,
          fc.constantFrom(...ALL_CAPS),
          fc.constantFrom(...knownActions(name)),
          (s, b, k, a) => {
            return !allowed(name, a, s, b) || allowed(name, a, withSrcCap(s, k), b);
          },
        ),
        RUNS,
      );
    });
  }

  it("hw-priv-v2: adding control/hardware/xenstore/device-model to src never removes a permission", () => {
    fc.assert(
      fc.property(
        scnArb,
        buildArb,
        fc.constantFrom("control" as const, "hardware" as const, "xenstore" as const, "deviceModel" as const),
        fc.constantFrom(...WITH_HW),
        (s, b, k, a) => !allowed("hw-priv-v2", a, s, b) || allowed("hw-priv-v2", a, withSrcCap(s, k), b),
      ),
      RUNS,
    );
  });

  it("hw-priv-v2: marking the target not-hypercall-target never adds a permission", () => {
    fc.assert(
      fc.property(scnArb, buildArb, fc.constantFrom(...WITH_HW), (s, b, a) => {
        let marked: Scn;
        if (s.rel === "self") marked = withSrcCap(s, "notHypercallTarget");
        else marked = { ...s, targetCaps: { ...s.targetCaps, notHypercallTarget: true } };
        return allowed("hw-priv-v2", a, s, b) || !allowed("hw-priv-v2", a, marked, b);
      }),
      RUNS,
    );
  });

  it("hw-priv-v2 is NOT monotone in not-hypercall-target: control loses PRIV on itself once it is marked", () => {
    const mod = policy("hw-priv-v2");
    const before = makeDomain({ domid: 1, caps: { control: true } });
    const after = makeDomain({ domid: 1, caps: { control: true, notHypercallTarget: true } });
    assert.equal(mod.defaultAction("PRIV", before, before, DEFAULT_BUILD).allowed, true);
    assert.equal(mod.defaultAction("PRIV", after, after, DEFAULT_BUILD).allowed, false);
  });

  // PRIV => DM_PRIV => TARGET and DM_PRIV => XS_PRIV ("almost linearly increasing permissions",
  // seed commit text) hold for dummy, silo, June and v2.
  for (const name of ["dummy", "silo", "hw-priv-2025-06", "hw-priv-v2"] as const) {
    it(`${name}: PRIV => DM_PRIV => TARGET, DM_PRIV => XS_PRIV, everything => HOOK`, () => {
      fc.assert(
        fc.property(scnArb, buildArb, (s, b) => {
          const p = allowed(name, "PRIV", s, b);
          const dm = allowed(name, "DM_PRIV", s, b);
          const t = allowed(name, "TARGET", s, b);
          const xs = allowed(name, "XS_PRIV", s, b);
          return (!p || dm) && (!dm || t) && (!dm || xs) && allowed(name, "HOOK", s, b);
        }),
        RUNS,
      );
    });
  }

  it("hw-priv-v1: PRIV => DM_PRIV still holds", () => {
    fc.assert(
      fc.property(
        scnArb,
        buildArb,
        (s, b) => !allowed("hw-priv-v1", "PRIV", s, b) || allowed("hw-priv-v1", "DM_PRIV", s, b),
      ),
      RUNS,
    );
  });

  it("hw-priv-v1 breaks DM_PRIV => TARGET and DM_PRIV => XS_PRIV: the hwdom may DM_PRIV any domain", () => {
    const mod = policy("hw-priv-v1");
    const hw = makeDomain({ domid: 2, caps: { hardware: true } });
    const other = makeDomain({ domid: 9 });
    assert.equal(mod.defaultAction("DM_PRIV", hw, other, DEFAULT_BUILD).allowed, true);
    assert.equal(mod.defaultAction("DM_PRIV", hw, null, DEFAULT_BUILD).allowed, true);
    assert.equal(mod.defaultAction("TARGET", hw, other, DEFAULT_BUILD).allowed, false);
    assert.equal(mod.defaultAction("XS_PRIV", hw, other, DEFAULT_BUILD).allowed, false);
  });

  it("hw-priv-2025-06: PRIV => HW_PRIV (HW_PRIV is not exclusive: it falls through into PRIV)", () => {
    fc.assert(
      fc.property(
        scnArb,
        buildArb,
        (s, b) => !allowed("hw-priv-2025-06", "PRIV", s, b) || allowed("hw-priv-2025-06", "HW_PRIV", s, b),
      ),
      RUNS,
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------
// HW_PRIV exclusivity
// ---------------------------------------------------------------------------------------------------------------

describe("HW_PRIV", () => {
  for (const name of ["hw-priv-v1", "hw-priv-v2"] as const) {
    it(`${name}: HW_PRIV <=> is_hardware_domain(src) (exclusive; any target)`, () => {
      fc.assert(
        fc.property(scnArb, buildArb, (s, b) => {
          return allowed(name, "HW_PRIV", s, b) === (s.srcCaps.hardware && !b.pvShimExclusive);
        }),
        RUNS,
      );
    });

    it(`${name}: a control domain that is not the hwdom is NOT allowed everything (it loses HW_PRIV)`, () => {
      const ctl = makeDomain({ domid: 1, caps: { control: true, xenstore: true, deviceModel: true } });
      const mod = policy(name);
      for (const a of UPSTREAM) assert.equal(mod.defaultAction(a, ctl, null, DEFAULT_BUILD).allowed, true, a);
      assert.equal(mod.defaultAction("HW_PRIV", ctl, null, DEFAULT_BUILD).allowed, false);
    });
  }

  it("hw-priv-2025-06: HW_PRIV <=> hwdom or control; a control src is allowed every known action", () => {
    fc.assert(
      fc.property(scnArb, buildArb, (s, b) => {
        const C = s.srcCaps.control && !b.pvShimExclusive;
        const H = s.srcCaps.hardware && !b.pvShimExclusive;
        assert.equal(allowed("hw-priv-2025-06", "HW_PRIV", s, b), H || C);
        if (C) for (const a of WITH_HW) assert.ok(allowed("hw-priv-2025-06", a, s, b), a);
        return true;
      }),
      RUNS,
    );
  });

  it("hw-priv-v1 and hw-priv-v2 agree on HW_PRIV", () => {
    fc.assert(
      fc.property(
        scnArb,
        buildArb,
        (s, b) => allowed("hw-priv-v1", "HW_PRIV", s, b) === allowed("hw-priv-v2", "HW_PRIV", s, b),
      ),
      RUNS,
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------
// comparisons with dummy
// ---------------------------------------------------------------------------------------------------------------

describe("variants versus dummy on the upstream actions", () => {
  it("silo's xsm_default_action is dummy's", () => {
    fc.assert(
      fc.property(scnArb, buildArb, fc.constantFrom(...UPSTREAM, "OTHER" as const), (s, b, a) => {
        return allowed("silo", a, s, b) === allowed("dummy", a, s, b);
      }),
      RUNS,
    );
  });

  for (const name of ["hw-priv-v1", "hw-priv-2025-06"] as const) {
    it(`${name} never denies what dummy allows (it only adds grants)`, () => {
      fc.assert(
        fc.property(scnArb, buildArb, fc.constantFrom(...UPSTREAM), (s, b, a) => {
          return !allowed("dummy", a, s, b) || allowed(name, a, s, b);
        }),
        RUNS,
      );
    });
  }

  it("hw-priv-v2 never denies what dummy allows when no domain is marked not-hypercall-target", () => {
    fc.assert(
      fc.property(scnArb, buildArb, fc.constantFrom(...UPSTREAM), (s0, b, a) => {
        const s = noNht(s0);
        return !allowed("dummy", a, s, b) || allowed("hw-priv-v2", a, s, b);
      }),
      RUNS,
    );
  });

  it("hw-priv-v2 can deny what dummy allows: control on a not-hypercall-target domain", () => {
    const ctl = makeDomain({ domid: 1, caps: { control: true } });
    const nht = makeDomain({ domid: 9, caps: { notHypercallTarget: true } });
    assert.equal(policy("dummy").defaultAction("PRIV", ctl, nht, DEFAULT_BUILD).allowed, true);
    assert.equal(policy("hw-priv-v2").defaultAction("PRIV", ctl, nht, DEFAULT_BUILD).allowed, false);
    // ...but v2 06/17 lets control (and xenstore) through XS_PRIV before the hypercall-target test.
    assert.equal(policy("hw-priv-v2").defaultAction("XS_PRIV", ctl, nht, DEFAULT_BUILD).allowed, true);
  });

  it("hw-priv-2025-06 equals dummy when src has no device-model cap", () => {
    fc.assert(
      fc.property(scnArb, buildArb, fc.constantFrom(...UPSTREAM), (s0, b, a) => {
        const s: Scn = { ...s0, srcCaps: { ...s0.srcCaps, deviceModel: false } };
        return allowed("hw-priv-2025-06", a, s, b) === allowed("dummy", a, s, b);
      }),
      RUNS,
    );
  });

  it("hw-priv-v1 equals dummy when src is not the hardware domain", () => {
    fc.assert(
      fc.property(scnArb, buildArb, fc.constantFrom(...UPSTREAM), (s0, b, a) => {
        const s: Scn = { ...s0, srcCaps: { ...s0.srcCaps, hardware: false } };
        return allowed("hw-priv-v1", a, s, b) === allowed("dummy", a, s, b);
      }),
      RUNS,
    );
  });

  it("hw-priv-v2 equals hw-priv-2025-06 on the upstream actions when nothing is not-hypercall-target", () => {
    fc.assert(
      fc.property(scnArb, buildArb, fc.constantFrom(...UPSTREAM), (s0, b, a) => {
        const s = noNht(s0);
        return allowed("hw-priv-v2", a, s, b) === allowed("hw-priv-2025-06", a, s, b);
      }),
      RUNS,
    );
  });

  it("only hw-priv-v2 reads not-hypercall-target", () => {
    fc.assert(
      fc.property(
        scnArb,
        buildArb,
        fc.constantFrom("dummy" as const, "silo" as const, "hw-priv-v1" as const, "hw-priv-2025-06" as const),
        (s, b, name) => {
          const s2: Scn = {
            ...s,
            srcCaps: { ...s.srcCaps, notHypercallTarget: !s.srcCaps.notHypercallTarget },
            targetCaps: { ...s.targetCaps, notHypercallTarget: !s.targetCaps.notHypercallTarget },
          };
          return knownActions(name).every((a) => allowed(name, a, s, b) === allowed(name, a, s2, b));
        },
      ),
      RUNS,
    );
  });

  it("hw-priv-v2: v2 agrees with its closed form", () => {
    fc.assert(
      fc.property(scnArb, buildArb, (s, b) => {
        const { src, target } = realise(s);
        const shim = b.pvShimExclusive;
        const C = s.srcCaps.control && !shim;
        const H = s.srcCaps.hardware && !shim;
        const M = s.srcCaps.deviceModel && !shim;
        const X = s.srcCaps.xenstore;
        const S = target !== null && target.domid === src.domid;
        const T = target !== null && src.target === target.domid;
        const N = (target?.caps.notHypercallTarget ?? false) && !shim;
        assert.equal(allowed("hw-priv-v2", "TARGET", s, b), S || (!N && (M || T || C)), "TARGET");
        assert.equal(allowed("hw-priv-v2", "XS_PRIV", s, b), X || C || (!N && (M || T)), "XS_PRIV");
        assert.equal(allowed("hw-priv-v2", "DM_PRIV", s, b), !N && (M || T || C), "DM_PRIV");
        assert.equal(allowed("hw-priv-v2", "PRIV", s, b), !N && C, "PRIV");
        assert.equal(allowed("hw-priv-v2", "HW_PRIV", s, b), H, "HW_PRIV");
        return true;
      }),
      RUNS,
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------
// hooks
// ---------------------------------------------------------------------------------------------------------------

const poolCapsArb: fc.Arbitrary<Capabilities> = capsArb.map((c) => ({
  ...c,
  hardware: false,
  notHypercallTarget: false,
}));

/** Three non-system domains drawn from ids 10..12 (so that coincidences d1 == d2 etc. happen often). */
const trioArb = fc
  .tuple(
    fc.integer({ min: 10, max: 12 }),
    fc.integer({ min: 10, max: 12 }),
    fc.integer({ min: 10, max: 12 }),
    poolCapsArb,
    poolCapsArb,
    poolCapsArb,
  )
  .map(([i, j, k, ci, cj, ck]) => {
    // one capability set per domid, so that equal ids are the same domain
    const caps: Record<number, Capabilities> = { [i]: ci };
    caps[j] ??= cj;
    caps[k] ??= ck;
    // one object per domid, so that "the same domain" is the same object and has the same domid
    const made = new Map<number, Domain>();
    const dom = (id: number): Domain => {
      let d = made.get(id);
      if (!d) {
        d = makeDomain({ domid: id, caps: caps[id] ?? ci });
        made.set(id, d);
      }
      return d;
    };
    return { cur: dom(i), d1: dom(j), d2: dom(k) };
  });

function hookAllowed(name: ModuleName, call: HookCall, b: BuildFacts): boolean {
  return policy(name).hook(call, b).allowed;
}

const SILO_HOOKS = [
  "grant_mapref",
  "grant_transfer",
  "grant_copy",
  "evtchn_interdomain",
  "evtchn_unbound",
] as const;

function siloCall(hook: (typeof SILO_HOOKS)[number], cur: Domain, d1: Domain, d2: Domain): HookCall {
  if (hook === "evtchn_unbound") {
    return {
      hook,
      action: "TARGET",
      current: cur,
      domains: { d: d1, id2: d2 },
      values: {},
      src: "current",
      target: "d",
    };
  }
  return { hook, action: "HOOK", current: cur, domains: { d1, d2 }, values: {}, src: "d1", target: "d2" };
}

describe("silo hooks", () => {
  it("silo never allows more than dummy on the overridden hooks", () => {
    fc.assert(
      fc.property(trioArb, buildArb, fc.constantFrom(...SILO_HOOKS), ({ cur, d1, d2 }, b, hook) => {
        const c = siloCall(hook, cur, d1, d2);
        return !hookAllowed("silo", c, b) || hookAllowed("dummy", c, b);
      }),
      RUNS,
    );
  });

  it("silo = dummy && (C(current) | C(ldom) | C(rdom) | ldom == rdom) on the overridden hooks", () => {
    fc.assert(
      fc.property(trioArb, buildArb, fc.constantFrom(...SILO_HOOKS), ({ cur, d1, d2 }, b, hook) => {
        const c = siloCall(hook, cur, d1, d2);
        const C = (d: Domain): boolean => d.caps.control && !b.pvShimExclusive;
        const cond = C(cur) || C(d1) || C(d2) || d1.domid === d2.domid;
        return hookAllowed("silo", c, b) === (hookAllowed("dummy", c, b) && cond);
      }),
      RUNS,
    );
  });

  it("dummy: the grant/evtchn_interdomain hooks are XSM_HOOK and always allowed", () => {
    fc.assert(
      fc.property(
        trioArb,
        buildArb,
        fc.constantFrom(
          "grant_mapref" as const,
          "grant_transfer" as const,
          "grant_copy" as const,
          "evtchn_interdomain" as const,
        ),
        ({ cur, d1, d2 }, b, hook) => hookAllowed("dummy", siloCall(hook, cur, d1, d2), b),
      ),
      RUNS,
    );
  });

  it("silo equals dummy on hooks it does not override", () => {
    fc.assert(
      fc.property(trioArb, buildArb, ({ cur, d1, d2 }, b) => {
        const calls: HookCall[] = [
          {
            hook: "getdomaininfo",
            action: "XS_PRIV",
            current: cur,
            domains: { d: d1 },
            values: {},
            src: "current",
            target: "d",
          },
          {
            hook: "dm_op",
            action: "DM_PRIV",
            current: cur,
            domains: { d: d1 },
            values: {},
            src: "current",
            target: "d",
          },
          {
            hook: "grant_setup",
            action: "TARGET",
            current: cur,
            domains: { d1, d2 },
            values: {},
            src: "d1",
            target: "d2",
          },
          {
            hook: "evtchn_reset",
            action: "TARGET",
            current: cur,
            domains: { d1, d2 },
            values: {},
            src: "d1",
            target: "d2",
          },
          {
            hook: "kexec",
            action: "PRIV",
            current: cur,
            domains: {},
            values: {},
            src: "current",
            target: "null",
          },
          {
            hook: "console_io",
            action: "OTHER",
            current: d1,
            domains: { d: d1 },
            values: { cmd: "CONSOLEIO_read" },
            src: "d",
            target: "null",
          },
        ];
        return calls.every((c) => hookAllowed("silo", c, b) === hookAllowed("dummy", c, b));
      }),
      RUNS,
    );
  });
});

describe("hooks in general", () => {
  // Ordinary hooks (not XSM_OTHER, not overridden by silo) are xsm_default_action of the module's own action
  // for that hook with the named src/target.
  const ORDINARY: readonly (readonly [string, Action, string, string])[] = [
    ["getdomaininfo", "XS_PRIV", "current", "d"],
    ["dm_op", "DM_PRIV", "current", "d"],
    ["memory_exchange", "TARGET", "current", "d"],
    ["claim_pages", "PRIV", "current", "d"],
    ["kexec", "PRIV", "current", "null"],
    ["platform_op", "PRIV", "current", "null"],
    ["resource_setup_gsi", "PRIV", "current", "null"],
    ["apic", "PRIV", "d", "null"],
    ["schedop_shutdown", "DM_PRIV", "d1", "d2"],
    ["map_gmfn_foreign", "TARGET", "d", "t"],
  ];
  for (const name of MODULES) {
    it(`${name}: hook() = defaultAction(hookAction(hook, action), src, target) for ordinary hooks`, () => {
      fc.assert(
        fc.property(
          trioArb,
          buildArb,
          fc.constantFrom(...ORDINARY),
          fc.boolean(),
          ({ cur, d1, d2 }, b, [hook, action, srcName, targetName], d1IsDmOfD2) => {
            const mod = policy(name);
            const first =
              d1IsDmOfD2 && d1.domid !== d2.domid
                ? makeDomain({ ...d1, domid: d1.domid, target: d2.domid })
                : d1;
            const domains: Record<string, Domain> = { d: first, d1: first, d2, t: d2 };
            const resolve = (n: string): Domain | null =>
              n === "current" ? cur : n === "null" ? null : (domains[n] ?? null);
            const c: HookCall = {
              hook,
              action,
              current: cur,
              domains,
              values: {},
              src: srcName,
              target: targetName,
            };
            const src = resolve(srcName);
            assert.ok(src);
            const want = mod.defaultAction(
              mod.hookAction(hook, action).action,
              src,
              resolve(targetName),
              b,
            ).allowed;
            return mod.hook(c, b).allowed === want;
          },
        ),
        RUNS,
      );
    });
  }

  for (const name of MODULES) {
    it(`${name}: console_io is always allowed for an is_console domain`, () => {
      fc.assert(
        fc.property(
          poolCapsArb,
          buildArb,
          fc.constantFrom("CONSOLEIO_read", "CONSOLEIO_write"),
          (caps, b, cmd) => {
            const d = makeDomain({ domid: SRC_ID, caps, isConsole: true });
            return hookAllowed(
              name,
              {
                hook: "console_io",
                action: "OTHER",
                current: d,
                domains: { d },
                values: { cmd },
                src: "d",
                target: "null",
              },
              b,
            );
          },
        ),
        RUNS,
      );
    });

    it(`${name}: console writes are allowed for everyone under CONFIG_VERBOSE_DEBUG`, () => {
      fc.assert(
        fc.property(capsArb, buildArb, (caps, b0) => {
          const b = { ...b0, verboseDebug: true };
          const d = makeDomain({ domid: SRC_ID, caps });
          return hookAllowed(
            name,
            {
              hook: "console_io",
              action: "OTHER",
              current: d,
              domains: { d },
              values: { cmd: "CONSOLEIO_write" },
              src: "d",
              target: "null",
            },
            b,
          );
        }),
        RUNS,
      );
    });

    it(`${name}: xen_version version/platform_parameters/get_features (no check) and pagesize (HOOK) are always allowed`, () => {
      fc.assert(
        fc.property(
          capsArb,
          buildArb,
          fc.constantFrom(
            "XENVER_version",
            "XENVER_platform_parameters",
            "XENVER_get_features",
            "XENVER_pagesize",
          ),
          (caps, b, op) => {
            const cur = makeDomain({ domid: SRC_ID, caps });
            return hookAllowed(
              name,
              {
                hook: "xen_version",
                action: "OTHER",
                current: cur,
                domains: {},
                values: { op },
                src: "current",
                target: "null",
              },
              b,
            );
          },
        ),
        RUNS,
      );
    });

    it(`${name}: altp2m mode disabled is never allowed; XENPMU_init is always allowed`, () => {
      fc.assert(
        fc.property(capsArb, capsArb, buildArb, fc.boolean(), (c1, c2, b, own) => {
          const d = makeDomain({ domid: TARGET_ID, caps: { ...c2, hardware: false }, type: "hvm" });
          const cur = makeDomain({ domid: SRC_ID, caps: c1, target: own ? TARGET_ID : null });
          const altp2m: HookCall = {
            hook: "hvm_altp2mhvm_op",
            action: "OTHER",
            current: cur,
            domains: { d },
            values: { mode: "XEN_ALTP2M_disabled", op: "HVMOP_altp2m_vcpu_enable_notify" },
            src: "current",
            target: "d",
          };
          const pmu: HookCall = {
            hook: "pmu_op",
            action: "OTHER",
            current: cur,
            domains: { d: cur },
            values: { op: "XENPMU_init" },
            src: "d",
            target: "current",
          };
          return !hookAllowed(name, altp2m, b) && hookAllowed(name, pmu, b);
        }),
        RUNS,
      );
    });

    it(`${name}: hook verdicts are well-formed`, () => {
      fc.assert(
        fc.property(trioArb, buildArb, fc.constantFrom(...SILO_HOOKS), ({ cur, d1, d2 }, b, hook) => {
          checkVerdictShape(policy(name).hook(siloCall(hook, cur, d1, d2), b), `${name} ${hook}`);
          return true;
        }),
        { numRuns: 100 },
      );
    });
  }
});
