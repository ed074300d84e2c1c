import type { Diagnostic } from "../core/diagnostic.js";
import type { Pass, Piece } from "./assemble-command-line.js";
import type { LockdownModel } from "./lockdown-models.js";
import type { OptionEntry } from "./option-catalogue.js";
import { parseBoolean } from "./parse-boolean.js";
import { type Applied, type ParsedToken, parseBool, strtoull } from "./parse-params.js";
import type { SafeList } from "./safe-lists.js";

export interface LockdownInput {
  readonly model: LockdownModel;
  readonly safeList: SafeList;
  /** `efi_secure_boot` */
  readonly secureBoot: boolean;
  /** `CONFIG_LOCKDOWN_DEFAULT` (both posted variants add it, default n) */
  readonly lockdownDefault: boolean;
  /** `CONFIG_PV_SHIM`: the 2026 posting of variant A forces lockdown off in the shim */
  readonly pvShim: boolean;
  readonly arch: "x86" | "arm";
}

/** A pass of the parser with its tokens. */
export interface ParsedPass {
  readonly pass: Pass;
  readonly tokens: readonly ParsedToken[];
}

/** What lockdown did to one token. */
export interface TokenVerdict {
  readonly pass: Pass["kind"];
  readonly token: ParsedToken;
  readonly piece?: Piece;
  /** lockdown was on when the token was parsed */
  readonly locked: boolean;
  /** a trusted line the model does not filter */
  readonly exempt: boolean;
  /** the entries that ran */
  readonly kept: readonly Applied[];
  /** matching entries that did not run: unsafe ones, and those after them (parse_params' `break`) */
  readonly dropped: readonly {
    readonly entry: OptionEntry;
    /** `unsafe`: ignored by lockdown; `skipped`: after an unsafe entry, so never reached */
    readonly kind: "unsafe" | "skipped";
    readonly why: string;
  }[];
  /** sub-options a handler drops under lockdown (XenServer) */
  readonly subDropped: readonly { readonly text: string; readonly why: string }[];
  /** a `lockdown` word the model runs but that switches nothing off, and why */
  readonly noEffect?: string;
}

export interface LockdownOutcome {
  readonly verdicts: readonly TokenVerdict[];
  /** lockdown at the end of parsing */
  readonly enabled: boolean;
  /** what decided it, and what Xen would print */
  readonly events: readonly Diagnostic[];
}

const event = (
  code: string,
  severity: Diagnostic["severity"],
  message: string,
  ref: string,
  help?: string,
): Diagnostic => ({ code, severity, message, ref, ...(help && { help }) });

/** Variant A's `lockdown_init`: the first valid `lockdown`/`no-lockdown` of the bootloader line, split on " \n\r\t". */
function preScan(text: string): { value: boolean; token: string } | undefined {
  for (const tok of text.split(/[ \n\r\t]+/)) {
    const name = tok.split("=")[0];
    if (name !== "lockdown" && name !== "no-lockdown") continue;
    const v = parseBoolean("lockdown", tok);
    if (v >= 0) return { value: v === 1, token: tok };
  }
  return undefined;
}

/** The I/O base a `com1`/`com2` value gives, positional (third field) or `io-base=` (ns16550.c:1510-1650). */
export function comIoBase(value: string): { text: string; value: bigint } | undefined {
  const eq = value.indexOf("=");
  const lastComma = eq < 0 ? -1 : value.lastIndexOf(",", eq);
  const positional = eq < 0 ? value : lastComma < 0 ? "" : value.slice(0, lastComma);
  const pairs = eq < 0 ? "" : value.slice(lastComma + 1);
  let found: string | undefined;
  const third = positional.split(",")[2];
  if (third && !/^(pci|amt)/.test(third)) found = third;
  for (const kv of pairs.split(",")) if (kv.startsWith("io-base=")) found = kv.slice("io-base=".length);
  return found === undefined ? undefined : { text: found, value: strtoull(found)[0] };
}

/** XenServer's filters inside the `com1`/`com2` and `ucode` handlers (xenserver-next/xen 48ce556bfb). */
function subOptionDrops(a: Applied, arch: "x86" | "arm"): { text: string; why: string }[] {
  const name = a.entry.name;
  const arg =
    a.outcome.kind === "set" && typeof a.outcome.value === "string"
      ? a.outcome.value
      : a.outcome.kind === "call"
        ? a.outcome.arg
        : undefined;
  if (arg === undefined) return [];
  if ((name === "com1" || name === "com2") && arch === "x86") {
    const base = comIoBase(arg);
    if (base && base.value !== 0x3f8n && base.value !== 0x2f8n)
      return [
        {
          text: base.text,
          why: `I/O base ${base.text} is ignored under lockdown (only 0x3f8 and 0x2f8); ${name} keeps its default ${name === "com1" ? "0x3f8" : "0x2f8"}`,
        },
      ];
  }
  if (name === "ucode")
    return arg
      .split(",")
      .filter((s) => parseBoolean("digest-check", s) === 0)
      .map((text) => ({ text, why: "turning digest-check off is ignored under lockdown" }));
  return [];
}

/** Whether lockdown is on before any option is parsed: Secure Boot or CONFIG_LOCKDOWN_DEFAULT, under a model that has it. */
export function lockedAtStart(o: Pick<LockdownInput, "model" | "secureBoot" | "lockdownDefault">): boolean {
  return o.model.id !== "none" && (o.secureBoot || o.lockdownDefault);
}

/**
 * Lockdown under a model: when it turns on, and which entries of each token it stops
 * (`if (!param->is_lockdown_safe && is_locked_down()) break;` after a name match: the bracket
 * keys of `ivrs_ioapic[` are matched before that check and are not filtered).
 */
export function applyLockdown(passes: readonly ParsedPass[], o: LockdownInput): LockdownOutcome {
  const { model } = o;
  const events: Diagnostic[] = [];
  let locked = lockedAtStart(o);
  if (model.id !== "none") {
    if (o.secureBoot)
      events.push(
        event(
          "lockdown/secure-boot",
          "note",
          model.id === "variant-a"
            ? 'Secure Boot is on: lockdown is forced on and the command line is not scanned ("Enabling lockdown mode because Secure Boot is enabled")'
            : "Secure Boot is on: lockdown is forced on before any option is parsed",
          model.ref,
        ),
      );
    else if (o.lockdownDefault)
      events.push(
        event("lockdown/default", "note", "CONFIG_LOCKDOWN_DEFAULT=y: lockdown starts on", model.ref),
      );
  }
  if (model.preScan && !o.secureBoot) {
    const line = passes.find((p) => p.pass.kind === "bootloader")?.pass.text ?? "";
    const hit = preScan(line);
    if (hit) {
      locked = hit.value;
      events.push(
        event(
          "lockdown/pre-scan",
          "note",
          `\`${hit.token}\` in the bootloader line sets lockdown ${hit.value ? "on" : "off"} before any option is parsed ("Lockdown mode set from command-line"); later \`lockdown\` words are not looked at`,
          model.ref,
        ),
      );
    }
    if (
      passes.some(
        (p) => p.pass.kind === "builtin" && /(^|[ \n\r\t])(no-)?lockdown([= \n\r\t]|$)/.test(p.pass.text),
      )
    )
      events.push(
        event(
          "lockdown/builtin-not-scanned",
          "warning",
          "`lockdown` in CONFIG_CMDLINE does nothing: variant A scans only the bootloader's line",
          model.ref,
        ),
      );
  }
  if (model.id === "variant-a" && o.pvShim && locked) {
    locked = false;
    events.push(
      event(
        "lockdown/pv-shim",
        "note",
        "CONFIG_PV_SHIM: the 2026 posting of variant A forces lockdown off",
        "xen-devel 20260602164911.2684471-2-kevin.lampis@citrix.com",
      ),
    );
  }

  const safe = new Set(o.safeList.names);
  const verdicts: TokenVerdict[] = [];
  let parsedBefore = 0;
  let appliedUntrustedBefore = 0;
  for (const { pass, tokens } of passes) {
    for (const token of tokens) {
      const piece = pass.pieces.find((p) => token.start >= p.start && token.start < p.end);
      const exempt = model.trustedExempt && (piece?.trusted ?? pass.kind === "builtin");
      const lockedBefore = locked;
      const filter = locked && !exempt;
      const kept: Applied[] = [];
      const dropped: TokenVerdict["dropped"][number][] = [];
      const subDropped: { text: string; why: string }[] = [];
      let stopped = false;
      let noEffect: string | undefined;
      for (const a of token.applied) {
        if (stopped) {
          dropped.push({
            entry: a.entry,
            kind: "skipped",
            why: "not run: parse_params left the table at an unsafe entry of the same name",
          });
          continue;
        }
        const bracket = a.entry.name !== token.name;
        if (filter && !bracket && a.entry.type !== "ignore" && !safe.has(a.entry.name)) {
          dropped.push({
            entry: a.entry,
            kind: "unsafe",
            why:
              o.safeList.id === "xenserver"
                ? `"Ignoring cmdline option '${token.key}' in lockdown mode"`
                : `"Ignoring unsafe cmdline option ${token.key} in lockdown mode"`,
          });
          stopped = true;
          continue;
        }
        kept.push(a);
        if (filter && o.safeList.subOptionFilters) subDropped.push(...subOptionDrops(a, o.arch));
        if (a.entry.name === "lockdown" && a.entry.type === "custom" && a.outcome.kind === "call") {
          const r = lockdownHandler(
            a.outcome.arg,
            token,
            locked,
            parsedBefore,
            appliedUntrustedBefore,
            o,
            events,
          );
          locked = r.locked;
          noEffect = r.noEffect;
        }
      }
      verdicts.push({
        pass: pass.kind,
        token,
        ...(piece && { piece }),
        locked: lockedBefore,
        exempt,
        kept,
        dropped,
        subDropped,
        ...(noEffect && { noEffect }),
      });
      parsedBefore++;
      if (kept.length && !piece?.trusted && token.name !== "lockdown") appliedUntrustedBefore++;
    }
  }
  if (model.id !== "none")
    events.push(
      event(
        "lockdown/state",
        "note",
        `lockdown is ${locked ? "on" : "off"} after the command line ("Lockdown mode is ${locked ? "enabled" : "disabled"}")`,
        model.ref,
      ),
    );
  return { verdicts, enabled: locked, events };
}

/** The `lockdown` option of variant B (`strncmp("no", s, 2)`) and of the summit design (on only). */
function lockdownHandler(
  arg: string,
  token: ParsedToken,
  locked: boolean,
  parsedBefore: number,
  appliedUntrustedBefore: number,
  o: LockdownInput,
  events: Diagnostic[],
): { locked: boolean; noEffect?: string } {
  const { model } = o;
  if (model.id === "variant-b") {
    if (parsedBefore > 0)
      events.push(
        event(
          "lockdown/not-first",
          "warning",
          `\`${token.text}\` is not the first argument: "lockdown was not the first argument, unsafe arguments may have been already processed"`,
          model.ref,
          "put `lockdown` first on the command line",
        ),
      );
    const off = arg.startsWith("no");
    if (off && o.secureBoot) {
      events.push(
        event(
          "lockdown/cannot-disable",
          "note",
          `\`${token.text}\`: "lockdown can't be disabled because Xen booted in Secure Boot mode"`,
          model.ref,
        ),
      );
      return {
        locked: true,
        noEffect:
          'Secure Boot is on: variant B keeps lockdown on ("lockdown can\'t be disabled because Xen booted in Secure Boot mode")',
      };
    }
    if (!off && parseBool(arg) === 0)
      events.push(
        event(
          "lockdown/zero-enables",
          "warning",
          `\`${token.text}\` turns lockdown on: variant B only looks for a leading \`no\``,
          model.ref,
          "write `no-lockdown` or `lockdown=no` to turn it off",
        ),
      );
    return { locked: !off };
  }
  // summit: the option can only turn lockdown on
  const b = arg === "" ? 1 : arg === "no" ? 0 : parseBool(arg);
  if (b !== 1) {
    events.push(
      event(
        "lockdown/no-off-switch",
        "warning",
        `\`${token.text}\` does not turn lockdown off: the intended design has no off switch`,
        model.ref,
      ),
    );
    const state = `lockdown stays ${locked ? "on" : "off"}`;
    return {
      locked,
      noEffect:
        b === 0
          ? `nothing is switched off: the intended design's \`lockdown\` only turns lockdown on (${state})`
          : `\`${arg}\` is not a boolean, and the intended design's \`lockdown\` only turns lockdown on (${state})`,
    };
  }
  if (!locked && appliedUntrustedBefore > 0)
    events.push(
      event(
        "lockdown/not-first",
        "warning",
        `\`${token.text}\` comes after ${appliedUntrustedBefore} option(s) already applied unfiltered: the line is parsed left to right`,
        model.ref,
        "put `lockdown` first on the command line",
      ),
    );
  return { locked: true };
}
