import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { before, describe, test } from "node:test";
import { ensureBuilt, json, run } from "./support/cli.js";

const F = "test/fixtures/privcmd-check";
const CLASSIC = "examples/x86-classic.yaml";
before(ensureBuilt);

interface Step {
  what: string;
  ref?: string;
}
interface Needed {
  op: string;
  errno?: string;
  step?: Step;
  may: string;
  call: { ioctl: string; dom: number };
}
interface DomainNeeds {
  domain: string;
  privcmd: string;
  restrictedTo?: number;
  blocked: Needed[];
  conditional: Needed[];
  unusable: { op: string; verdict: string; why: string[] }[];
  counts: Record<string, number>;
}
const domains = (r: ReturnType<typeof json>) => r.value.domains as DomainNeeds[];
const one = (...args: string[]) => {
  const r = json("privcmd", "check", ...args);
  return { code: r.code, d: domains(r)[0] as DomainNeeds };
};

describe("xenpriv privcmd check", () => {
  test("x86-classic dom0 under xenserver: domctls the filter lacks are blocked, createdomain has conditions", () => {
    const r = json("privcmd", "check", "-s", CLASSIC);
    assert.equal(r.code, 1);
    // web and db have no role: only dom0 runs a toolstack
    assert.deepEqual(
      domains(r).map((d) => d.domain),
      ["dom0"],
    );
    const dom0 = domains(r)[0] as DomainNeeds;
    assert.equal(dom0.privcmd, "dom0");
    assert.deepEqual(dom0.counts, {
      needed: 294,
      allowed: 119,
      conditional: 7,
      blocked: 168,
      neverUsable: 6,
      allowedNeverUsable: 1,
    });
    // debug_op is not in the filter's domctl list, whose default is ENOSYS at its line 843
    const filter = JSON.parse(readFileSync("catalogues/privcmd/xenserver-filter.json", "utf8"));
    const domctl = filter.hypercalls.find((h: { hypercall: string }) => h.hypercall === "domctl");
    assert.ok(!domctl.allowed.some((s: { subop: string }) => s.subop === "debug_op"));
    const debug = dom0.blocked.find((b) => b.op === "domctl/debug_op");
    assert.deepEqual(
      [debug?.errno, debug?.step?.ref, debug?.may],
      [domctl.deniedErrno, domctl.deniedRef, "all"],
    );
    assert.equal(debug?.step?.ref, "drivers/xen/filter-hypercall.c:843");
    const create = dom0.conditional.find((b) => b.op === "domctl/createdomain");
    assert.deepEqual(
      [create?.step?.what, create?.step?.ref],
      ["u.createdomain.altp2m_opts = 0 must be 0", "drivers/xen/filter-hypercall.c:813"],
    );
    // set_llc_colors is in the filter's list, yet Xen builds it on Arm only
    assert.deepEqual(dom0.unusable, [
      {
        op: "domctl/set_llc_colors",
        xsm: ["domctl: PRIV"],
        verdict: "allowed",
        why: ["domctl/set_llc_colors exists on arm only"],
      },
    ]);
  });

  test("x86-classic web: restricted, it can use nothing; unrestricted without lockdown, domctls it can never use get through", () => {
    const locked = one("-s", CLASSIC, "--domain", "web");
    assert.equal(locked.code, 1);
    assert.equal(locked.d.restrictedTo, 0x7fff);
    assert.deepEqual([locked.d.counts.needed, locked.d.counts.blocked], [73, 73]);
    const open = one("-s", CLASSIC, "--domain", "web", "--unrestricted", "--no-lockdown");
    assert.equal(open.code, 0);
    const pause = open.d.unusable.find((u) => u.op === "domctl/pausedomain");
    assert.deepEqual(pause, {
      op: "domctl/pausedomain",
      xsm: ["domctl: PRIV"],
      verdict: "allowed",
      why: ["is_control_domain(src): false [xen/include/xsm/dummy.h:98] on dom0"],
    });
  });

  test("split control domain: a control domain that is not domain 0 gets EPERM for every IOCTL_PRIVCMD_HYPERCALL", () => {
    const split = ["-s", `${F}/split-control-domain.yaml`, "--domain", "ctl"];
    const locked = one(...split);
    assert.equal(locked.code, 1);
    assert.deepEqual([locked.d.privcmd, locked.d.restrictedTo], ["domU", 0x7fff]);
    assert.equal(locked.d.counts.allowed, 0);
    const pause = locked.d.blocked.find((b) => b.op === "domctl/pausedomain");
    assert.deepEqual(
      [pause?.errno, pause?.step?.what, pause?.step?.ref],
      ["EPERM", "a restricted fd may not use HYPERCALL", "drivers/xen/privcmd.c#privcmd_ioctl_hypercall"],
    );
    // xen_privcmd.unrestricted is void under lockdown
    assert.deepEqual(one(...split, "--unrestricted").d.counts, locked.d.counts);
    // without lockdown it counts, and XenServer's filter is off too
    const open = one(...split, "--unrestricted", "--no-lockdown");
    assert.deepEqual([open.code, open.d.restrictedTo, open.d.counts.blocked], [0, undefined, 0]);
    // Linux's initial domain in ctl: the filter decides, and pausedomain is in its list
    const initial = one(...split, "--initial-domain", "ctl");
    assert.equal(initial.d.privcmd, "dom0");
    assert.ok(!initial.d.blocked.some((b) => b.op === "domctl/pausedomain"));
  });

  test("a QEMU stub domain: every dm_op sub-op goes through DM_OP to its target", () => {
    const { d } = one("-s", `${F}/split-control-domain.yaml`, "--domain", "qemu");
    const hypercalls = JSON.parse(readFileSync("catalogues/privcmd/xen-4.22.0.json", "utf8"));
    const dmOp = hypercalls.hypercalls.find((h: { name: string }) => h.name === "dm_op");
    const x86 = dmOp.subops.filter((s: { arch: string[] }) => s.arch.includes("x86")).length;
    assert.equal(d.restrictedTo, 2);
    assert.equal(d.counts.allowed, x86);
    assert.ok(d.blocked.every((b) => b.call.ioctl === "HYPERCALL" && b.errno === "EPERM"));
  });

  test("table and Markdown: a section per domain, the blocked ops with their check, a summary line", () => {
    const text = run("privcmd", "check", "-s", CLASSIC);
    assert.match(text.out, /^dom0 \(domid 0; control, hardware; initial domain, fds start unrestricted\)$/m);
    assert.match(
      text.out,
      /^domctl\/debug_op +domctl: PRIV +all +HYPERCALL dom 1 +ENOSYS +domctl\/debug_op is not allowed {2}\[drivers\/xen\/filter-hypercall\.c:843\]$/m,
    );
    assert.match(
      text.out,
      /^dom0: 294 needed: 119 allowed, 7 with conditions, 168 blocked; 6 never usable, 1 of them allowed; 81 without an XSM check, 74 of them blocked$/m,
    );
    const md = run("privcmd", "check", "-s", CLASSIC, "-f", "md");
    assert.match(md.out, /^## dom0 /m);
    assert.match(md.out, /^\| domctl\/debug_op \| domctl: PRIV \| all \| HYPERCALL dom 1 \| ENOSYS \|/m);
  });

  test("bad input: an unknown domain gets a suggestion; a bad profile or system is a diagnostic; exit 2", () => {
    const name = run("privcmd", "check", "-s", `${F}/split-control-domain.yaml`, "--domain", "clt");
    assert.deepEqual([name.code, name.out], [2, ""]);
    assert.match(name.err, /error\[privcmd\/unknown-domain\].*`clt`.*\n.*did you mean `ctl`/);
    const initial = run("privcmd", "check", "--initial-domain", "hwdm");
    assert.match(initial.err, /did you mean `hwdom`/);
    const profile = run("privcmd", "check", "--profile", "test/fixtures/privcmd/unknown-key.yaml");
    assert.equal(profile.code, 2);
    assert.match(profile.err, /unknown-key\.yaml:\d+:\d+: error/);
    const system = run("privcmd", "check", "-s", "test/fixtures/systems/malformed.yaml");
    assert.equal(system.code, 2);
    for (const r of [name, initial, profile, system]) assert.doesNotMatch(r.err, /internal error|\n\s+at /);
  });
});
