// Writes docs/rules/<id>.md for every lint rule from the rule's own description (`npm run rule-docs`);
// src/lint/rules.test.ts checks that every page is there and current.
import { mkdirSync, writeFileSync } from "node:fs";
import { RULES } from "../src/lint/rules.js";
import { ruleDoc } from "../src/report/rule-docs.js";

mkdirSync("docs/rules", { recursive: true });
for (const rule of RULES) writeFileSync(`docs/rules/${rule.id}.md`, ruleDoc(rule));
