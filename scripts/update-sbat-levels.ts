// Writes catalogues/sbat/sbat-levels.json from a checkout of rhboot/shim: every SbatLevel payload of
// SbatLevel_Variable.txt, read as shim's generate_sbat_var_defs reads it (a `sbat,1,YYYYMMDDCC` line of
// 17 characters starts a payload, the lines up to the next blank line are its revocations), with its line,
// the commit that added it, and the advisories (CVE and PSA ids) named in the text above it; and the build defaults (the automatic datestamp of
// generate_sbat_var_defs.c, the original level of include/sbat_var_defs.h).
//   npx tsx scripts/update-sbat-levels.ts <shim checkout>
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

const tree = process.argv[2];
if (!tree) {
  process.stderr.write("usage: tsx scripts/update-sbat-levels.ts <rhboot/shim checkout>\n");
  process.exit(2);
}
const git = (...args: string[]) => execFileSync("git", ["-C", tree, ...args], { encoding: "utf8" });
const commit = git("rev-parse", "HEAD").trim();
const show = (path: string) => git("show", `HEAD:${path}`);
const FILE = "SbatLevel_Variable.txt";
const lines = show(FILE).split("\n");
// `git blame` gives the commit that wrote each payload's first line
const blame = git("blame", "-s", "--abbrev=12", "HEAD", "--", FILE)
  .split("\n")
  .map((l) => l.split(" ")[0] ?? "");

const levels: { datestamp: string; payload: string; line: number; added: string; advisories: string[] }[] =
  [];
let prose: string[] = [];
for (let i = 0; i < lines.length; i++) {
  const line = lines[i] as string;
  const m = /^sbat,1,(\d+)$/.exec(line);
  if (!m || line.length !== 17) {
    prose.push(line);
    continue;
  }
  const payload = [line];
  let j = i + 1;
  for (; j < lines.length && lines[j] !== ""; j++) payload.push(lines[j] as string);
  // the ids named between the previous payload and this one
  const advisories = [...new Set(prose.join(" ").match(/\b(CVE-\d{4}-\d+|PSA-\d{4}-\d+-\d+)\b/g) ?? [])];
  levels.push({
    datestamp: m[1] as string,
    payload: `${payload.join("\n")}\n`,
    line: i + 1,
    added: (blame[i] ?? "").replace(/^\^/, ""),
    advisories,
  });
  prose = [];
  i = j - 1;
}

const gen = show("generate_sbat_var_defs.c").split("\n");
const autoLine = gen.findIndex((l) => /#define SBAT_AUTOMATIC_DATE \d+/.test(l));
const automatic = /(\d{10})/.exec(gen[autoLine] ?? "")?.[1];
const defs = show("include/sbat_var_defs.h").split("\n");
const origLine = defs.findIndex((l) => /#define SBAT_VAR_ORIGINAL_DATE/.test(l));
const original = /"(\d{10})"/.exec(defs[origLine] ?? "")?.[1];
if (!automatic || !original) throw new Error("cannot find SBAT_AUTOMATIC_DATE or SBAT_VAR_ORIGINAL_DATE");
// the latest payload: the first with the highest datestamp (generate_sbat_var_defs.c, writefile)
const latest = levels.reduce((a, b) => (Number(b.datestamp) > Number(a.datestamp) ? b : a));

const out = {
  source: "rhboot/shim",
  commit,
  file: FILE,
  original: { datestamp: original, ref: `include/sbat_var_defs.h:${origLine + 1}` },
  automatic: { datestamp: automatic, ref: `generate_sbat_var_defs.c:${autoLine + 1}` },
  latest: { datestamp: latest.datestamp, ref: `${FILE}:${latest.line}` },
  levels,
};
const path = "catalogues/sbat/sbat-levels.json";
mkdirSync(dirname(path), { recursive: true });
writeFileSync(path, `${JSON.stringify(out, null, 1)}\n`);
process.stderr.write(`${levels.length} levels from ${FILE}@${commit.slice(0, 12)}; wrote ${path}\n`);
