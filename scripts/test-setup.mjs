// `npm test` setup (the `pretest` script): the device-tree tests use Debian's `dtc` as their oracle
// and read the boards Debian's `qemu-system-aarch64` (package qemu-system-arm) writes,
// the PE tests use binutils (`objdump`, `objcopy`) and real EFI binaries from Debian packages, and the
// privcmd export test compiles C with `cc` (gcc), and the report tests drive Debian's `chromium` with
// playwright-core (never a browser build playwright downloads).
// When a tool is missing, install its package with apt-get, as `playwright install-deps` does for
// browsers; when that cannot be done, say how and fail. When the EFI packages are missing from the cache,
// fetch them with `apt-get download` and unpack them with `dpkg-deb -x`; if that cannot be done, say how,
// and the test that needs them fails with the same advice.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };

function version(tool, arg) {
  const r = spawnSync(tool, [arg], { encoding: "utf8" });
  // some tools (Graphviz's `dot -V`) print their version on stderr
  return r.status === 0 ? (r.stdout || r.stderr).split("\n")[0].trim() : undefined;
}

function run(command, args, cwd) {
  process.stderr.write(`test-setup: ${command} ${args.join(" ")}\n`);
  return spawnSync(command, args, { stdio: "inherit", env, cwd }).status;
}

// as root (CI, these machines) apt-get runs as it is; otherwise through sudo, without a password prompt
const asRoot = typeof process.getuid === "function" && process.getuid() === 0;
const apt = (...args) => (asRoot ? run("apt-get", args) : run("sudo", ["-n", "apt-get", ...args]));

function install(pkg) {
  if (apt("install", "-y", "--no-install-recommends", pkg) === 0) return true;
  // a fresh machine has no package lists yet
  return apt("update") === 0 && apt("install", "-y", "--no-install-recommends", pkg) === 0;
}

function ensureTool(tool, arg, pkg, advice) {
  if (version(tool, arg)) return;
  if (process.platform !== "linux" || !install(pkg) || !version(tool, arg)) {
    process.stderr.write(
      [
        `test-setup: \`${tool}\` is needed by the tests and could not be installed.`,
        "Install it and run the tests again:",
        `  Debian/Ubuntu: sudo apt-get install ${pkg}`,
        `  ${advice}`,
        "",
      ].join("\n"),
    );
    process.exit(1);
  }
}

ensureTool(
  "dtc",
  "--version",
  "device-tree-compiler",
  "Fedora: sudo dnf install dtc    macOS: brew install dtc",
);
process.stderr.write(`test-setup: ${version("dtc", "--version")}\n`);
ensureTool("objdump", "--version", "binutils", "Fedora: sudo dnf install binutils");
process.stderr.write(`test-setup: ${version("objdump", "--version")}\n`);
// the exported privcmd filter header is compiled and run against the emulator
ensureTool("cc", "--version", "gcc", "Fedora: sudo dnf install gcc");
process.stderr.write(`test-setup: ${version("cc", "--version")}\n`);
// the device-tree tests read the boards QEMU's `virt` machine writes (-machine virt,dumpdtb=FILE)
ensureTool(
  "qemu-system-aarch64",
  "--version",
  "qemu-system-arm",
  "Fedora: sudo dnf install qemu-system-aarch64    macOS: brew install qemu",
);
process.stderr.write(`test-setup: ${version("qemu-system-aarch64", "--version")}\n`);
// `-f dot` output is checked by Graphviz itself
ensureTool("dot", "-V", "graphviz", "Fedora: sudo dnf install graphviz    macOS: brew install graphviz");
process.stderr.write(`test-setup: ${version("dot", "-V")}\n`);
// the HTML report is tested in a real browser (test/support/chromium.ts launches it)
const CHROMIUM = process.env.XENPRIV_CHROMIUM ?? "chromium";
ensureTool(CHROMIUM, "--version", "chromium", "elsewhere: XENPRIV_CHROMIUM=<path to a Chromium> npm test");
process.stderr.write(`test-setup: ${version(CHROMIUM, "--version")}\n`);

// the Flask tests compile policies with checkpolicy (and m4 and make, as Xen's tools/flask/policy does),
// compare them with SETools (sesearch, seinfo) and with libsepol, through a harness linked against
// libsepol-dev's static library
ensureTool("checkpolicy", "-V", "checkpolicy", "Fedora: sudo dnf install checkpolicy");
ensureTool("m4", "--version", "m4", "Fedora: sudo dnf install m4");
ensureTool("make", "--version", "make", "Fedora: sudo dnf install make");
ensureTool("sesearch", "--version", "setools", "Fedora: sudo dnf install setools-console");
process.stderr.write(
  `test-setup: checkpolicy ${version("checkpolicy", "-V")}, sesearch ${version("sesearch", "--version")}\n`,
);
const LIBSEPOL_A = [
  "/usr/lib/x86_64-linux-gnu/libsepol.a",
  "/usr/lib/aarch64-linux-gnu/libsepol.a",
  "/usr/lib64/libsepol.a",
  "/usr/lib/libsepol.a",
];
const hasLibsepol = () =>
  existsSync("/usr/include/sepol/policydb/services.h") && LIBSEPOL_A.some((p) => existsSync(p));
if (!hasLibsepol() && (process.platform !== "linux" || !install("libsepol-dev") || !hasLibsepol())) {
  process.stderr.write(
    "test-setup: libsepol's headers and static library are needed by the Flask tests.\n  Debian/Ubuntu: sudo apt-get install libsepol-dev\n  Fedora: sudo dnf install libsepol-static libsepol-devel\n",
  );
  process.exit(1);
}

// ---- real EFI binaries (test/debian-efi.test.ts keeps the same list and folder)
const DEBS_DIR = join("node_modules", ".cache", "xenpriv-debs");
const PACKAGES = ["shim-signed", "shim-helpers-amd64-signed", "grub-efi-amd64-signed", "systemd-boot-efi"];

/** Downloads and unpacks one package into DEBS_DIR/<package>; a `.complete` file marks success. */
function fetchDeb(pkg) {
  const dir = join(DEBS_DIR, pkg);
  if (existsSync(join(dir, ".complete"))) return true;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const download = () => run("apt-get", ["download", pkg], dir) === 0;
  if (!download() && !(apt("update") === 0 && download())) return false;
  const deb = readdirSync(dir).find((f) => f.endsWith(".deb"));
  if (!deb || run("dpkg-deb", ["-x", deb, "root"], dir) !== 0) return false;
  writeFileSync(join(dir, ".complete"), `${deb}\n`);
  return true;
}

const missing = process.platform === "linux" ? PACKAGES.filter((p) => !fetchDeb(p)) : PACKAGES;
if (missing.length > 0) {
  process.stderr.write(
    [
      `test-setup: could not fetch ${missing.join(", ")}; the PE tests on real EFI binaries will fail.`,
      "On Debian or Ubuntu (amd64), fetch them and run the tests again:",
      ...missing.map(
        (p) =>
          `  mkdir -p ${DEBS_DIR}/${p} && cd ${DEBS_DIR}/${p} && apt-get download ${p} && dpkg-deb -x ${p}_*.deb root && ls > .complete && cd -`,
      ),
      "",
    ].join("\n"),
  );
} else process.stderr.write(`test-setup: EFI packages in ${DEBS_DIR}: ${PACKAGES.join(", ")}\n`);
