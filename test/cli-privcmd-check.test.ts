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
  from: string;
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
  test("x86-classic dom0 under xenserver: needed is what its toolstack issues; xenstored's get_domain_state is blocked", () => {
    const r = json("privcmd", "check", "-s", CLASSIC);
    assert.equal(r.code, 1);
    // web and db have no role: only dom0 runs a toolstack
    assert.deepEqual(
      domains(r).map((d) => d.domain),
      ["dom0"],
    );
    const dom0 = domains(r)[0] as DomainNeeds;
    assert.equal(dom0.privcmd, "dom0");
    const calls = JSON.parse(readFileSync("catalogues/privcmd/toolstack-calls.json", "utf8"));
    // control and hardware calls, and xenstored's (no xenstore domain: it runs in dom0) but for the kernel's
    const privcmd = (role: string) =>
      calls.roles[role].filter((c: { via: string }) => !["gntdev", "evtchn"].includes(c.via)).length;
    assert.deepEqual(dom0.counts, {
      needed: privcmd("control") + privcmd("hardware") + privcmd("xenstore"),
      allowed: 26,
      conditional: 2,
      blocked: 1,
      kernelMediated: 2,
      neverUsable: 6,
      allowedNeverUsable: 1,
    });
    // get_domain_state is not in the filter's domctl list, whose default is ENOSYS at its line 843
    const filter = JSON.parse(readFileSync("catalogues/privcmd/xenserver-filter.json", "utf8"));
    const domctl = filter.hypercalls.find((h: { hypercall: string }) => h.hypercall === "domctl");
    const state = dom0.blocked[0];
    assert.deepEqual(
      [state?.op, state?.errno, state?.step?.ref, state?.may, state?.from],
      [
        "domctl/get_domain_state",
        domctl.deniedErrno,
        "drivers/xen/filter-hypercall.c:843",
        "self+all",
        "xenmanage_get_domain_info [tools/libs/manage/core.c:111]",
      ],
    );
    // Xen would let dom0 use debug_op, yet no toolstack issues it: not needed, not blocked
    assert.ok(!dom0.blocked.some((b) => b.op === "domctl/debug_op"));
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

  test("a shipped example passes (exit 0): x86-classic against the profile of Xen's own toolstack", () => {
    const r = json("privcmd", "check", "-s", CLASSIC, "--profile", "examples/profiles/libxl.yaml");
    assert.equal(r.code, 0);
    const dom0 = domains(r)[0] as DomainNeeds;
    assert.deepEqual([dom0.counts.blocked, dom0.counts.conditional], [0, 0]);
    assert.equal(dom0.counts.allowed, dom0.counts.needed);
  });

  test("kernel-mediated calls are not privcmd needs; a domain with no role needs nothing", () => {
    const r = json("privcmd", "check", "-s", CLASSIC);
    const dom0 = domains(r)[0] as DomainNeeds & { kernelMediated: { op: string; via: string }[] };
    assert.deepEqual(
      dom0.kernelMediated.map((k) => [k.op, k.via]),
      [
        ["grant_table_op/map_grant_ref", "gntdev"],
        ["event_channel_op/bind_interdomain", "evtchn"],
      ],
    );
    for (const b of ["grant_table_op", "mmu_update", "event_channel_op/bind_interdomain"])
      assert.ok(!dom0.blocked.some((x) => x.op.startsWith(b)), b);
    const web = one("-s", CLASSIC, "--domain", "web");
    assert.deepEqual([web.code, web.d.counts.needed, web.d.restrictedTo], [0, 0, 0x7fff]);
  });

  test("--trace: a domain's recorded calls replace its roles' known calls", () => {
    const r = json(
      "privcmd",
      "check",
      "-s",
      CLASSIC,
      "--trace",
      "dom0=test/fixtures/privcmd/restrict-then-calls.jsonl",
    );
    const dom0 = domains(r)[0] as DomainNeeds & { needsFrom: string; needed: { from: string }[] };
    assert.equal(dom0.needsFrom, "trace");
    assert.ok(dom0.needed.length > 0 && dom0.needed.every((n) => /^trace line \d+$/.test(n.from)));
    const bad = run("privcmd", "check", "-s", CLASSIC, "--trace", "calls.jsonl");
    assert.equal(bad.code, 2);
    assert.match(bad.err, /error\[privcmd\/bad-trace-option\]/);
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

  test("a QEMU stub domain: DM_OP, MMAP_RESOURCE and MMAPBATCH_V2 on its target pass its restricted fd", () => {
    const { code, d } = one("-s", `${F}/split-control-domain.yaml`, "--domain", "qemu");
    assert.equal(code, 0);
    assert.equal(d.restrictedTo, 2);
    assert.deepEqual(
      (d as DomainNeeds & { needed: Needed[] }).needed.map((n) => [n.op, n.call.ioctl, n.call.dom]),
      [
        ["dm_op", "DM_OP", 2],
        ["memory_op/acquire_resource", "MMAP_RESOURCE", 2],
        ["MMAPBATCH_V2", "MMAPBATCH_V2", 2],
      ],
    );
  });

  test("table and Markdown: a section per domain, the blocked ops with their check, a summary line", () => {
    const text = run("privcmd", "check", "-s", CLASSIC);
    assert.match(text.out, /^dom0 \(domid 0; control, hardware; initial domain, fds start unrestricted\)$/m);
    assert.match(
      text.out,
      /^domctl\/get_domain_state +HYPERCALL dom 1 +ENOSYS +domctl\/get_domain_state is not allowed {2}\[drivers\/xen\/filter-hypercall\.c:843\] +xenmanage_get_domain_info \[tools\/libs\/manage\/core\.c:111\] +get_domain_state: XS_PRIV +self\+all$/m,
    );
    assert.match(
      text.out,
      /^dom0: 29 needed by its roles' toolstack: 26 allowed, 2 with conditions, 1 blocked; 2 kernel-mediated; 6 never usable, 1 of them allowed$/m,
    );
    const md = run("privcmd", "check", "-s", CLASSIC, "-f", "md");
    assert.match(md.out, /^## dom0 /m);
    assert.match(md.out, /^\| domctl\/get_domain_state \| HYPERCALL dom 1 \| ENOSYS \|/m);
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
