/**
 * Xen built from the user's tree for `npm run test:boot`: an out-of-tree build (`make O=<dir>`, so the
 * tree is only read) into a cache directory outside the repository, kept under a key made of the
 * tree's contents, the build's settings and the compiler; a second run on an unchanged tree reuses it.
 * Nothing of the tree enters the project: the image is booted and what it prints is recorded.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, relative } from "node:path";
import { treeMeta } from "../../src/extract/tree-meta.js";

export type BootArch = "arm64" | "x86_64";

export interface XenBuild {
  /** the image to boot (`xen`: an arm64 `Image`; on x86_64 the 32-bit multiboot ELF) */
  readonly image: string;
  readonly dir: string;
  /** `4.22.0` */
  readonly xen: string;
  /** the tree's commit, or "" without git */
  readonly commit: string;
  /** how the tree was told apart: `git <commit>` for a clean checkout, else a hash of its files */
  readonly key: string;
  /** the `CONFIG_` lines of the build's `.config` that were set */
  readonly config: readonly string[];
  /** `aarch64-linux-gnu-gcc (Debian 12.2.0-14) 12.2.0` */
  readonly compiler: string;
  /** the build was made by this run (else it came from the cache) */
  readonly built: boolean;
}

const ARCH = {
  arm64: { target: "arm64", cross: "aarch64-linux-gnu-" },
  /** the host's gcc: the machine the tests run on is x86_64 (Debian's gcc otherwise: x86_64-linux-gnu-) */
  x86_64: { target: "x86_64", cross: process.arch === "x64" ? "" : "x86_64-linux-gnu-" },
} as const;

/**
 * The configuration: `defconfig` for the arch, with no change. At 4.22.0 arm64's has CONFIG_XSM with
 * FLASK and SILO (SILO the default module), dom0less boot and vpl011; `xsm=dummy` and `xsm=silo`
 * choose the module on the command line.
 */
const CONFIG_TARGET = "defconfig";

/** The cache: $XDG_CACHE_HOME/xenpriv/boot (or ~/.cache/xenpriv/boot), or XENPRIV_BOOT_CACHE. */
export function bootCacheDir(): string {
  return (
    process.env.XENPRIV_BOOT_CACHE ??
    join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "xenpriv", "boot")
  );
}

function git(root: string, ...args: string[]): string {
  const r = spawnSync("git", ["-C", root, ...args], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : "";
}

/** Every file under `dir` (`.git` left out), sorted, as paths relative to `root`. */
function files(root: string, dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((e) => {
      const p = join(dir, e.name);
      if (e.isDirectory()) return e.name === ".git" ? [] : files(root, p);
      return e.isFile() ? [relative(root, p)] : [];
    });
}

/**
 * What the build depends on, as a key: a clean git checkout is its commit; anything else (a tarball,
 * a patched checkout) is the hash of every file the hypervisor build reads (xen/, config/, Config.mk).
 */
export function treeKey(root: string): string {
  const commit = git(root, "rev-parse", "HEAD");
  const top = git(root, "rev-parse", "--show-toplevel");
  if (
    commit &&
    top &&
    !git(root, "status", "--porcelain", "--untracked-files=all", "--", "xen", "config", "Config.mk")
  )
    return `git ${commit}`;
  const h = createHash("sha256");
  const inputs = [
    ...files(root, join(root, "xen")),
    ...(existsSync(join(root, "config")) ? files(root, join(root, "config")) : []),
    ...(existsSync(join(root, "Config.mk")) ? ["Config.mk"] : []),
  ];
  for (const f of inputs)
    h.update(`${f}\0`)
      .update(readFileSync(join(root, f)))
      .update("\0");
  return `files ${h.digest("hex")}`;
}

function compilerOf(cross: string): string {
  const r = spawnSync(`${cross}gcc`, ["--version"], { encoding: "utf8" });
  return r.status === 0 ? (r.stdout.split("\n")[0] ?? "").trim() : "";
}

/**
 * Xen for `arch` from the tree at `root`, built with -j`jobs` unless the cache has it; `log` gets a
 * line per step. A failed build throws with the end of make's output.
 */
export function buildXen(root: string, arch: BootArch, log: (line: string) => void, jobs = 2): XenBuild {
  const meta = treeMeta(root);
  const xen = meta.xen ?? "unknown";
  const { target, cross } = ARCH[arch];
  const compiler = compilerOf(cross);
  if (!compiler)
    throw new Error(
      `\`${cross}gcc\` cannot be run: install ${arch === "arm64" ? "gcc-aarch64-linux-gnu" : "gcc-x86-64-linux-gnu"}`,
    );
  const key = treeKey(root);
  const id = createHash("sha256").update(`${key}\n${arch}\n${CONFIG_TARGET}\n${compiler}`).digest("hex");
  const dir = join(bootCacheDir(), `xen-${xen}-${arch}-${id.slice(0, 16)}`);
  const image = join(dir, "xen");
  const done = join(dir, ".complete");
  let built = false;
  if (!existsSync(done)) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const make = (...args: string[]) => {
      const r = spawnSync(
        "make",
        ["-C", join(root, "xen"), `O=${dir}`, `XEN_TARGET_ARCH=${target}`, `CROSS_COMPILE=${cross}`, ...args],
        { encoding: "utf8", maxBuffer: 1 << 28 },
      );
      if (r.status !== 0)
        throw new Error(
          `make ${args.join(" ")} failed for ${arch} (a tree built in place must be cleaned first: make -C xen distclean):\n${(r.stdout + r.stderr).split("\n").slice(-25).join("\n")}`,
        );
    };
    log(`building Xen ${xen} for ${arch} from ${root} into ${dir} (-j${jobs})`);
    const t = Date.now();
    make(CONFIG_TARGET);
    make(`-j${jobs}`);
    if (!existsSync(image)) throw new Error(`the build of ${arch} left no ${image}`);
    writeFileSync(done, `${key}\n`);
    built = true;
    log(`built in ${((Date.now() - t) / 1000).toFixed(0)} s`);
  } else log(`Xen ${xen} for ${arch} from the cache: ${dir}`);
  const config = readFileSync(join(dir, ".config"), "utf8")
    .split("\n")
    .filter((l) => /^CONFIG_\w+=/.test(l));
  return { image, dir, xen, commit: meta.commit ?? "", key, config, compiler, built };
}

/** `QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)` */
export function qemuVersion(binary = "qemu-system-aarch64"): string {
  return (execFileSync(binary, ["--version"], { encoding: "utf8" }).split("\n")[0] ?? "").trim();
}
