import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { buildPolicy } from "./build-policy.js";
import { readPolicy } from "./read-policy.js";
import { ruleOrigins } from "./rule-origins.js";

// the policy of a Xen-shaped tree written for the tests (test/fixtures/flask/tree), built as a Xen tree's is
const TREE = "test/fixtures/flask/tree";
const POLICY = "tools/flask/policy";
const read = (p: string) => (existsSync(join(TREE, p)) ? readFileSync(join(TREE, p), "utf8") : undefined);

/** `path:line` of the one line of a fixture file holding `needle`. */
function at(file: string, needle: string): string {
  const path = `${POLICY}/${file}`;
  const lines = (read(path) ?? "").split("\n");
  const hits = lines.flatMap((l, i) => (l.includes(needle) ? [i + 1] : []));
  assert.equal(hits.length, 1, `\`${needle}\` on one line of ${path}`);
  return `${path}:${hits[0]}`;
}

test("ruleOrigins: each rule's statements at their lines: written in a file, or by a macro use", () => {
  const built = buildPolicy(TREE);
  const o = ruleOrigins(readPolicy(built.bytes, built.name), built.conf, built.confDir, read);
  assert.equal(Object.keys(o).length, 24);
  // written directly
  assert.deepEqual(o["allow dom0_t domain_type:domain pause;"], [
    {
      ref: at("modules/base.te", "domain_type:domain pause"),
      text: "allow dom0_t domain_type:domain pause;",
      perms: ["pause"],
    },
  ]);
  // a rule over two lines, as the source writes it
  assert.deepEqual(o["allow dom0_t nic_t:resource use;"], [
    {
      ref: at("modules/base.te", "allow dom0_t nic_t:resource"),
      text: "allow dom0_t nic_t:resource ~{ add remove };",
      perms: ["use"],
    },
  ]);
  // two statements, one a macro's: the use, and the rule in the macro its macro calls
  assert.deepEqual(o["allow dom0_t domU_t:domain { pause unpause };"], [
    {
      ref: at("modules/guests.te", "manage(dom0_t, domU_t)"),
      text: "manage(dom0_t, domU_t)",
      macro: {
        name: "manage_common",
        ref: at("modules/macros.if", "allow $1 $2:domain {"),
        text: "allow $1 $2:domain { pause unpause };",
      },
      perms: ["pause", "unpause"],
    },
    {
      ref: at("modules/guests.te", "allow dom0_t domU_t:domain unpause;"),
      text: "allow dom0_t domU_t:domain unpause;",
      perms: ["unpause"],
    },
  ]);
  // a macro use over two lines is at its first
  assert.deepEqual(o["allow dm_dom_t domU_t_target:hvm dm;"], [
    {
      ref: at("modules/guests.te", "device_model(dm_dom_t,"),
      text: "device_model(dm_dom_t, domU_t)",
      macro: {
        name: "device_model",
        ref: at("modules/macros.if", "allow $1 $2_target:hvm dm;"),
        text: "allow $1 $2_target:hvm dm;",
      },
      perms: ["dm"],
    },
  ]);
  // type rules too; and the branch of an `if` on a negation
  assert.deepEqual(
    o["type_transition domU_t domU_t:domain domU_t_self;"]?.map((x) => [x.ref, x.macro?.ref]),
    [
      [
        at("modules/guests.te", "guest_domain(domU_t)"),
        at("modules/macros.if", "type_transition $1 $1:domain $1_self;"),
      ],
    ],
  );
  assert.deepEqual(
    o["allow domU_t xen_t:xen readconsole; [ guest_console ]:False"]?.map((x) => x.ref),
    [at("modules/guests.te", "allow domU_t xen_t:xen readconsole;")],
  );
});
