// Bundles the CLI and the library into dist/ (run by `npm ci` through `prepare`).
import { execFileSync } from "node:child_process";
import { chmodSync, rmSync } from "node:fs";
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
  logLevel: "warning",
  plugins: [englishOnlyZod],
};

// Keep dist/types (written by --types, at install) when only the bundle is rebuilt.
for (const f of [
  "dist/chunks",
  "dist/xenpriv.js",
  "dist/index.js",
  "dist/parse-worker.js",
  "dist/report-app.js",
])
  rmSync(f, { recursive: true, force: true });
await build({
  ...common,
  // xenpriv extract parses in worker threads: a worker starts from a module of its own
  entryPoints: {
    xenpriv: "src/cli/main.ts",
    index: "src/index.ts",
    "parse-worker": "src/extract/parse-worker.ts",
  },
  outdir: "dist",
  // web-tree-sitter finds its .wasm beside its own module, so it stays a package.
  external: ["web-tree-sitter"],
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  banner: {
    js: [
      "#!/usr/bin/env node",
      'import { createRequire as __xenprivCreateRequire } from "node:module";',
      "const require = __xenprivCreateRequire(import.meta.url);",
    ].join("\n"),
  },
});
chmodSync("dist/xenpriv.js", 0o755);
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
