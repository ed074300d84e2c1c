import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";

const dir = mkdtempSync(join(tmpdir(), "xenpriv-v8-flag-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const budget = new URL("./inlining-budget.ts", import.meta.url).href;
const wasmTier = new URL("./wasm-tier.ts", import.meta.url).href;

/**
 * What the launcher does around a command (launcher.ts): compile a script, run the command, write
 * V8's code cache of the script at exit; then whether a new process accepts that cache.
 */
function cacheAccepted(
  command: string,
  nodeFlags: readonly string[] = [],
  /** "now": the cache is written right after the command, before any exit listener */
  written: "at exit" | "now" = "at exit",
): boolean {
  const cache = join(dir, `${Math.random().toString(36).slice(2)}.bin`);
  const script = "(function () { return 1 + 2; })";
  const write = `
    import { Script } from "node:vm";
    import { writeFileSync } from "node:fs";
    import { setFlagsFromString } from "node:v8";
    const { narrowInlining } = await import(${JSON.stringify(budget)});
    const { baselineWasm } = await import(${JSON.stringify(wasmTier)});
    const script = new Script(${JSON.stringify(script)}, { filename: "s.js" });
    script.runInThisContext();
    const write = () => writeFileSync(${JSON.stringify(cache)}, script.createCachedData());
    ${written === "now" ? "" : 'process.once("exit", write);'}
    ${command}
    ${written === "now" ? "write();" : ""}`;
  const read = `
    import { Script } from "node:vm";
    import { readFileSync } from "node:fs";
    const s = new Script(${JSON.stringify(script)}, { filename: "s.js", cachedData: readFileSync(${JSON.stringify(cache)}) });
    process.stdout.write(String(s.cachedDataRejected));`;
  const run = (code: string) =>
    spawnSync(process.execPath, [...nodeFlags, "--import", "tsx", "--input-type=module", "-e", code], {
      encoding: "utf8",
    });
  const w = run(write);
  assert.equal(w.status, 0, w.stderr);
  const r = run(read);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout === "false";
}

test("narrowInlining puts V8's value back before the launcher writes its code cache at exit", () => {
  assert.ok(cacheAccepted("narrowInlining();"));
  // what it guards against: a cache written under another budget is rejected by the next process
  assert.ok(!cacheAccepted('setFlagsFromString("--max-inlined-bytecode-size-cumulative=120");'));
});

test("narrowInlining leaves a budget the user gave on node's command line", () => {
  // written and read under the user's budget: accepted only if narrowInlining changed nothing
  assert.ok(cacheAccepted("narrowInlining();", ["--max-inlined-bytecode-size-cumulative=300"]));
  assert.ok(cacheAccepted("narrowInlining();", ["--max_inlined_bytecode_size_cumulative=300"]));
});

test("narrowInlining and baselineWasm change V8's flags meanwhile: a cache written then is rejected", () => {
  assert.ok(!cacheAccepted("narrowInlining();", [], "now"));
  assert.ok(!cacheAccepted("baselineWasm();", [], "now"));
  // the harness's own control: nothing set, a cache written at once is accepted
  assert.ok(cacheAccepted("", [], "now"));
});

test("baselineWasm puts V8's wasm tiers back before the launcher writes its code cache at exit", () => {
  assert.ok(cacheAccepted("baselineWasm();"));
  assert.ok(cacheAccepted("narrowInlining(); baselineWasm();"));
  // what it guards against: a cache written with WebAssembly on Liftoff only is rejected
  assert.ok(!cacheAccepted('setFlagsFromString("--liftoff-only");'));
});

test("baselineWasm leaves the wasm tiers the user gave on node's command line", () => {
  assert.ok(cacheAccepted("baselineWasm();", ["--liftoff-only"]));
  assert.ok(cacheAccepted("baselineWasm();", ["--no-liftoff-only"]));
  // one of the flags it implies, given alone, and in V8's short form
  assert.ok(cacheAccepted("baselineWasm();", ["--no-wasm-tier-up"]));
  assert.ok(cacheAccepted("baselineWasm();", ["--nowasm-tier-up"]));
  // and the user's flag is left: set meanwhile, the cache would be rejected as under --liftoff-only
  assert.ok(cacheAccepted("baselineWasm();", ["--no-liftoff-only"], "now"));
});
