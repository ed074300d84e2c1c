// `npm run test:boot`: a running Xen as the oracle (issue 22). With XEN_SRC naming a Xen tree (4.22.0
// or later), scripts/boot-oracle.ts builds Xen for arm64 and x86_64 from it into a cache outside the
// repository (reused while the tree is unchanged), boots each case under QEMU and compares what
// Xen prints with xenpriv; the facts go to test/oracle/xen-<version>/. Without XEN_SRC it exits 2.
// The tools it needs are installed with apt-get when missing, as scripts/test-setup.mjs does.
// On a terminal a progress line on stderr names the build or the case at work (src/cli/progress.ts);
// nothing when stderr is not a terminal, or with `npm run test:boot -- --quiet`.
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

function usage(message) {
  process.stderr.write(
    `test:boot: ${message}\nusage: XEN_SRC=<root of a Xen source tree, 4.22.0 or later> npm run test:boot [-- --quiet]\n`,
  );
  process.exit(2);
}

const args = process.argv.slice(2);
const unknown = args.find((a) => a !== "--quiet" && a !== "-q");
if (unknown !== undefined) usage(`unknown argument \`${unknown}\``);
const quiet = args.length > 0;

const src = process.env.XEN_SRC;
if (!src) usage("XEN_SRC is not set: the boot tests build Xen from a Xen source tree");
const root = resolve(src);
if (!existsSync(root) || !statSync(root).isDirectory()) usage(`XEN_SRC=${src} is not a directory`);
if (!existsSync(join(root, "xen", "Makefile")) || !existsSync(join(root, "xen", "arch", "arm")))
  usage(`XEN_SRC=${src} is not a Xen source tree (no xen/Makefile, xen/arch/arm)`);

const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
const asRoot = typeof process.getuid === "function" && process.getuid() === 0;
function apt(...args) {
  process.stderr.write(`test:boot: apt-get ${args.join(" ")}\n`);
  const cmd = asRoot ? ["apt-get", args] : ["sudo", ["-n", "apt-get", ...args]];
  return spawnSync(cmd[0], cmd[1], { stdio: "inherit", env }).status;
}
const has = (tool) => spawnSync(tool, ["--version"], { stdio: "ignore" }).status === 0;
const TOOLS = [
  ["qemu-system-aarch64", "qemu-system-arm"],
  ["qemu-system-x86_64", "qemu-system-x86"],
  ["aarch64-linux-gnu-gcc", "gcc-aarch64-linux-gnu"],
  // x86_64 Xen is built with the host's gcc (the machine the tests run on is x86_64)
  ["gcc", "gcc"],
  ["nm", "binutils"],
  ["flex", "flex"],
  ["bison", "bison"],
  ["make", "make"],
  ["dtc", "device-tree-compiler"],
];
const missing = TOOLS.filter(([tool]) => !has(tool)).map(([, pkg]) => pkg);
if (missing.length) {
  const args = ["install", "-y", "--no-install-recommends", ...missing];
  if (process.platform !== "linux" || (apt(...args) !== 0 && (apt("update") !== 0 || apt(...args) !== 0))) {
    process.stderr.write(
      `test:boot: could not install ${missing.join(", ")}: sudo apt-get install ${missing.join(" ")}\n`,
    );
    process.exit(1);
  }
}

// the CLI bundle: the comparison also runs `xenpriv cmdline --dt` on each booted device tree
if (spawnSync(process.execPath, ["scripts/build.mjs"], { stdio: "inherit" }).status !== 0) process.exit(1);
const r = spawnSync(
  process.execPath,
  ["--import", "tsx", "scripts/boot-oracle.ts", ...(quiet ? ["--quiet"] : [])],
  {
    stdio: "inherit",
    env: { ...process.env, XEN_SRC: root },
  },
);
process.exit(r.status ?? 1);
