import assert from "node:assert/strict";
import { test } from "node:test";
import { m4Macros } from "./m4-macros.js";

const IF = `# define(\`in_a_comment', \`allow a b:c d;')
define(\`outer', \`
	define(\`$1_self', \`$1')
	allow $1 $1_self:domain {
		pause
	};
	inner($1, \`$2')
')
define(\`inner',\`allow $1 $2:hvm dm;')
define(\`ctx',\`$1\`'ifelse(\`$2',,,\`:$2')')
`;

test("m4Macros: top-level defines with their lines and rules; none in a comment or inside a body", () => {
  const m = m4Macros([{ path: "modules/x.if", text: IF }]);
  assert.deepEqual([...m.keys()], ["outer", "inner", "ctx"]);
  const outer = m.get("outer");
  assert.equal(outer?.line, 2);
  assert.deepEqual(
    outer?.rules.map((r) => [r.text, r.line]),
    [["allow $1 $1_self:domain { pause };", 4]],
  );
  // the arguments match anything; a name made of one, anything only when loose (a macro may define it)
  assert.ok(outer?.rules[0]?.pattern.test("allow dom0_t dom0_t_self:domain { pause };"));
  assert.ok(!outer?.rules[0]?.pattern.test("allow dom0_t dom0_t:domain { pause };"));
  assert.ok(outer?.rules[0]?.loose.test("allow dom0_t dom0_t:domain { pause };"));
  assert.ok(!outer?.rules[0]?.loose.test("allow dom0_t dom0_t:domain { unpause };"));
  assert.deepEqual(
    m.get("inner")?.rules.map((r) => [r.text, r.line]),
    [["allow $1 $2:hvm dm;", 9]],
  );
  assert.deepEqual(m.get("ctx")?.rules, []);
});
