import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { packageRoot } from "../core/package-root.js";

let digest: string | undefined;

/**
 * A hash of the code that reads a tree, for what the parse cache keeps that this code made (a file's
 * functions, walks): from source, every module of src/ (the walker reads catalog/ and core/ too);
 * built, the module itself (the CLI's bundle holds all of it), the workers' and the library's chunks.
 */
export function codeDigest(): string {
  if (digest !== undefined) return digest;
  const self = fileURLToPath(import.meta.url);
  const files = self.endsWith(".ts")
    ? readdirSync(dirname(dirname(self)), { recursive: true })
        .map(String)
        .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))
        .map((f) => join(dirname(dirname(self)), f))
    : [
        self,
        join(packageRoot(), "dist", "parse-worker.cjs"),
        ...listJs(join(packageRoot(), "dist", "chunks")),
      ];
  const hash = createHash("sha256");
  for (const f of files.sort()) hash.update(f.slice(dirname(dirname(self)).length)).update(readFileSync(f));
  digest = hash.digest("hex");
  return digest;
}

function listJs(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith(".js"))
      .map((f) => join(dir, f));
  } catch {
    return [];
  }
}
