/**
 * One boot of x86_64 Xen under QEMU for `npm run test:boot` (issue 22 §4): `qemu-system-x86_64
 * -kernel xen -initrd <module> -append <line>` (QEMU's multiboot loader, TCG). x86 Xen parses its
 * command line before its console exists (cmdline_parse() at xen/arch/x86/setup.c:1217,
 * console_init_preirq() at :1240, RELEASE-4.22.0), so the parse warnings never reach the serial
 * port: they are only in the console ring. The boot (with `console=com1`, as x86's console is VGA
 * unless told) is therefore held at its panic, or stopped at the timeout (`noreboot`: the
 * module is no dom0 kernel, so Xen panics building dom0) and the ring is read out of the halted
 * machine through QEMU's monitor (`memsave` of `_conring`, at the address `xen-syms` gives it).
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PANIC_END } from "./qemu-boot.js";

export const X86_MACHINE = "q35";
export const X86_CPU = "max";
export const X86_MEMORY = "1G";

/** The addresses and sizes of the console ring's symbols in `xen-syms` (nm). */
export interface RingSymbols {
  readonly conring: bigint;
  readonly size: number;
  readonly conringp: bigint;
}

export function ringSymbols(xenSyms: string): RingSymbols {
  const r = spawnSync("nm", ["-S", xenSyms], { encoding: "utf8", maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`nm ${xenSyms}: ${r.stderr}`);
  const find = (name: string) => {
    const l = r.stdout.split("\n").find((x) => x.endsWith(` ${name}`));
    const m = l ? /^([0-9a-f]+) ([0-9a-f]+) /.exec(l) : null;
    if (!m) throw new Error(`no symbol ${name} in ${xenSyms}`);
    return { at: BigInt(`0x${m[1]}`), size: Number.parseInt(m[2] as string, 16) };
  };
  const ring = find("_conring");
  return { conring: ring.at, size: ring.size, conringp: find("conringp").at };
}

export interface X86Run {
  /** the serial console */
  readonly log: string;
  /** the console ring as Xen left it, in order; undefined when it could not be read */
  readonly ring?: string;
  readonly end: "stopped" | "timeout" | "exited";
  readonly ms: number;
}

/**
 * The text of a console ring whose producer index is `p` (free-running): bytes 0..p before it wraps,
 * then the last `size` bytes, oldest first (xen/drivers/char/console.c: conring_puts).
 */
export function ringText(bytes: Buffer, p: number): string {
  const text =
    p <= bytes.length
      ? bytes.subarray(0, p)
      : Buffer.concat([bytes.subarray(p % bytes.length), bytes.subarray(0, p % bytes.length)]);
  return text.toString("latin1");
}

/** Sends `commands` to QEMU's human monitor on `socket`, one at a time, each answered by a prompt. */
function monitor(socket: string, commands: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = connect(socket);
    let buf = "";
    let all = "";
    let next = 0;
    c.setEncoding("utf8");
    c.on("data", (s: string) => {
      buf += s;
      all += s;
      if (!buf.includes("(qemu) ")) return;
      buf = "";
      if (next < commands.length) c.write(`${commands[next++]}\n`);
      else {
        c.end();
        resolve(all);
      }
    });
    c.on("error", reject);
  });
}

/** Boots `xen` with `line`, holds it at its panic and reads its console ring. */
export function bootX86(
  xen: string,
  symbols: RingSymbols,
  line: string,
  module: string,
  // a boot reaches its panic in 1-4 s under TCG even on a loaded machine; a line that hangs Xen
  // (`noapic`) has long been parsed by then, and its ring is read at the timeout all the same
  timeoutMs = 15_000,
): Promise<X86Run> {
  const dir = mkdtempSync(join(tmpdir(), "xenpriv-x86-"));
  const socket = join(dir, "monitor");
  const started = Date.now();
  const args = [
    "-machine",
    X86_MACHINE,
    "-cpu",
    X86_CPU,
    "-smp",
    "1",
    "-m",
    X86_MEMORY,
    "-nodefaults",
    "-display",
    "none",
    "-serial",
    "stdio",
    "-monitor",
    `unix:${socket},server=on,wait=off`,
    "-kernel",
    xen,
    "-initrd",
    module,
    "-append",
    line,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn("qemu-system-x86_64", args, { stdio: ["ignore", "pipe", "pipe"] });
    let log = "";
    let end: X86Run["end"] = "exited";
    let ring: string | undefined;
    let reading = false;
    const kill = () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    };
    // at the timeout (a line that hangs Xen before its panic: `nolapic` under TCG) the ring is read
    // all the same: the command line is parsed before anything else, so its warnings are in it
    const timer = setTimeout(() => {
      if (reading) return;
      reading = true;
      void readRing("timeout");
    }, timeoutMs);
    // and should the monitor not answer, QEMU is stopped anyway
    const last = setTimeout(() => {
      end = "timeout";
      kill();
    }, timeoutMs + 20_000);
    const readRing = async (why: X86Run["end"]) => {
      const ringFile = join(dir, "ring");
      const indexFile = join(dir, "index");
      // `memsave` reads through the stopped CPU's page tables: a Xen hung with `nolapic` is, at some
      // instants, where Xen's addresses are not mapped ("Invalid addr"); it runs on a moment and is read again
      for (let attempt = 0; attempt < 6 && ring === undefined; attempt++) {
        try {
          if (attempt > 0) {
            await monitor(socket, ["cont"]);
            await new Promise((r) => setTimeout(r, 250));
          }
          rmSync(ringFile, { force: true });
          rmSync(indexFile, { force: true });
          const said = await monitor(socket, [
            "stop",
            // the file name quoted: unquoted, `/` would continue the size's expression (a division)
            `memsave 0x${symbols.conring.toString(16)} ${symbols.size} "${ringFile}"`,
            `memsave 0x${symbols.conringp.toString(16)} 4 "${indexFile}"`,
          ]);
          if (process.env.XENPRIV_DEBUG) process.stderr.write(said);
          if (existsSync(ringFile) && existsSync(indexFile) && statSync(indexFile).size === 4)
            ring = ringText(readFileSync(ringFile), readFileSync(indexFile).readUInt32LE(0));
        } catch (e) {
          if (process.env.XENPRIV_DEBUG) process.stderr.write(`the console ring: ${(e as Error).message}\n`);
        }
      }
      end = why;
      kill();
    };
    child.stdout.setEncoding("latin1");
    child.stdout.on("data", (s: string) => {
      log += s;
      if (!reading && PANIC_END.test(log)) {
        reading = true;
        void readRing("stopped");
      }
    });
    let err = "";
    child.stderr.on("data", (s: Buffer) => {
      err += s.toString();
    });
    child.on("error", (e) => {
      clearTimeout(timer);
      clearTimeout(last);
      reject(new Error(`cannot run qemu-system-x86_64 (${e.message}): apt-get install qemu-system-x86`));
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      clearTimeout(last);
      if (end === "exited" && code !== 0 && !log)
        reject(new Error(`qemu-system-x86_64 failed (${code}): ${err.trim()}`));
      else
        resolve({
          log: log.replace(/\r\n/g, "\n"),
          ...(ring !== undefined && { ring: ring.replace(/\r\n/g, "\n") }),
          end,
          ms: Date.now() - started,
        });
    });
  });
}
