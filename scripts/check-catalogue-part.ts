// Validates catalogue part files: `npx tsx scripts/check-catalogue-part.ts catalogues/xen-4.22.0/ops-domctl.json ...`
import { readFileSync } from "node:fs";
import { z } from "zod";
import { HookSchema, LookupInfoSchema, OperationSchema } from "../src/catalog/schema.js";

const Part = z.strictObject({
  $comment: z.string().optional(),
  operations: z.array(OperationSchema).optional(),
  hooks: z.array(HookSchema).optional(),
  lookups: z.array(LookupInfoSchema).optional(),
});

let bad = 0;
for (const file of process.argv.slice(2)) {
  const r = Part.safeParse(JSON.parse(readFileSync(file, "utf8")));
  if (r.success) {
    const ids = (r.data.operations ?? []).map((o) => o.id);
    const dup = ids.filter((id, i) => ids.indexOf(id) !== i);
    if (dup.length) {
      bad++;
      console.log(`${file}: duplicate ids ${dup.join(", ")}`);
    } else console.log(`${file}: ok (${ids.length} operations, ${(r.data.hooks ?? []).length} hooks)`);
  } else {
    bad++;
    for (const issue of r.error.issues.slice(0, 20))
      console.log(`${file}: ${issue.path.join(".")}: ${issue.message}`);
  }
}
process.exit(bad ? 1 : 0);
