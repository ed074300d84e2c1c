import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { loadCParser } from "../src/extract/c-parser.js";
import { readFlaskHooks } from "../src/extract/flask-hooks.js";
import { readPolicy } from "../src/flask/read-policy.js";
import { DEFAULT_BUILD } from "../src/model/build.js";
import type { Verdict } from "../src/model/decision.js";
import { type Domain, makeDomain } from "../src/model/domain.js";
import { createFlaskPolicy, defaultLabel } from "../src/policy/flask.js";
import type { HookCall } from "../src/policy/types.js";
import { compilePolicy } from "./support/flask-tools.js";

// The fixture hooks (test/fixtures/flask/hooks/hooks.c, read by the real extractor) against a policy
// written for these tests and compiled with checkpolicy at test time.
const HOOKS = "test/fixtures/flask/hooks/hooks.c";
const hooks = readFlaskHooks([{ path: HOOKS, text: readFileSync(HOOKS, "utf8") }], await loadCParser());
const file = compilePolicy(readFileSync("test/fixtures/flask/engine/policy.conf", "utf8"), 30);
const policy = readPolicy(readFileSync(file), file);
const PARAMS = {
  pause: ["d"],
  console_io: ["d", "cmd"],
  iomem_permission: ["d", "s", "e", "allow"],
  assign_device: ["d", "bdf"],
};
const flask = (booleans?: Record<string, boolean>) =>
  createFlaskPolicy({
    name: "flask:test",
    policy,
    hooks,
    hooksSource: "fixture",
    hookParams: PARAMS,
    ...(booleans && { booleans }),
  });

const dom0 = makeDomain({ domid: 0, name: "dom0", builtBy: "dom0", caps: { control: true, hardware: true } });
const guest = makeDomain({ domid: 1, name: "guest", label: "domU_t", type: "hvm" });
const dm = makeDomain({ domid: 2, name: "dm", label: "system_u:system_r:dm_dom_t", target: 1 });
const plain = makeDomain({ domid: 3, name: "plain" });
const other = makeDomain({ domid: 4, name: "other", label: "guest_u:system_r:domU_t" });

function call(hook: string, current: Domain, domains: Record<string, Domain | null>, values = {}): HookCall {
  return { hook, action: "HOOK", current, domains, values, src: "current", target: "d" };
}
const run = (v: HookCall, booleans?: Record<string, boolean>): Verdict =>
  flask(booleans).hook(v, DEFAULT_BUILD);
const whats = (v: Verdict) => v.steps.map((s) => s.what);

test("flask engine: labels default as Xen and libxl give them", () => {
  assert.equal(defaultLabel(dom0, DEFAULT_BUILD).sid, "dom0");
  // the toolstack's domains: libxl's SECINITSID_DOMU, and SECINITSID_DOMDM for a device-model stub domain
  assert.equal(defaultLabel(plain, DEFAULT_BUILD).sid, "domU");
  assert.equal(defaultLabel(makeDomain({ domid: 8, target: 1 }), DEFAULT_BUILD).sid, "domDM");
  const boot = makeDomain({ domid: 7, name: "boot", builtBy: "dom0less" });
  assert.equal(defaultLabel(boot, DEFAULT_BUILD).sid, "unlabeled");
  assert.equal(defaultLabel(boot, { ...DEFAULT_BUILD, pvShimExclusive: true }).sid, "domU");
  const v = run(call("pause", boot, { d: guest }));
  assert.ok(
    whats(v).some((w) =>
      w.includes(
        "boot is labelled system_u:system_r:unlabeled_t: SECINITSID_UNLABELED, built at boot without is_privileged",
      ),
    ),
  );
  assert.ok(
    whats(run(call("pause", plain, { d: guest }))).some((w) =>
      w.includes(
        "plain is labelled system_u:system_r:domU_t: SECINITSID_DOMU, created by libxl without a seclabel",
      ),
    ),
  );
});

test("flask engine: an allow rule grants, and the explanation names it", () => {
  const v = run(call("pause", dom0, { d: guest }));
  assert.equal(v.allowed, true);
  assert.ok(
    whats(v).includes("avc_has_perm(system_u:system_r:dom0_t, system_u:system_r:domU_t, domain, pause)"),
  );
  assert.ok(whats(v).includes("granted by allow dom0_t domain_type:domain pause;"));
  assert.equal(v.steps.find((s) => s.kind === "predicate")?.ref, `${HOOKS}:50`);
});

test("flask engine: no rule, a constraint and a boolean each deny with their reason", () => {
  const none = run(call("pause", guest, { d: dom0 }));
  assert.equal(none.allowed, false);
  assert.ok(whats(none).includes("no allow rule gives pause to domU_t on dom0_t"));
  // guest_u acting on a system_u domain: allowed by type, removed by `constrain domain pause (u1 == u2 ...)`
  const dmOnDom0 = makeDomain({ domid: 5, name: "dm2", label: "guest_u:system_r:dm_dom_t" });
  const cons = run(call("pause", dmOnDom0, { d: dom0 }));
  assert.equal(cons.allowed, false);
  assert.ok(whats(cons).includes("constraint 1 of class domain removes pause"));
  const off = run(call("console_io", guest, { d: guest }, { cmd: "CONSOLEIO_write" }));
  assert.equal(off.allowed, false);
  assert.ok(
    whats(off).some((w) =>
      w.startsWith("allow domU_t xen_t:xen writeconsole; is under [ guest_console ]:True"),
    ),
  );
  assert.equal(
    run(call("console_io", guest, { d: guest }, { cmd: "CONSOLEIO_write" }), { guest_console: true }).allowed,
    true,
  );
  assert.throws(() => flask({ nope: true }), /no boolean `nope`/);
});

test("flask engine: self and device-model targets take the type_transition labels (domain_target_sid)", () => {
  const self = run(call("pause", guest, { d: guest }));
  assert.equal(self.allowed, true);
  assert.ok(
    whats(self).some((w) =>
      w.startsWith("the target is the caller: its self_sid system_u:system_r:domU_t_self"),
    ),
  );
  const target = run(call("pause", dm, { d: guest }));
  assert.equal(target.allowed, true);
  assert.ok(
    whats(target).some((w) =>
      w.startsWith("guest is dm's device-model target: its target_sid system_u:system_r:domU_t_target"),
    ),
  );
  // the same types without the set_target relation: the guest's own label, which dm_dom_t may not pause
  const unbound = makeDomain({ domid: 6, name: "dm3", label: "dm_dom_t" });
  assert.equal(run(call("pause", unbound, { d: guest })).allowed, false);
});

test("flask engine: a permission chosen by a switch follows the call's value; an unknown one is a refusal", () => {
  const read = run(call("console_io", dom0, { d: dom0 }, { cmd: "CONSOLEIO_read" }));
  assert.equal(read.allowed, true);
  assert.ok(
    whats(read).includes("avc_has_perm(system_u:system_r:dom0_t, system_u:system_r:xen_t, xen, readconsole)"),
  );
  // a value the switch does not name takes its `default: return -EPERM;`
  const other_ = run(call("console_io", dom0, { d: dom0 }, { cmd: "CONSOLEIO_other" }));
  assert.equal(other_.allowed, false);
  assert.ok(whats(other_).some((w) => w.startsWith("flask_console refuses: -EPERM under default")));
  // no value: either permission by path; granted for one of them
  const any = run(call("console_io", guest, { d: guest }));
  assert.equal(any.allowed, false);
});

test("flask engine: an object context is tried with each label the policy gives, and the unnamed default", () => {
  // iomem: resource add (by `access`, left to run time) on the target, then add_iomem on every range's label
  const v = run(call("iomem_permission", dom0, { d: guest }));
  assert.equal(v.allowed, true);
  assert.ok(whats(v).includes("a iomem the policy labels system_u:system_r:nic_t"));
  assert.ok(
    whats(v).includes("a iomem the policy does not name: SECINITSID_IOMEM system_u:system_r:device_t"),
  );
  // a device: guest may use nic_t (the labelled one) but not device_t (any other): allowed with a condition
  const d = run(call("assign_device", dom0, { d: guest }));
  assert.equal(d.allowed, true);
  assert.ok(d.conditions?.some((c) => c.includes("granted only for some labels of the object")));
  // a label the policy cannot hold is a located input error
  assert.throws(
    () => run(call("pause", makeDomain({ domid: 9, name: "bad", label: "nope_t" }), { d: guest })),
    /`bad`: label `nope_t`/,
  );
  assert.equal(run(call("pause", other, { d: guest })).allowed, false);
});
