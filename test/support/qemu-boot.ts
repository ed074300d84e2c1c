/**
 * One boot of Xen under QEMU for `npm run test:boot`: the arm64 `virt` board with GICv3 and EL2
 * (`-machine virt,gic-version=3,virtualization=on -cpu cortex-a57`, TCG), Xen as `-kernel`, the
 * board's device tree as `-dtb`, guest images put in memory by `-device loader`. The serial console
 * is read as it comes; QEMU is stopped as soon as the boot has said what it will say (a panic's
 * "Reboot in five seconds..." spares the five seconds), or at the timeout.
 */
import { spawn } from "node:child_process";

export const ARM64_MACHINE = "virt,gic-version=3,virtualization=on";
export const ARM64_CPU = "cortex-a57";
export const ARM64_SMP = 2;
/** RAM at 0x40000000, 2 GiB */
export const ARM64_MEMORY = "2G";

export interface BootImage {
  readonly file: string;
  readonly addr: number;
}

export interface BootRun {
  readonly log: string;
  /** why QEMU stopped: the stop condition was seen, the timeout passed, or QEMU exited itself */
  readonly end: "stopped" | "timeout" | "exited";
  readonly ms: number;
}

/** The default stop condition: Xen panicked and is about to reset, or waits for one. */
export const PANIC_END = /Reboot in five seconds\.\.\.|Manual reset required/;

/** The QEMU arguments of an arm64 boot (also those the board's DTB is dumped with, less the images). */
export function arm64Args(xen: string, dtb: string, images: readonly BootImage[] = []): string[] {
  return [
    "-machine",
    ARM64_MACHINE,
    "-cpu",
    ARM64_CPU,
    "-smp",
    String(ARM64_SMP),
    "-m",
    ARM64_MEMORY,
    "-nodefaults",
    "-display",
    "none",
    "-monitor",
    "none",
    "-serial",
    "stdio",
    "-no-reboot",
    "-kernel",
    xen,
    "-dtb",
    dtb,
    ...images.flatMap((i) => ["-device", `loader,file=${i.file},addr=0x${i.addr.toString(16)},force-raw=on`]),
  ];
}

/** Boots and returns the serial log; `stop` ends the boot early once the log matches it. */
export function bootArm64(
  xen: string,
  dtb: string,
  o: { images?: readonly BootImage[]; stop?: RegExp | ((log: string) => boolean); timeoutMs?: number } = {},
): Promise<BootRun> {
  const stop = o.stop ?? PANIC_END;
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn("qemu-system-aarch64", arm64Args(xen, dtb, o.images), {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let log = "";
    let end: BootRun["end"] = "exited";
    const finish = (why: BootRun["end"]) => {
      if (child.exitCode === null && child.signalCode === null) {
        end = why;
        child.kill("SIGKILL");
      }
    };
    const timer = setTimeout(() => finish("timeout"), o.timeoutMs ?? 60_000);
    child.stdout.setEncoding("latin1");
    child.stdout.on("data", (s: string) => {
      log += s;
      if (typeof stop === "function" ? stop(log) : stop.test(log)) finish("stopped");
    });
    let err = "";
    child.stderr.on("data", (s: Buffer) => {
      err += s.toString();
    });
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot run qemu-system-aarch64 (${e.message}): apt-get install qemu-system-arm`));
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      if (end === "exited" && code !== 0 && !log)
        reject(new Error(`qemu-system-aarch64 failed (${code}): ${err.trim()}`));
      else resolve({ log: log.replace(/\r\n/g, "\n"), end, ms: Date.now() - started });
    });
  });
}
