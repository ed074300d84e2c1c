import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ALLOW, CONDITIONAL, compileProfile, decideHypercall } from "./compile-profile.js";
import { ERRNO } from "./errno.js";
import { DOMID_IDLE, evaluateCall } from "./evaluate-call.js";
import type { LinuxPrivcmd, XenServerFilter } from "./filter-facts.js";
import type { HypercallCatalogue } from "./hypercall-catalogue.js";
import type { PrivcmdCall, PrivcmdContext } from "./privcmd-call.js";
import type { Profile } from "./profile.js";

// Small facts in the shape of the shipped ones, so these tests pin the engine, not the data.
const LINUX: LinuxPrivcmd = {
  kind: "privcmd-linux-facts",
  source: "torvalds/linux",
  commit: "0000000000000000000000000000000000000000",
  ioctls: [
    {
      name: "HYPERCALL",
      nr: 0,
      definition: "_IOC(_IOC_NONE, 'P', 0, 48)",
      ref: "privcmd.h:1",
      arg: "privcmd_hypercall",
      restricted: "always-eperm",
      restrictedRef: "privcmd.c:10",
    },
    {
      name: "DM_OP",
      nr: 5,
      definition: "_IOC(_IOC_NONE, 'P', 5, 16)",
      ref: "privcmd.h:5",
      arg: "privcmd_dm_op",
      domField: "dom",
      restricted: "eperm-if-other-dom",
      restrictedRef: "privcmd.c:50",
    },
    {
      name: "RESTRICT",
      nr: 6,
      definition: "_IOC(_IOC_NONE, 'P', 6, 2)",
      ref: "privcmd.h:6",
      arg: "domid_t",
      restricted: "allowed",
      restrictedRef: "privcmd.c:60",
    },
  ],
  restrict: { initialDom0: "DOMID_INVALID", changeErrno: "EINVAL", ref: "privcmd.c:60" },
  domU: {
    initial: "Xenstore target",
    missingTarget: "DOMID_IDLE",
    unrestrictedParam: "unrestricted",
    lockdownReason: "LOCKDOWN_XEN_USER_ACTIONS",
    refs: ["privcmd.c:90"],
  },
  dmOp: { maxBufs: 16, maxBufSize: 4096, ref: "privcmd.c:40" },
};

const FILTER: XenServerFilter = {
  kind: "privcmd-filter-facts",
  source: "xcp-ng/linux",
  commit: "0000000000000000000000000000000000000000",
  file: "drivers/xen/filter-hypercall.c",
  abiVersion: "0x90001",
  unknownHypercall: { errno: "ENOSYS", ref: "filter.c:1" },
  multicall: { maxDepth: 1, nestedErrno: "ELOOP", ref: "filter.c:2" },
  hypercalls: [
    {
      hypercall: "xen_version",
      ref: "filter.c:10",
      deniedErrno: "ENOSYS",
      deniedRef: "filter.c:11",
      allowed: "all",
    },
    {
      hypercall: "domctl",
      ref: "filter.c:20",
      deniedErrno: "EOPNOTSUPP",
      deniedRef: "filter.c:21",
      allowed: [
        { subop: "pausedomain", ref: "filter.c:22", conditions: [] },
        {
          subop: "createdomain",
          ref: "filter.c:23",
          conditions: [{ kind: "field-zero", field: "altp2m_opts", errno: "EPERM", ref: "filter.c:24" }],
        },
        {
          subop: "set_address_size",
          ref: "filter.c:25",
          conditions: [{ kind: "target-not-dom0", errno: "EPERM", ref: "filter.c:26" }],
        },
      ],
    },
    {
      hypercall: "sysctl",
      ref: "filter.c:30",
      deniedErrno: "ENOSYS",
      deniedRef: "filter.c:31",
      allowed: [{ subop: "physinfo", ref: "filter.c:32", conditions: [] }],
    },
  ],
  notes: [],
};

const CATALOGUE: HypercallCatalogue = {
  kind: "privcmd-hypercalls",
  xen: "test",
  commit: "0",
  hypercalls: [
    {
      name: "xen_version",
      number: 17,
      ref: "xen.h:17",
      callers: { x86pv: true, x86hvm: true, arm: true },
      selector: "arg0",
      subops: [
        { name: "version", constant: "XENVER_version", value: 0, ref: "version.h:1", arch: ["x86", "arm"] },
      ],
    },
    {
      name: "multicall",
      number: 13,
      ref: "xen.h:13",
      callers: { x86pv: true, x86hvm: true, arm: true },
      subops: [],
    },
    {
      name: "domctl",
      number: 36,
      ref: "xen.h:36",
      callers: { x86pv: true, x86hvm: true, arm: true },
      selector: "struct:cmd",
      subops: [
        {
          name: "createdomain",
          constant: "XEN_DOMCTL_createdomain",
          value: 1,
          ref: "domctl.h:1",
          arch: ["x86", "arm"],
        },
        {
          name: "pausedomain",
          constant: "XEN_DOMCTL_pausedomain",
          value: 3,
          ref: "domctl.h:3",
          arch: ["x86", "arm"],
        },
        {
          name: "set_address_size",
          constant: "XEN_DOMCTL_set_address_size",
          value: 35,
          ref: "domctl.h:35",
          arch: ["x86"],
        },
      ],
    },
    {
      name: "sysctl",
      number: 35,
      ref: "xen.h:35",
      callers: { x86pv: true, x86hvm: true, arm: true },
      selector: "struct:cmd",
      subops: [
        {
          name: "physinfo",
          constant: "XEN_SYSCTL_physinfo",
          value: 3,
          ref: "sysctl.h:3",
          arch: ["x86", "arm"],
        },
      ],
    },
  ],
};

const XS: Profile = { kind: "xenserver", id: "xenserver", title: "XenServer", facts: FILTER };
const NONE: Profile = { kind: "none", id: "none", title: "mainline" };
const DOM0: PrivcmdContext = { domain: "dom0" };
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

  test("unknown ioctls get ENOTTY; DM_OP past its limits E2BIG; the XenServer filter sees only HYPERCALL", () => {
    assert.equal(verdict({ ioctl: "FOO" }), "ENOTTY");
    assert.equal(verdict({ ioctl: "DM_OP", dom: 1, bufs: 17 }), "E2BIG");
    assert.equal(verdict({ ioctl: "DM_OP", dom: 1, bufs: 16, bufSize: 4096 }), "allowed");
  });
});

describe("compileProfile: the table a kernel filter looks up", () => {
  test("it agrees with the emulator on every catalogued operation, and marks argument-dependent ones", () => {
    const c = compileProfile(XS, CATALOGUE, facts);
    for (const h of CATALOGUE.hypercalls)
      for (const s of h.subops) {
        const d = run(hc(h.name, s.name));
        const code = decideHypercall(c, h.number, s.value);
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
