// Bundles the CLI and the library into dist/ (run by `npm ci` through `prepare`).
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";

// zod's classic API re-exports all of its ~60 message locales; xenpriv only ever uses English
// (which zod registers itself), and parsing the others cost every cold command about 25 ms.
const englishOnlyZod = {
  name: "english-only-zod",
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]/.test(args.importer) ? { path: "zod-locales", namespace: "xenpriv" } : undefined,
    );
    b.onLoad({ filter: /^zod-locales$/, namespace: "xenpriv" }, () => ({
      contents: 'export { default as en } from "zod/v4/locales/en.js";',
      resolveDir: process.cwd(),
    }));
  },
};

const common = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  // Dependencies are bundled: loading one file instead of three packages keeps a cold `check` fast.
  sourcemap: false,
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: "warning",
  plugins: [englishOnlyZod],
};

// Keep dist/types (written by --types, at install) when only the bundle is rebuilt.
for (const f of [
  "dist/chunks",
  "dist/xenpriv.js",
  "dist/index.js",
  "dist/parse-worker.js",
  "dist/parse-worker.cjs",
  "dist/report-app.js",
  "dist/catalogue-snapshots.js",
  "dist/catalogues",
  "dist/cli.cjs",
  "dist/cli.cache",
])
  rmSync(f, { recursive: true, force: true });
// an ES module bundle that requires CommonJS packages (esbuild's `require` calls) needs one of its own
const REQUIRE = [
  'import { createRequire as __xenprivCreateRequire } from "node:module";',
  "const require = __xenprivCreateRequire(import.meta.url);",
];
await build({
  ...common,
  entryPoints: {
    index: "src/index.ts",
    "catalogue-snapshots": "src/catalog/write-catalogue-snapshots.ts",
  },
  outdir: "dist",
  // web-tree-sitter finds its .wasm beside its own module, so it stays a package.
  external: ["web-tree-sitter"],
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  banner: { js: ["#!/usr/bin/env node", ...REQUIRE].join("\n") },
});
// xenpriv extract parses in worker threads: a worker starts from a module of its own, one file with
// only what it runs (the library's chunks would load zod: about 60 ms more before its first file)
// CommonJS, as the CLI: a worker whose entry is an ES module starts Node's ES module loader first
// (about 40 ms more of its CPU, taken from the main thread's core on two)
await build({
  ...common,
  entryPoints: { "parse-worker": "src/extract/parse-worker.ts" },
  outfile: "dist/parse-worker.cjs",
  format: "cjs",
  external: ["web-tree-sitter"],
  define: { "import.meta": "__xenprivImportMeta" },
  banner: { js: 'const __xenprivImportMeta = { url: require("node:url").pathToFileURL(__filename).href };' },
});
// The CLI: one CommonJS bundle that src/cli/launcher.ts (dist/xenpriv.js) runs from V8's code cache.
await build({
  ...common,
  entryPoints: ["src/cli/main.ts"],
  outfile: "dist/cli.cjs",
  format: "cjs",
  external: ["web-tree-sitter"],
  // the bundle's own location, where the modules ask for theirs
  define: { "import.meta": "__xenprivImportMeta" },
  banner: { js: 'const __xenprivImportMeta = { url: require("node:url").pathToFileURL(__filename).href };' },
});
await build({
  ...common,
  entryPoints: ["src/cli/launcher.ts"],
  outfile: "dist/xenpriv.js",
  banner: { js: "#!/usr/bin/env node" },
});
chmodSync("dist/xenpriv.js", 0o755);
// The training run: `check` with its explanation under dummy, and under Flask where checkpolicy can
// compile the tests' small Xen policy; the cache keeps what they compiled (src/cli/launcher.ts).
const training = [["check", "ctl", "domctl/pausedomain", "guest"]];
const flaskDir = mkdtempSync(join(tmpdir(), "xenpriv-training-"));
const policy = join(flaskDir, "policy");
const compiled = spawnSync(
  "checkpolicy",
  ["-t", "Xen", "-c", "30", "-o", policy, "test/fixtures/flask/engine/policy.conf"],
  { stdio: "ignore" },
);
if (compiled.status === 0)
  training.push(["check", "--policy", `flask:${policy}`, "ctl", "domctl/pausedomain", "guest"]);
// `extract` on small trees of the tests, twice into one cache (what it parses, then what it keeps):
// the walker, the scans and the cache's code are compiled from the cache, not on every extraction
const trainingCache = join(flaskDir, "cache");
for (const tree of ["shared-helpers", "decision-gates", "conditional-expr", "domctl-lookup", "kconfig-arch"])
  for (let pass = 0; pass < 2; pass++)
    training.push([
      "extract",
      `test/fixtures/extract/patterns/${tree}`,
      "-o",
      join(flaskDir, `${tree}.json`),
      "--cache-dir",
      trainingCache,
      "-q",
    ]);
execFileSync(process.execPath, ["dist/xenpriv.js"], {
  env: { ...process.env, XENPRIV_CODE_CACHE: JSON.stringify(training) },
  stdio: "ignore",
});
rmSync(flaskDir, { recursive: true, force: true });
// Each shipped catalogue validated once here, not by every cold command (src/catalog/catalogue-snapshot.ts).
await (await import("../dist/catalogue-snapshots.js")).writeCatalogueSnapshots();
// The HTML report's app: one browser script `xenpriv report` inlines in every report.
await build({
  entryPoints: ["src/web/report-app.ts"],
  outfile: "dist/report-app.js",
  bundle: true,
  platform: "browser",
  format: "iife",
  target: "es2022",
  minify: true,
  legalComments: "none",
  logLevel: "warning",
  plugins: [englishOnlyZod],
});
if (process.argv.includes("--types")) {
  // Declarations for the library API (`exports.types`).
  execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], {
    stdio: "inherit",
  });
}
