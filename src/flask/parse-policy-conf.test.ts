import assert from "node:assert/strict";
import { test } from "node:test";
import { InputError } from "../core/errors.js";
import { parsePolicyConf } from "./parse-policy-conf.js";

// m4 output as `m4 -s` writes it: a `#line N "file"` where the file changes, `#line N` where lines skip
const CONF = `#line 1 "policy/classes"
class domain
class domain { pause unpause }
#line 3 "modules/a.te"
type a_t, dom_type;
allow a_t b_t:domain pause; # a comment: allow x y:z w;
allow r1 r2;

#line 12
	allow { a_t -b_t } self:{ domain hvm } { pause unpause };
#line 12
	allow a_t ~{ b_t c_t }:domain *;
if (x && ! y) {
	allow a_t c_t:domain ~pause;
} else {
	dontaudit a_t c_t:domain
		pause;
}
type_transition a_t b_t:domain a_self;
user u roles { r1 };
`;

test("parsePolicyConf: each type-enforcement rule with its sets, its `if` branch and its source line", () => {
  const st = parsePolicyConf(CONF, "policy.conf", (f) => `tools/${f}`);
  assert.deepEqual(
    st.map((s) => [
      s.kind,
      s.text,
      `${s.at.file}:${s.at.line}`,
      s.cond && `${s.cond.expr.join(" ")}:${s.cond.when}`,
    ]),
    [
      ["allow", "allow a_t b_t:domain pause;", "tools/modules/a.te:4", undefined],
      [
        "allow",
        "allow { a_t -b_t } self:{ domain hvm } { pause unpause };",
        "tools/modules/a.te:12",
        undefined,
      ],
      // a macro's lines all carry the line of its use
      ["allow", "allow a_t ~{ b_t c_t }:domain *;", "tools/modules/a.te:12", undefined],
      ["allow", "allow a_t c_t:domain ~pause;", "tools/modules/a.te:14", "x && ! y:true"],
      ["dontaudit", "dontaudit a_t c_t:domain pause;", "tools/modules/a.te:16", "x && ! y:false"],
      ["type_transition", "type_transition a_t b_t:domain a_self;", "tools/modules/a.te:19", undefined],
    ],
  );
  const [, sets, comp, cond, , tt] = st;
  assert.deepEqual(sets?.source, { names: ["a_t"], minus: ["b_t"], star: false, complement: false });
  assert.equal(sets?.self, true);
  assert.deepEqual(sets?.target.names, []);
  assert.deepEqual(sets?.classes.names, ["domain", "hvm"]);
  assert.deepEqual(comp?.target, { names: ["b_t", "c_t"], minus: [], star: false, complement: true });
  assert.equal(comp?.perms?.star, true);
  assert.deepEqual(cond?.perms, { names: ["pause"], minus: [], star: false, complement: true });
  assert.equal(tt?.newType, "a_self");
});

test("parsePolicyConf: a rule it cannot read is a diagnostic at its source line", () => {
  const bad = '#line 7 "modules/b.te"\ntype_transition a_t b_t:domain c_t "name";\n';
  assert.throws(
    () => parsePolicyConf(bad, "policy.conf", (f) => `tree/${f}`),
    (e: unknown) => {
      assert.ok(e instanceof InputError);
      const d = e.diagnostics[0];
      assert.equal(d?.code, "flask/policy-source");
      assert.match(d?.message ?? "", /a named type transition/);
      assert.deepEqual(d?.span, { file: "tree/modules/b.te", line: 7, column: 1 });
      return true;
    },
  );
  assert.throws(() => parsePolicyConf("allow a b:c { d e;\n", "p.conf"), /expected a name at `;`/);
});
