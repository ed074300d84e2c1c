import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { CATALOGUE, FILTER, LINUX } from "../../test/support/privcmd-facts.js";
import { ALLOW, CONDITIONAL, compileProfile, decideHypercall } from "./compile-profile.js";
import { ERRNO } from "./errno.js";
import { DOMID_IDLE, evaluateCall } from "./evaluate-call.js";
import { buildFilterProgram } from "./filter-program.js";
import { numberOf } from "./hypercall-catalogue.js";
import type { PrivcmdCall, PrivcmdContext } from "./privcmd-call.js";
import type { Profile } from "./profile.js";

const XS: Profile = { kind: "xenserver", id: "xenserver", title: "XenServer", facts: FILTER };
const NONE: Profile = { kind: "none", id: "none", title: "mainline" };
const DOM0: PrivcmdContext = { domain: "dom0", lockedDown: true };
const facts = { linux: LINUX };
const run = (call: PrivcmdCall, ctx: PrivcmdContext = DOM0, profile: Profile = XS) =>
  evaluateCall(call, ctx, profile, facts);
const verdict = (call: PrivcmdCall, ctx?: PrivcmdContext, profile?: Profile) => {
  const d = run(call, ctx, profile);
  return d.allowed ? "allowed" : d.errno;
};
const hc = (hypercall: string, subop?: string, extra: Partial<PrivcmdCall> = {}): PrivcmdCall => ({
  ioctl: "HYPERCALL",
  hypercall,
  ...(subop && { subop }),
  ...extra,
});

describe("privcmd emulator: the tricky cases of the reference (§10, 26-27)", () => {
  test("26. a fd restricted to 5: HYPERCALL is EPERM even for xen_version; RESTRICT 6 is EINVAL, 5 again is fine", () => {
    const r5: PrivcmdContext = { domain: "dom0", restrictedTo: 5 };
    assert.equal(verdict(hc("xen_version", "version"), r5, NONE), "EPERM");
    assert.equal(verdict({ ioctl: "RESTRICT", dom: 6 }, r5), "EINVAL");
    const again = run({ ioctl: "RESTRICT", dom: 5 }, r5);
    assert.deepEqual([again.allowed, again.restrictedTo], [true, 5]);
    assert.equal(verdict({ ioctl: "DM_OP", dom: 5 }, r5), "allowed");
    assert.equal(verdict({ ioctl: "DM_OP", dom: 7 }, r5), "EPERM");
  });

  test("26. in a domU the fd starts restricted (XSA-482); unrestricted is ignored under lockdown", () => {
    assert.equal(verdict({ ioctl: "DM_OP", dom: 3 }, { domain: "domU", xsTarget: 3 }), "allowed");
    assert.equal(verdict({ ioctl: "DM_OP", dom: 4 }, { domain: "domU", xsTarget: 3 }), "EPERM");
    assert.equal(run({ ioctl: "DM_OP", dom: 4 }, { domain: "domU" }).restrictedTo, DOMID_IDLE);
    assert.equal(
      verdict(hc("xen_version", "version"), { domain: "domU", unrestricted: true }, NONE),
      "allowed",
    );
    const locked = run(
      hc("xen_version", "version"),
      { domain: "domU", unrestricted: true, lockedDown: true },
      NONE,
    );
    assert.equal(locked.errno, "EPERM");
    assert.ok(locked.steps.some((s) => /ignored: the kernel is locked down/.test(s.what)));
  });

  test("27. XenServer: nested multicall ELOOP, createdomain with altp2m EPERM, set_address_size on dom0 EPERM, unknown sysctl ENOSYS", () => {
    assert.equal(
      verdict(hc("multicall", undefined, { entries: [hc("multicall", undefined, { entries: [] })] })),
      "ELOOP",
    );
    assert.equal(verdict(hc("multicall", undefined, { entries: [hc("domctl", "pausedomain")] })), "allowed");
    assert.equal(verdict(hc("domctl", "createdomain", { fields: { altp2m_opts: 1 } })), "EPERM");
    assert.equal(verdict(hc("domctl", "createdomain")), "allowed");
    assert.equal(verdict(hc("domctl", "set_address_size", { dom: 0 })), "EPERM");
    assert.equal(verdict(hc("domctl", "set_address_size", { dom: 4 })), "allowed");
    assert.equal(verdict(hc("sysctl", "nosuchop")), "ENOSYS");
    assert.equal(verdict(hc("domctl", "getmemlist")), "EOPNOTSUPP");
    assert.equal(verdict(hc("xsm_op")), "ENOSYS");
  });
});

describe("privcmd emulator: the path of checks", () => {
  test("each step says what it checked and where", () => {
    const d = run(hc("domctl", "createdomain", { fields: { altp2m_opts: 2 } }));
    assert.deepEqual(
      d.steps.map((s) => [s.outcome, s.ref ?? ""]),
      [
        ["note", "privcmd.c:60"],
        ["pass", "privcmd.h:1"],
        ["pass", "filter.c:20"],
        ["pass", "filter.c:23"],
        ["fail", "filter.c:24"],
      ],
    );
    assert.equal(d.readArguments, true);
  });

  test("XenServer's kernel filters only when locked down (LOCKDOWN_XEN_HYPERCALL)", () => {
    const gated: Profile = {
      ...XS,
      facts: {
        ...FILTER,
        appliesWhen: {
          lockdownReason: "LOCKDOWN_XEN_HYPERCALL",
          what: "",
          file: "privcmd.c",
          ref: "privcmd.c:91",
        },
      },
    } as Profile;
    assert.equal(verdict(hc("xsm_op"), { domain: "dom0", lockedDown: true }, gated), "ENOSYS");
    assert.equal(verdict(hc("xsm_op"), { domain: "dom0" }, gated), "allowed");
  });

  test("unknown ioctls get ENOTTY; DM_OP past its limits E2BIG; the XenServer filter sees only HYPERCALL", () => {
    assert.equal(verdict({ ioctl: "FOO" }), "ENOTTY");
    assert.equal(verdict({ ioctl: "DM_OP", dom: 1, bufs: 17 }), "E2BIG");
    assert.equal(verdict({ ioctl: "DM_OP", dom: 1, bufs: 16, bufSize: 4096 }), "allowed");
  });
});

describe("compileProfile: the table a kernel filter looks up", () => {
  test("it agrees with the emulator on every catalogued operation, and marks argument-dependent ones", () => {
    const c = compileProfile(buildFilterProgram(XS, CATALOGUE, facts));
    for (const h of CATALOGUE.hypercalls)
      for (const s of h.subops) {
        const d = run(hc(h.name, s.name));
        const code = decideHypercall(c, h.number, numberOf(s));
        if (d.readArguments) assert.equal(code, CONDITIONAL, `${h.name}/${s.name}`);
        else assert.equal(code, d.allowed ? ALLOW : ERRNO[d.errno ?? ""], `${h.name}/${s.name}`);
      }
    assert.equal(decideHypercall(c, 36, 2), ERRNO.EOPNOTSUPP);
    assert.equal(decideHypercall(c, 36, 1000), ERRNO.EOPNOTSUPP);
    assert.equal(decideHypercall(c, 13, 0), CONDITIONAL);
    assert.equal(decideHypercall(c, 40, 0), ERRNO.ENOSYS);
    assert.equal(decideHypercall(c, 17, 99), ALLOW);
  });
});
