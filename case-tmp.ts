// regenerate a case of a target and time it
import { writeFileSync } from "node:fs";
import { fuzzCase } from "./test/support/fuzz/fuzz-case.ts";
import { FUZZ_TARGETS } from "./test/support/fuzz/fuzz-targets.ts";
const [name, seed, from, to] = process.argv.slice(2);
const t = FUZZ_TARGETS.find((x) => x.name === name)!;
const seeds = t.seeds();
let worst = [0, -1, 0];
for (let i = Number(from); i < Number(to); i++) { const c = fuzzCase(t, seeds, Number(seed), i); if (c.input.length > worst[0]) worst = [c.input.length, i, c.seed]; }
console.log("largest input", worst);
const c = fuzzCase(t, seeds, Number(seed), worst[1]);
writeFileSync("/tmp/g21/case.bin", c.input);
