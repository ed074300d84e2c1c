// Bundles the CLI and the library into dist/ (run by `npm ci` through `prepare`).
import { execFileSync } from "node:child_process";
import { chmodSync, rmSync } from "node:fs";
import { build } from "esbuild";

const common = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  // Dependencies are bundled: loading one file instead of three packages keeps a cold `check` fast.
  sourcemap: false,
  logLevel: "warning",
};

// Keep dist/types (written by --types, at install) when only the bundle is rebuilt.
for (const f of ["dist/chunks", "dist/xenpriv.js", "dist/index.js"])
  rmSync(f, { recursive: true, force: true });
await build({
  ...common,
  entryPoints: { xenpriv: "src/cli/main.ts", index: "src/index.ts" },
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
if (process.argv.includes("--types")) {
  // Declarations for the library API (`exports.types`).
  execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], {
    stdio: "inherit",
  });
}
