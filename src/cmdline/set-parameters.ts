import type { Diagnostic, Severity } from "../core/diagnostic.js";
import { integerWidth } from "./integer-width.js";
import type { OptionEntry } from "./option-catalogue.js";
import { MAX_TOKEN, parseBool } from "./parse-params.js";
import type { SafeList } from "./safe-lists.js";

/** Where each step of `xl set-parameters` is decided, at RELEASE-4.22.0. */
export const SET_PARAMETERS_REF = {
  xl: "tools/xl/xl_misc.c:158-175",
  libxl: "tools/libs/light/libxl.c:617-671",
  open: "tools/libs/hypfs/core.c:45-80",
  pathLength: "tools/libs/hypfs/core.c:105-110",
  readOnly: "tools/libs/hypfs/core.c:458-461",
  encodeString: "tools/libs/hypfs/core.c:469-481",
  encodeUint: "tools/libs/hypfs/core.c:482-493",
  encodeBool: "tools/libs/hypfs/core.c:506-517",
  lookup: "xen/common/hypfs.c:299-353",
  xsm: "xen/common/hypfs.c:687",
  writeLeaf: "xen/common/hypfs.c:563-601",
  writeBool: "xen/common/hypfs.c:604-624",
  writeCustom: "xen/common/hypfs.c:626-659",
  leaves: "xen/include/xen/param.h:115-186",
} as const;

const XEN_HYPFS_MAX_PATHLEN = 1024;

/** What became of one token of `xl set-parameters`. */
export type WriteResult =
  /** a variable was written (`value` is what it now holds) */
  | "written"
  /** a custom option's handler was called with the value; its return is the write's result */
  | "handler-called"
  /** the write failed with `errno`, and libxl stopped */
  | "failed"
  /** libxl reads a NULL pointer: xl crashes */
  | "crash";

export interface RuntimeWrite {
  readonly text: string;
  readonly start: number;
  readonly end: number;
  /** the hypfs node libxl writes, and the string it writes */
  readonly path: string;
  readonly value: string;
  /** the `no<name>` form: `"no"` written to `/params/<name>` */
  readonly negation: boolean;
  /** the registration behind the leaf */
  readonly entry?: OptionEntry;
  readonly result: WriteResult;
  readonly errno?: string;
  readonly why: string;
  readonly ref: string;
  /** the same effect spelled on the boot command line, where there is one */
  readonly atBoot?: string;
}

export interface RuntimeInput {
  /** `arm` is arm64 */
  readonly arch: "x86" | "arm" | "arm32";
  /** CONFIG_HYPFS (Kconfig default y): without it there is no `/params` */
  readonly hypfs: boolean;
  /** the safe list of a lockdown that is on: hypfs writes bypass it */
  readonly lockdown?: SafeList;
}

export interface RuntimeReport {
  /** the one argument xl hands to libxl, and the words it never reads */
  readonly argument: string;
  readonly ignoredWords: readonly string[];
  readonly writes: readonly RuntimeWrite[];
  /** tokens after the first failure, which libxl never reaches */
  readonly notReached: readonly string[];
  readonly ok: boolean;
  readonly diagnostics: readonly Diagnostic[];
}

const MASK64 = (1n << 64n) - 1n;
const MAX_PARAM_SIZE = MAX_TOKEN + 1;

const diag = (
  severity: Severity,
  code: string,
  message: string,
  ref?: string,
  help?: string,
): Diagnostic => ({
  code,
  severity,
  message,
  ...(ref && { ref }),
  ...(help && { help }),
});

/**
 * glibc `strtoull(s, &end, 0)`: leading white space, a sign (a `-` negates modulo 2^64), `0x` or
 * `0` prefixes; past 2^64 - 1 it saturates with ERANGE. Returns null when no digit was read.
 */
export function glibcStrtoull(s: string): { value: bigint; end: number; overflow: boolean } | null {
  let i = 0;
  while (/[ \t\n\v\f\r]/.test(s[i] ?? "")) i++;
  const negative = s[i] === "-";
  if (s[i] === "-" || s[i] === "+") i++;
  let base = 10n;
  if (s[i] === "0" && (s[i + 1] === "x" || s[i + 1] === "X") && /[0-9a-fA-F]/.test(s[i + 2] ?? "")) {
    base = 16n;
    i += 2;
  } else if (s[i] === "0") base = 8n;
  const first = i;
  let v = 0n;
  for (; i < s.length; i++) {
    const d = Number.parseInt(s[i] as string, 16);
    if (Number.isNaN(d) || BigInt(d) >= base) break;
    v = v * base + BigInt(d);
  }
  if (i === first) return null;
  if (v > MASK64) return { value: MASK64, end: i, overflow: true };
  return { value: negative ? -v & MASK64 : v, end: i, overflow: false };
}

type Leaf = { kind: "dir" } | { kind: "none" } | { kind: "leaf"; entry: OptionEntry };

/** `hypfs_get_entry` under `/params` (one level of leaves; a `/` in the name never finds one). */
function findLeaf(name: string, leaves: ReadonlyMap<string, OptionEntry>): Leaf {
  if (name === "") return { kind: "dir" };
  const entry = !name.includes("/") && leaves.get(name);
  return entry ? { kind: "leaf", entry } : { kind: "none" };
}

type Write = Pick<RuntimeWrite, "result" | "errno" | "why" | "ref"> & { stored?: string };

const fail = (errno: string, why: string, ref: string): Write => ({ result: "failed", errno, why, ref });

/** libxl's encoding of the value for the leaf's type, then the hypervisor's write handler. */
function writeLeaf(entry: OptionEntry, value: string, arch: RuntimeInput["arch"]): Write {
  const R = SET_PARAMETERS_REF;
  switch (entry.type) {
    case "custom":
      // the hypfs leaf is a string; the handler parses it as at boot
      if (value.length + 1 > MAX_PARAM_SIZE)
        return fail(
          "ENOSPC",
          `${value.length + 1} bytes with the NUL: more than MAX_PARAM_SIZE (128)`,
          R.writeCustom,
        );
      return {
        result: "handler-called",
        why: `${entry.handler ?? "the handler"}("${value}") runs; its return is the write's result`,
        ref: R.writeCustom,
      };
    case "string": {
      const max = entry.length ?? 0;
      if (value.length + 1 > max)
        return fail(
          "ENOSPC",
          `${value.length + 1} bytes with the NUL, the buffer holds ${max} (at boot the value would be cut to ${max - 1})`,
          R.writeLeaf,
        );
      return {
        result: "written",
        stored: JSON.stringify(value),
        why: "the string is copied",
        ref: R.writeLeaf,
      };
    }
    case "bool": {
      // libxl's own word list; it refuses anything else before any hypercall
      const b = parseBool(value);
      if (b < 0) return fail("EDOM", `\`${value}\` is not one of libxl's ten boolean words`, R.encodeBool);
      return {
        result: "written",
        stored: String(b === 1),
        why: `\`${value}\` means ${b === 1}`,
        ref: R.encodeBool,
      };
    }
    case "integer":
    case "size": {
      const n = glibcStrtoull(value);
      if (!n || n.end !== value.length)
        return fail(
          "0",
          `\`${value}\` is not a whole number for strtoull${entry.type === "size" ? " (no size units at runtime)" : ""}; libxl fails with errno 0`,
          R.encodeUint,
        );
      if (n.overflow) return fail("ERANGE", `\`${value}\` is past 2^64 - 1`, R.encodeUint);
      const width = BigInt(integerWidth(entry, { arch }));
      // `~0ULL << (8 * sz)`: x86 and Arm take a shift count modulo 64, so an 8-byte leaf keeps all ones
      const mask = (MASK64 << ((8n * width) % 64n)) & MASK64;
      const high = n.value & mask;
      if (high && high !== mask)
        return fail("ERANGE", `0x${n.value.toString(16)} does not fit ${width} byte(s)`, R.encodeUint);
      return {
        result: "written",
        stored: String(n.value & ((1n << (8n * width)) - 1n)),
        why: `strtoull gives ${n.value}`,
        ref: R.encodeUint,
      };
    }
    case "ignore":
      return fail("ENOENT", "an ignored option has no hypfs leaf", R.leaves);
  }
}

/** How the same effect is spelled on the boot command line. */
function atBoot(entry: OptionEntry, name: string, value: string, negation: boolean): string | undefined {
  if (entry.runtime === "runtime-only") return undefined;
  if (!negation) return `${name}=${value}`;
  // boot negation is `no-`; for strings it is ignored, while the runtime form stores "no"
  return entry.type === "string" ? `${name}=no` : `no-${name}`;
}

/**
 * What `xl set-parameters` does with its argument (libxl_set_parameters): tokens end at a space,
 * `no<name>` writes "no" to `/params/<name>`, `<name>=<value>` writes the value, and the first
 * failed write stops the rest. Each leaf is the hypfs half of a `*_runtime_param` registration.
 */
export function setParameters(
  words: readonly string[],
  table: readonly OptionEntry[],
  o: RuntimeInput,
): RuntimeReport {
  const R = SET_PARAMETERS_REF;
  const [argument = "", ...ignoredWords] = words;
  const diagnostics: Diagnostic[] = [];
  if (ignoredWords.length)
    diagnostics.push(
      diag(
        "warning",
        "runtime/extra-arguments",
        `xl set-parameters reads only its first argument; ${ignoredWords.map((w) => `\`${w}\``).join(", ")} would not be set`,
        R.xl,
        "quote the whole list as one argument",
      ),
    );
  const leaves = new Map<string, OptionEntry>();
  for (const e of table)
    if (e.runtime !== "boot" && e.builds[o.arch] && !leaves.has(e.name)) leaves.set(e.name, e);

  const tokens: { text: string; start: number; end: number }[] = [];
  const isBlank = (c: string | undefined) => c === " " || c === "\t";
  let p = 0;
  while (isBlank(argument[p])) p++;
  while (p < argument.length) {
    let end = argument.indexOf(" ", p);
    if (end < 0) end = argument.length;
    tokens.push({ text: argument.slice(p, end), start: p, end });
    p = end;
    while (isBlank(argument[p])) p++;
  }

  if (!o.hypfs) {
    diagnostics.push(
      diag(
        "error",
        "runtime/no-hypfs",
        "this Xen is built without CONFIG_HYPFS: libxl cannot open hypfs, so nothing is set",
        R.open,
      ),
    );
    return {
      argument,
      ignoredWords,
      writes: [],
      notReached: tokens.map((t) => t.text),
      ok: !tokens.length,
      diagnostics,
    };
  }

  const writes: RuntimeWrite[] = [];
  for (const t of tokens) {
    const eq = t.text.indexOf("=");
    const negation = eq < 0 && t.text.startsWith("no");
    const name = negation ? t.text.slice(2) : eq < 0 ? t.text : t.text.slice(0, eq);
    const value = negation ? "no" : eq < 0 ? "" : t.text.slice(eq + 1);
    const path = `/params/${name}`;
    const leaf = findLeaf(name, leaves);
    const entry = leaf.kind === "leaf" ? leaf.entry : undefined;
    let w: Write;
    if (eq < 0 && !negation)
      w = {
        result: "crash",
        why: "no `=` and no `no` prefix: libxl computes `path[val - par + 8]` with val NULL (undefined behaviour, in practice SIGSEGV)",
        ref: R.libxl,
      };
    else if (path.length + 1 > XEN_HYPFS_MAX_PATHLEN)
      w = fail(
        "ENAMETOOLONG",
        `the path is ${path.length + 1} bytes with the NUL, more than 1024`,
        R.pathLength,
      );
    else if (leaf.kind === "dir")
      w = fail("EACCES", "`/params` itself is a directory, which is not writable", R.readOnly);
    else if (!entry)
      w = fail(
        "ENOENT",
        `no hypfs leaf \`${path}\`${table.some((e) => e.name === name) ? ": the option is boot-time only" : ""}`,
        R.lookup,
      );
    else w = writeLeaf(entry, value, o.arch);
    const { stored, ...rest } = w;
    writes.push({
      ...t,
      path,
      value,
      negation,
      ...(entry && { entry }),
      ...rest,
      why: stored === undefined ? rest.why : `${rest.why}; ${name} = ${stored}`,
      ...(entry &&
        w.result !== "failed" &&
        w.result !== "crash" && { atBoot: atBoot(entry, name, value, negation) }),
    });
    if (w.result === "failed" || w.result === "crash") break;
  }
  const notReached = tokens.slice(writes.length).map((t) => t.text);

  for (const w of writes) {
    const bootName = w.text.startsWith("no-") && w.text.slice(3);
    const negated = bootName ? leaves.get(bootName) : undefined;
    if (w.errno === "ENOENT" && negated)
      diagnostics.push(
        negated.type === "string"
          ? diag(
              "warning",
              "runtime/boot-negation",
              `\`${w.text}\` is the boot spelling, and a string option has no negation: at runtime \`no${bootName}\` would store the word "no"`,
              R.libxl,
            )
          : diag(
              "warning",
              "runtime/boot-negation",
              `\`${w.text}\` is the boot spelling: at runtime the negation is \`no${bootName}\``,
              R.libxl,
              `write \`no${bootName}\``,
            ),
      );
    if (w.negation && w.entry?.type === "string" && w.result === "written")
      diagnostics.push(
        diag(
          "note",
          "runtime/string-no",
          `\`${w.text}\` stores the string "no" in \`${w.entry.name}\`; it is not a negation`,
          R.libxl,
        ),
      );
    if (o.lockdown && w.entry && (w.result === "written" || w.result === "handler-called"))
      diagnostics.push(
        diag(
          "warning",
          "lockdown/runtime-write",
          `\`${w.entry.name}\` is set at runtime through hypfs, which no lockdown proposal filters${o.lockdown.names.includes(w.entry.name) ? "" : `; at boot the ${o.lockdown.id} safe list would drop it`}`,
          R.xsm,
        ),
      );
  }
  const last = writes.at(-1);
  if (last?.result === "crash")
    diagnostics.push(
      diag(
        "error",
        "runtime/crash",
        `\`${last.text}\` crashes xl: ${last.why}`,
        R.libxl,
        `write \`${last.text}=<value>\` or \`no${last.text}\``,
      ),
    );
  else if (last?.result === "failed")
    diagnostics.push(
      diag(
        "error",
        "runtime/write-failed",
        `\`${last.text}\` fails with ${last.errno}: ${last.why}`,
        last.ref,
      ),
    );
  if (notReached.length)
    diagnostics.push(
      diag(
        "note",
        "runtime/not-reached",
        `libxl stops at the first failure: ${notReached.map((t) => `\`${t}\``).join(", ")} not set`,
        R.libxl,
      ),
    );
  const ok = writes.every((w) => w.result === "written" || w.result === "handler-called");
  return { argument, ignoredWords, writes, notReached, ok, diagnostics };
}
