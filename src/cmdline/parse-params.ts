import type { OptionEntry } from "./option-catalogue.js";
import { tokenLog } from "./token-log.js";

/** Xen's errno values the parser returns (xen/include/public/errno.h). */
export const EINVAL = 22;
export const EOVERFLOW = 75;

/** MAX_PARAM_SIZE (xen/include/xen/param.h:31): a token keeps 127 characters. */
export const MAX_TOKEN = 127;

/** What one table entry did with a token. */
export type Outcome =
  /** a variable was written (integers and sizes are written before their trailing text is checked) */
  | { readonly kind: "set"; readonly value: boolean | bigint | string }
  /** a custom handler was called with this argument (xenpriv does not run handlers) */
  | { readonly kind: "call"; readonly arg: string }
  /** `ignore_param`: accepted, nothing done */
  | { readonly kind: "ignored" }
  /** nothing written or called */
  | { readonly kind: "rejected" };

export interface Applied {
  readonly entry: OptionEntry;
  readonly outcome: Outcome;
  /** 0, or the error the entry returned (-EINVAL, -EOVERFLOW) */
  readonly rc: number;
  readonly why?: string;
  /** a custom entry under `no-`: it rewrote the token's buffer to `no` (kernel.c:172) */
  readonly rewrote?: true;
}

/** One token of the command line and what parse_params did with it. */
export interface ParsedToken {
  /** the token as written, before truncation */
  readonly text: string;
  /** offsets of the token in the line */
  readonly start: number;
  readonly end: number;
  /** longer than 127 characters: the rest was dropped */
  readonly truncated: boolean;
  /** the key as written (`no-x2apic`), and the name looked up (`x2apic`) */
  readonly key: string;
  readonly name: string;
  readonly negated: boolean;
  /** the text after the first `=`; `""` without one */
  readonly value: string;
  readonly hasValue: boolean;
  /** every table entry that took the token, in table order */
  readonly applied: readonly Applied[];
  /** the first non-zero error of the entries ("parameter ... has invalid value"), 0 if none */
  readonly rc: number;
  /** false: "parameter ... unknown!" */
  readonly found: boolean;
  /** what Xen prints for the token, as it prints it (kernel.c:188-198): at most one line */
  readonly log: readonly string[];
}

/** `parse_bool` (xen/common/kernel.c:235-284): 1, 0, or -1 for anything but its ten words. */
export function parseBool(s: string): number {
  if (["1", "on", "yes", "true", "enable"].includes(s)) return 1;
  if (["0", "no", "off", "false", "disable"].includes(s)) return 0;
  return -1;
}

const MASK64 = (1n << 64n) - 1n;

/**
 * `simple_strtoull(s, &end, 0)` (xen/lib/strtoull.c): `0x` (with a hex digit after it) is hex, a
 * leading `0` octal, else decimal; it wraps modulo 2^64; returns the value and where it stopped.
 */
export function strtoull(s: string, at = 0): [bigint, number] {
  let base = 10n;
  let i = at;
  if (s[i] === "0") {
    base = 8n;
    i++;
    if ((s[i] === "x" || s[i] === "X") && /[0-9a-fA-F]/.test(s[i + 1] ?? "")) {
      i++;
      base = 16n;
    }
  }
  let v = 0n;
  for (; i < s.length; i++) {
    const d = Number.parseInt(s[i] as string, 16);
    if (Number.isNaN(d) || BigInt(d) >= base) break;
    v = (v * base + BigInt(d)) & MASK64;
  }
  return [v, i];
}

/** `simple_strtoll`: a `-` negates the unsigned value (two's complement, modulo 2^64). */
export function strtoll(s: string): [bigint, number] {
  if (s.startsWith("-")) {
    const [v, end] = strtoull(s, 1);
    return [-v & MASK64, end];
  }
  return strtoull(s);
}

/**
 * `parse_size_and_unit(s, &end)` (xen/lib/parse-size.c): T/G/M/K shift and B means bytes, any case;
 * no suffix means KiB; `%` stops without a shift (the caller then reports the trailing `%`).
 */
export function parseSizeAndUnit(s: string): [bigint, number] {
  let [v, end] = strtoull(s);
  const shift = { t: 40n, g: 30n, m: 20n, k: 10n, b: 0n }[(s[end] ?? "").toLowerCase()];
  if (shift !== undefined) {
    v <<= shift;
    end++;
  } else if (s[end] !== "%") v <<= 10n;
  return [v & MASK64, end];
}

/**
 * `assign_integer_param` (kernel.c:41-68): a value above the type's unsigned maximum is refused
 * unless it is a negative number the signed type can hold (it wraps); 8 bytes take anything.
 */
function assignInteger(value: bigint, width: number): { stored?: bigint; rc: number } {
  if (width >= 8) return { stored: value, rc: 0 };
  const bits = BigInt(width * 8);
  const max = (1n << bits) - 1n;
  const minSigned = (1n << 64n) - (1n << (bits - 1n));
  if (value > max && value < minSigned) return { rc: -EOVERFLOW };
  return { stored: value & max, rc: 0 };
}

/**
 * What the entries of one token share in parse_params (kernel.c:73-77): the `opt` buffer that `key`
 * and `optval` point into, and `bool_assert`. Each entry of a name runs on what the ones before it
 * left: a boolean entry given a false value flips `bool_assert` for those after it (kernel.c:158-159),
 * and a custom entry under `no-` rewrites `opt` to `no` (kernel.c:169-173), so the entries after it,
 * and the warning printed at the end (kernel.c:190-191), see key `no` and value `no`.
 */
interface TokenState {
  key: string;
  value: string;
  assert: boolean;
  rewritten: boolean;
}

/** One entry's handling of a token whose name matched exactly (kernel.c:138-180 at RELEASE-4.22.0). */
function applyEntry(entry: OptionEntry, st: TokenState, width: number): Applied {
  const value = st.value;
  switch (entry.type) {
    case "string":
      // strlcpy into the variable: cut to its size less one; `no-` is ignored
      return {
        entry,
        outcome: { kind: "set", value: entry.length ? value.slice(0, entry.length - 1) : value },
        rc: 0,
      };
    case "integer":
    case "size": {
      // `no-` is ignored; the value is stored before its trailing text is checked, and the trailing
      // text's -EINVAL replaces assign_integer_param's -EOVERFLOW (kernel.c:146-150, 162-166)
      const [v, end] = entry.type === "integer" ? strtoll(value) : parseSizeAndUnit(value);
      const { stored, rc } = assignInteger(v, width);
      const trailing = end < value.length;
      const why = [
        rc && `${v} does not fit ${width} bytes`,
        trailing && `trailing \`${value.slice(end)}\``,
      ].filter(Boolean);
      return {
        entry,
        outcome: stored === undefined ? { kind: "rejected" } : { kind: "set", value: stored },
        rc: trailing ? -EINVAL : rc,
        ...(why.length && { why: why.join(", ") }),
      };
    }
    case "bool": {
      const b = value === "" ? 1 : parseBool(value);
      if (b < 0)
        return { entry, outcome: { kind: "rejected" }, rc: -1, why: `\`${value}\` is not a boolean` };
      // a false value flips the assertion, for this entry and the later ones: `no-x=0` sets x
      if (b === 0) st.assert = !st.assert;
      return { entry, outcome: { kind: "set", value: st.assert }, rc: 0 };
    }
    case "custom":
      if (!st.assert) {
        if (value !== "")
          return {
            entry,
            outcome: { kind: "rejected" },
            rc: -EINVAL,
            why: st.rewritten
              ? "an entry before it rewrote the token to `no`, so `no-` comes with a value: the handler is not called"
              : "`no-` with a value: the handler is not called",
          };
        // safe_strcpy(opt, "no"): the key and the value are both `no` from now on
        st.key = "no";
        st.value = "no";
        st.rewritten = true;
        return { entry, outcome: { kind: "call", arg: "no" }, rc: 0, rewrote: true };
      }
      return { entry, outcome: { kind: "call", arg: value }, rc: 0 };
    case "ignore":
      return { entry, outcome: { kind: "ignored" }, rc: 0 };
  }
}

/**
 * `parse_params` (xen/common/kernel.c:70-214 at RELEASE-4.22.0) over `table`, the boot entries of
 * a build in table order: tokens split on spaces only and cut to 127 characters, the key split at
 * the first `=`, `no-` dropped before the lookup, and every matching entry run on what the entries
 * before it left of the token. `widthOf` is an integer's size on the build's arch (LP64 by default).
 */
export function parseParams(
  line: string,
  table: readonly OptionEntry[],
  widthOf: (e: OptionEntry) => number = (e) => e.width ?? 8,
): ParsedToken[] {
  const out: ParsedToken[] = [];
  const boot = table.filter((e) => e.runtime !== "runtime-only");
  let p = 0;
  for (;;) {
    while (line[p] === " ") p++;
    if (p >= line.length || line[p] === "\0") break;
    const start = p;
    while (p < line.length && line[p] !== " " && line[p] !== "\0") p++;
    const text = line.slice(start, p);
    const opt = text.slice(0, MAX_TOKEN);
    const eq = opt.indexOf("=");
    const key = eq < 0 ? opt : opt.slice(0, eq);
    const value = eq < 0 ? "" : opt.slice(eq + 1);
    // `ivrs_ioapic[4]=...`: the bracket of a key with a value (kernel.c:100-103)
    const bracket = eq < 0 ? -1 : key.search(/[([{<]/);
    const negated = key.startsWith("no-");
    const name = negated ? key.slice(3) : key;
    const st: TokenState = { key, value, assert: !negated, rewritten: false };
    const applied: Applied[] = [];
    for (const entry of boot) {
      if (entry.name !== name) {
        // compared with the buffer as it is: once rewritten to `no`, no bracket name matches it
        if (
          entry.type === "custom" &&
          bracket >= 0 &&
          !st.rewritten &&
          entry.name === opt.slice(0, bracket + 1)
        )
          applied.push({ entry, outcome: { kind: "call", arg: opt.slice(bracket) }, rc: 0 });
        continue;
      }
      applied.push(applyEntry(entry, st, widthOf(entry)));
    }
    const found = applied.length > 0;
    out.push({
      text,
      start,
      end: p,
      truncated: text.length > MAX_TOKEN,
      key,
      name,
      negated,
      value,
      hasValue: eq >= 0,
      applied,
      rc: applied.find((a) => a.rc !== 0)?.rc ?? 0,
      found,
      log: tokenLog({ key, value, found }, applied),
    });
  }
  return out;
}
