import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { ensureBuilt, json, run } from "./support/cli.js";
import { compilePolicy, smallPolicyConf } from "./support/flask-tools.js";

const DIR = mkdtempSync(join(tmpdir(), "xenpriv-cli-flask-"));
before(ensureBuilt);
after(() => rmSync(DIR, { recursive: true, force: true }));

test("xenpriv flask show: the counts, and a cut policy is exit 2 with the byte", () => {
  const file = compilePolicy(smallPolicyConf(false), 30);
  const r = json("flask", "show", file, "--rules");
  assert.equal(r.code, 0);
  const v = r.value as { version: number; counts: Record<string, number>; allow: string[] };
  assert.equal(v.version, 30);
  assert.equal(v.counts.Classes, 3);
  assert.equal(v.allow.length, v.counts.Allow);
  const cut = join(DIR, "cut.bin");
  writeFileSync(cut, readFileSync(file).subarray(0, 100));
  const bad = run("flask", "show", cut);
  assert.equal(bad.code, 2);
  // the count of the first common's permissions cannot fit in what is left
  assert.match(
    bad.err,
    /cut\.bin@0x4c: error\[flask\/bad-count\]: .*\(byte 76, 0x4c, in the commons table, entry 0\)/,
  );
  assert.doesNotMatch(bad.err, /\n\s+at /);
});

test("xenpriv flask build: a folder that is no Xen tree is exit 2, and a tree's policy is built in a copy", () => {
  const r = run("flask", "build", DIR);
  assert.equal(r.code, 2);
  assert.match(r.err, /flask\/not-a-tree/);
  // a minimal tree: the two policy folders and xen/Makefile's version, a policy written for the test
  const tree = join(DIR, "tree");
  mkdirSync(join(tree, "tools", "flask", "policy"), { recursive: true });
  mkdirSync(join(tree, "xen", "xsm", "flask", "policy"), { recursive: true });
  writeFileSync(
    join(tree, "xen", "Makefile"),
    "export XEN_VERSION       = 9\nexport XEN_SUBVERSION    = 1\nexport XEN_EXTRAVERSION ?= .2$(XEN_VENDORVERSION)\n",
  );
  writeFileSync(join(tree, "tools", "flask", "policy", "policy.conf.in"), smallPolicyConf(false));
  writeFileSync(
    join(tree, "tools", "flask", "policy", "Makefile.common"),
    "all: $(FLASK_BUILD_DIR)/xenpolicy-$(XEN_FULLVERSION)\n$(FLASK_BUILD_DIR)/xenpolicy-$(XEN_FULLVERSION): policy.conf.in ../../../xen/xsm/flask/policy\n\tm4 policy.conf.in > policy.conf\n\tcheckpolicy -t Xen -c 30 policy.conf -o $@\n",
  );
  const out = join(DIR, "built.bin");
  const b = run("flask", "build", tree, "-o", out);
  assert.equal(b.code, 0, b.err);
  assert.match(b.out, /wrote .*built\.bin \(Xen 9\.1\.2\)/);
  assert.equal(
    json("flask", "show", out).value && (json("flask", "show", out).value as { version: number }).version,
    30,
  );
  // the tree was only read
  assert.throws(() => readFileSync(join(tree, "tools", "flask", "policy", "policy.conf")));
});

test("xenpriv flask build --rules: every allow rule with the lines of the tree's policy source it comes from", () => {
  // a Xen-shaped tree written for the tests, its policy built with m4's synclines as a Xen tree's is
  const out = join(DIR, "fixture.bin");
  const r = json("flask", "build", "test/fixtures/flask/tree", "-o", out, "--rules");
  assert.equal(r.code, 0, r.err);
  const v = r.value as { allow: string[]; origins: Record<string, { ref: string; text: string }[]> };
  assert.deepEqual(Object.keys(v.origins), v.allow);
  assert.deepEqual(
    v.origins["allow dom0_t domU_t:domain { pause unpause };"]?.map((o) => [o.ref, o.text]),
    [
      ["tools/flask/policy/modules/guests.te:4", "manage(dom0_t, domU_t)"],
      ["tools/flask/policy/modules/guests.te:9", "allow dom0_t domU_t:domain unpause;"],
    ],
  );
  const t = run("flask", "build", "test/fixtures/flask/tree", "-o", out, "--rules");
  assert.match(
    t.out,
    /\nallow dom0_t domU_t:domain \{ pause unpause \};\n {4}tools\/flask\/policy\/modules\/guests\.te:4: manage\(dom0_t, domU_t\) \(manage_common's rule at tools\/flask\/policy\/modules\/macros\.if:17\)\n {4}tools\/flask\/policy\/modules\/guests\.te:9: allow dom0_t domU_t:domain unpause;\n/,
  );
  // a tree whose m4 runs without -s says no line: its rules alone
  const plain = json("flask", "build", join(DIR, "tree"), "-o", join(DIR, "plain.bin"), "--rules");
  assert.equal(plain.code, 0, plain.err);
  const pv = plain.value as { allow: string[]; origins: Record<string, unknown[]> };
  assert.ok(pv.allow.length > 0);
  assert.deepEqual(Object.values(pv.origins).flat(), []);
});
