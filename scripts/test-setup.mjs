// `npm test` setup (the `pretest` script): the device-tree tests use Debian's `dtc` as their oracle.
// When `dtc` is missing, install the `device-tree-compiler` package with apt-get, as
// `playwright install-deps` does for browsers; when that cannot be done, say how and fail.
import { spawnSync } from "node:child_process";

const PACKAGE = "device-tree-compiler";

function hasDtc() {
  const r = spawnSync("dtc", ["--version"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

function run(command, args) {
  process.stderr.write(`test-setup: ${command} ${args.join(" ")}\n`);
  return spawnSync(command, args, {
    stdio: "inherit",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  }).status;
}

function install() {
  // as root (CI, these machines) apt-get runs as it is; otherwise through sudo, without a password prompt
  const asRoot = typeof process.getuid === "function" && process.getuid() === 0;
  const apt = (...args) => (asRoot ? run("apt-get", args) : run("sudo", ["-n", "apt-get", ...args]));
  if (apt("install", "-y", "--no-install-recommends", PACKAGE) === 0) return true;
  // a fresh machine has no package lists yet
  return apt("update") === 0 && apt("install", "-y", "--no-install-recommends", PACKAGE) === 0;
}

if (!hasDtc()) {
  if (process.platform !== "linux" || !install() || !hasDtc()) {
    process.stderr.write(
      [
        `test-setup: \`dtc\` (the device tree compiler) is needed by the device-tree tests and could not be installed.`,
        `Install it and run the tests again:`,
        `  Debian/Ubuntu: sudo apt-get install ${PACKAGE}`,
        `  Fedora: sudo dnf install dtc    macOS: brew install dtc`,
        "",
      ].join("\n"),
    );
    process.exit(1);
  }
}
process.stderr.write(`test-setup: ${hasDtc()}\n`);
