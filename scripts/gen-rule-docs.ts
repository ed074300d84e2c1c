// Writes docs/rules/<id>.md for every lint rule from the rule's own description, and
// docs/rules/<id>/<part>.md for each check a rule relays (`npm run rule-docs`);
// src/report/rule-docs.test.ts checks that every page is there and current.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { RULES } from "../src/lint/rules.js";
import { ruleDoc } from "../src/report/rule-docs.js";
import { rulePartDoc } from "../src/report/rule-part-doc.js";

mkdirSync("docs/rules", { recursive: true });
for (const rule of RULES) {
  writeFileSync(`docs/rules/${rule.id}.md`, ruleDoc(rule));
  if (!rule.parts) continue;
  // a part that is gone leaves no page behind
  rmSync(`docs/rules/${rule.id}`, { recursive: true, force: true });
  mkdirSync(`docs/rules/${rule.id}`);
  for (const part of rule.parts)
    writeFileSync(`docs/rules/${rule.id}/${part.id}.md`, rulePartDoc(rule, part));
}
