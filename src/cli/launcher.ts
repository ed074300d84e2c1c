import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Script } from "node:vm";

/**
 * `xenpriv`, as installed (dist/xenpriv.js): runs the CLI bundle (dist/cli.cjs) from V8's code cache
 * of it (dist/cli.cache), which the build writes after a training run. Compiling the bundle, and the
 * functions a command calls, was a third of a cold `check`; Node 20 has no module compile cache
 * (`module.enableCompileCache` came in Node 22.1), so the bundle is CommonJS and compiled here with
 * `vm.Script`'s `cachedData`. A cache V8 rejects (another Node) only costs the compile: it is then
 * written again at exit, where the package directory allows. The build's training run sets
 * `XENPRIV_CODE_CACHE` to a JSON list of command lines: each runs in turn in this one process, so that
 * the cache holds what each of them compiled, and the cache is written whatever.
 */
const dir = dirname(fileURLToPath(import.meta.url));
const bundle = join(dir, "cli.cjs");
const cacheFile = join(dir, "cli.cache");

function readCache(): Buffer | undefined {
  try {
    return readFileSync(cacheFile);
  } catch {
    return undefined;
  }
}

/** The build's training lines; anything else in the variable is not the build's and is ignored. */
function trainingLines(value: string | undefined): string[][] | undefined {
  try {
    const lines: unknown = value ? JSON.parse(value) : undefined;
    return Array.isArray(lines) &&
      lines.every((l) => Array.isArray(l) && l.every((w) => typeof w === "string"))
      ? (lines as string[][])
      : undefined;
  } catch {
    return undefined;
  }
}

const training = trainingLines(process.env.XENPRIV_CODE_CACHE);
const cachedData = training ? undefined : readCache();
function readBundle(): string {
  try {
    return readFileSync(bundle, "utf8");
  } catch (e) {
    process.stderr.write(`xenpriv is not built: ${(e as Error).message}; run \`npm run build\`\n`);
    return process.exit(3);
  }
}

const script = new Script(
  `(function (exports, require, module, __filename, __dirname) {${readBundle()}\n})`,
  { filename: bundle, ...(cachedData && { cachedData }) },
);
if (!cachedData || script.cachedDataRejected === true)
  process.once("exit", () => {
    try {
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      writeFileSync(tmp, script.createCachedData());
      renameSync(tmp, cacheFile);
    } catch {
      // a read-only installation keeps compiling: slower, never wrong
    }
  });
const module = { exports: {} as { main?: (argv: string[]) => Promise<number> } };
// trained, the bundle is not the command (cli/main.ts runs itself only as `xenpriv`): each line is
if (training) process.argv[1] = bundle;
script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, dir);
for (const argv of training ?? []) await module.exports.main?.(argv);
