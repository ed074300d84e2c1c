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
 * written again at exit, where the package directory allows. `XENPRIV_CODE_CACHE=write` writes it
 * whatever (the build's training run).
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

const cachedData = process.env.XENPRIV_CODE_CACHE === "write" ? undefined : readCache();
const script = new Script(
  `(function (exports, require, module, __filename, __dirname) {${readFileSync(bundle, "utf8")}\n})`,
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
const module = { exports: {} };
script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, dir);
