import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { OUTPUT_SCHEMAS } from "../../src/report/output-schemas.js";

export const CLI = "dist/xenpriv.js";

/** Builds the CLI bundle when a test file runs on its own. */
export function ensureBuilt(): void {
  if (!existsSync(CLI)) spawnSync(process.execPath, ["scripts/build.mjs"], { stdio: "inherit" });
}

/** Runs the built CLI. */
export function run(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Runs the CLI with `--format json` and checks the output against its published schema. */
export function json(...args: string[]) {
  const r = run(...args, "--format", "json");
  const value = JSON.parse(r.out) as { kind: keyof typeof OUTPUT_SCHEMAS };
  OUTPUT_SCHEMAS[value.kind].parse(value);
  return { ...r, value: value as unknown as Record<string, unknown> };
}
