import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { compilePolicy, setoolsGranted } from "../../test/support/flask-tools.js";
import { indexPolicy } from "./access-vector.js";
import { booleanStates } from "./conditional.js";
import { readPolicy } from "./read-policy.js";
import { typeReach } from "./type-reach.js";

test("type reach: the domain types' permissions on each other, by attributes and booleans, as sesearch finds them", () => {
  const file = compilePolicy(readFileSync("test/fixtures/flask/engine/policy.conf", "utf8"), 30);
  const policy = readPolicy(readFileSync(file), file);
  const ix = indexPolicy(policy);
  const rows = typeReach(ix, booleanStates(policy));
  // only domain types: resource types are no source or target here
  assert.ok(rows.every((r) => !["nic_t", "iomem_t", "device_t", "xen_t"].includes(r.source)));
  const of = (s: string, t: string, c: string) =>
    rows.find((r) => r.source === s && r.target === t && r.class === c)?.permissions ?? [];
  // `allow dom0_t domain_type:domain pause` reaches every domain type
  assert.deepEqual(of("dom0_t", "domU_t_target", "domain"), ["pause"]);
  assert.deepEqual(of("dm_dom_t", "domU_t", "domain"), []);
  assert.deepEqual(of("dm_dom_t", "domU_t_target", "domain"), ["pause"]);
  // every row equals what SETools' rules give the pair, and no pair SETools grants anything is missing
  const granted = setoolsGranted(file);
  const domainTypes = [...new Set(rows.flatMap((r) => [r.source, r.target]))];
  for (const s of domainTypes)
    for (const t of domainTypes)
      for (const c of policy.classes.map((k) => k.name))
        assert.deepEqual(
          rows.find((r) => r.source === s && r.target === t && r.class === c)?.permissions ?? [],
          [...granted(s, t, c)].sort(),
          `${s} ${t}:${c}`,
        );
  assert.deepEqual(
    typeReach(ix, booleanStates(policy), { source: "domU_t" }).map((r) => r.target),
    ["domU_t_self"],
  );
});
