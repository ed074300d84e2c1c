import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import {
  compareWithSepol,
  compilePolicy,
  seinfo,
  sesearch,
  smallPolicyConf,
} from "../../test/support/flask-tools.js";
import { InputError } from "../core/errors.js";
import { computeAv, computeTe, indexPolicy, permissionNames } from "./access-vector.js";
import { formatRules, policySummary } from "./describe-policy.js";
import { readPolicy } from "./read-policy.js";

const VARIANTS = [
  { version: 24, mls: false },
  { version: 30, mls: false },
  { version: 30, mls: true },
] as const;

for (const { version, mls } of VARIANTS) {
  const name = `version ${version}${mls ? ", MLS" : ""}`;
  const file = compilePolicy(smallPolicyConf(mls), version, mls);
  const policy = readPolicy(readFileSync(file), file);

  test(`flask policy (${name}): the tables hold what the source declared`, () => {
    assert.equal(policy.version, version);
    assert.equal(policy.target, "XenFlask");
    assert.equal(policy.mls, mls);
    assert.deepEqual(
      policy.commons.map((c) => [c.name, c.permissions.map((p) => p.name).sort()]),
      [["base", ["read", "write"]]],
    );
    const event = policy.classes.find((c) => c.name === "event");
    assert.equal(event?.common, "base");
    assert.deepEqual([...(event?.bits ?? [])].sort(), ["bind", "read", "send", "write"]);
    const types = policy.types.filter((t) => t.primary && !t.attribute).map((t) => t.name);
    assert.deepEqual(types.sort(), ["dm_t", "dom0_t", "domU_t", "evt_t", "nic_t", "xen_t"]);
    assert.deepEqual(
      policy.types
        .filter((t) => t.attribute)
        .map((t) => t.name)
        .sort(),
      ["dev_type", "domain_type"],
    );
    const alias = policy.types.find((t) => t.name === "guest_t");
    assert.equal(alias?.primary, false);
    assert.equal(alias?.value, policy.types.find((t) => t.name === "domU_t")?.value);
    assert.deepEqual(policy.booleans.map((b) => [b.name, b.state]).sort(), [
      ["locked", false],
      ["open", true],
    ]);
    assert.equal(
      policy.classes.reduce((n, c) => n + c.constraints.length, 0),
      mls ? 5 : 3,
    );
    assert.equal(policy.users.length, 2);
    const o = policy.ocontexts;
    assert.deepEqual(o.initialSids.map((s) => s.sid).sort(), [1, 2, 3]);
    assert.deepEqual(
      o.pirqs.map((p) => p.pirq),
      [33],
    );
    assert.deepEqual(
      o.ioports.map((p) => [p.low, p.high]),
      [[0x60, 0x64]],
    );
    assert.deepEqual(
      o.iomems.map((p) => [p.low, p.high]),
      [[0xfeb00n, 0xfeb10n]],
    );
    assert.deepEqual(
      o.pcidevices.map((p) => p.device),
      [0xc800],
    );
    // version 24 has no device-tree table (policydb.c:63-77)
    assert.deepEqual(
      o.devicetrees.map((p) => p.path),
      version >= 30 ? ["/soc/ethernet@1000"] : [],
    );
    const nic = policy.types.find((t) => t.name === "nic_t")?.value;
    assert.ok(o.pirqs.every((p) => p.context.type === nic));
    if (mls) {
      assert.deepEqual(policy.sensitivities.map((s) => s.name).sort(), ["s0", "s1"]);
      const dom0 = o.initialSids[1]?.context.range;
      assert.deepEqual(dom0?.high.categories, [1]);
    }
  });

  test(`flask policy (${name}): every rule equals what sesearch prints`, () => {
    const ix = indexPolicy(policy);
    const kinds = [
      ["allow", "-A"],
      ["auditallow", "--auditallow"],
      ["dontaudit", "--dontaudit"],
      ["type_transition", "-T"],
    ] as const;
    for (const [kind, flag] of kinds) {
      const ours = formatRules(ix, kind).sort();
      assert.ok(ours.length > 0, kind);
      assert.deepEqual(ours, sesearch(file, [flag]), kind);
    }
  });

  test(`flask policy (${name}): computeAv agrees with libsepol on every triple, booleans and contexts varied`, () => {
    let compared = 0;
    for (const locked of [false, true])
      for (const open of [false, true])
        for (const [source, target] of [
          [
            { user: "system_u", role: "object_r" },
            { user: "system_u", role: "object_r" },
          ],
          [
            { user: "guest_u", role: "vm_r" },
            { user: "system_u", role: "system_r" },
          ],
          [
            { user: "guest_u", role: "system_r" },
            { user: "guest_u", role: "vm_r" },
          ],
        ] as const) {
          const r = compareWithSepol(file, policy, source, target, mls ? "s0" : undefined, { locked, open });
          assert.deepEqual(r.differ, []);
          compared += r.compared;
        }
    // 6 types on both sides, 3 classes, in the first pairing of each of 4 boolean settings at least
    assert.ok(compared >= 4 * 6 * 6 * 3, String(compared));
  });
}

test("flask policy: constraints and booleans change decisions (the comparisons above can fail)", () => {
  const file = compilePolicy(smallPolicyConf(false), 30);
  const policy = readPolicy(readFileSync(file), file);
  const ix = indexPolicy(policy);
  const v = (list: readonly { name: string; value: number }[], n: string) =>
    list.find((x) => x.name === n)?.value ?? 0;
  const range = { low: { sensitivity: 0, categories: [] }, high: { sensitivity: 0, categories: [] } };
  const ctx = (user: string, role: string, type: string) => ({
    user: v(policy.users, user),
    role: v(policy.roles, role),
    type: v(policy.types, type),
    range,
  });
  const domain = ix.classByName.get("domain");
  const event = ix.classByName.get("event");
  assert.ok(domain && event);
  // allow domU_t dm_t:domain transition, removed by `r1 == r2 or t1 == dom0_t` when the roles differ
  const t = computeAv(
    ix,
    ctx("guest_u", "vm_r", "domU_t"),
    ctx("system_u", "system_r", "dm_t"),
    domain.value,
    [false, true],
  );
  assert.deepEqual(permissionNames(domain, t.te), ["transition"]);
  assert.equal(t.allowed, 0);
  assert.equal(t.constrained.length, 1);
  // the conditional on `!locked && open` grants send by default, write once `locked` is set
  const sendOrWrite = (states: boolean[]) =>
    permissionNames(
      event,
      computeTe(ix, v(policy.types, "domU_t"), v(policy.types, "dom0_t"), event.value, states).allowed,
    );
  const locked = v(policy.booleans, "locked") - 1;
  const states = (l: boolean) => policy.booleans.map((b) => (b.value - 1 === locked ? l : b.state));
  assert.deepEqual(sendOrWrite(states(false)), ["send"]);
  assert.deepEqual(sendOrWrite(states(true)), ["write"]);
});

test("flask policy: the summary counts what seinfo counts", () => {
  for (const mls of [false, true]) {
    const file = compilePolicy(smallPolicyConf(mls), 30, mls);
    const ours = new Map(policySummary(readPolicy(readFileSync(file), file)));
    const theirs = [...seinfo(file).matchAll(/([A-Z][A-Za-z_. ]*?):\s+(\d+)/g)].map(
      (m) => [m[1] as string, Number(m[2])] as const,
    );
    const shared = theirs.filter(([k]) => ours.has(k));
    assert.ok(shared.length >= 25, String(shared.length));
    for (const [k, n] of shared) assert.equal(ours.get(k), n, k);
  }
});

test("flask policy: not a policy, another target, a version out of range are located diagnostics", () => {
  const file = compilePolicy(smallPolicyConf(false), 30);
  const good = new Uint8Array(readFileSync(file));
  const expectBad = (bytes: Uint8Array, code: string, offset: number) => {
    assert.throws(
      () => readPolicy(bytes, "p.bin"),
      (e: unknown) =>
        e instanceof InputError &&
        e.diagnostics[0]?.code === code &&
        e.diagnostics[0]?.span?.offset === offset,
    );
  };
  const patched = (at: number, value: number) => {
    const b = good.slice();
    new DataView(b.buffer).setUint32(at, value, true);
    return b;
  };
  expectBad(patched(0, 0x12345678), "flask/bad-magic", 0);
  expectBad(patched(0, 0xf97cff8d), "flask/module", 0);
  const linux = good.slice();
  linux.set(new TextEncoder().encode("SE Linux"), 8);
  expectBad(linux, "flask/bad-target", 8);
  expectBad(patched(16, 34), "flask/bad-version", 16);
  expectBad(patched(16, 24), "flask/bad-table-sizes", 24);
  expectBad(good.slice(0, 3), "flask/truncated", 0);
});
