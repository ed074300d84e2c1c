import type { Diagnostic } from "../core/diagnostic.js";
import { suggest } from "../core/suggest.js";
import { applyLockdown, type LockdownInput, type ParsedPass, type TokenVerdict } from "./apply-lockdown.js";
import {
  type AssembledCommandLine,
  assembleCommandLine,
  type BootSources,
  type SourceKind,
} from "./assemble-command-line.js";
import { type BuildConfig, unmetGuards } from "./build-guards.js";
import { effectiveSettings } from "./effective-settings.js";
import { type IntegerBuild, integerWidth } from "./integer-width.js";
import type { OptionCatalogue, OptionEntry } from "./option-catalogue.js";
import { type Applied, MAX_TOKEN, parseParams } from "./parse-params.js";
import { tokenLog } from "./token-log.js";

export type TokenStatus =
  | "applied"
  | "partly-applied"
  | "invalid"
  | "ignored"
  | "dropped"
  | "unknown"
  /** run, but switches nothing off: `no-lockdown` under a model where it cannot */
  | "no-effect";

/** One word of a parsed line: where it came from and what became of it. */
export interface TokenReport {
  readonly pass: "builtin" | "bootloader";
  readonly text: string;
  readonly source: SourceKind | "unknown";
  readonly trusted: boolean;
  readonly origin: string;
  readonly status: TokenStatus;
  /** lockdown was in force for it */
  readonly locked: boolean;
  /** each matching registration: what it did */
  readonly options: readonly {
    readonly name: string;
    readonly type: OptionEntry["type"];
    readonly ref: string;
    readonly result: string;
  }[];
  /** why it is not (fully) applied */
  readonly why: readonly string[];
  /** what Xen prints for it, as it prints it: at most one line (parse_params' warning) */
  readonly log: readonly string[];
}

/** What an option holds after both passes. */
export interface SettingReport {
  readonly name: string;
  readonly type: OptionEntry["type"];
  readonly ref: string;
  /** the last value written, or the handler's arguments in order */
  readonly value: string;
  /** the sources of the writes, in order */
  readonly sources: readonly { readonly source: string; readonly trusted: boolean; readonly text: string }[];
}

export interface CommandLineAnalysis {
  readonly xen: string;
  /** the build's arch: `arm` is arm64 */
  readonly arch: "x86" | "arm" | "arm32";
  readonly assembled: AssembledCommandLine;
  readonly lockdown: {
    readonly model: string;
    readonly safeList: string;
    readonly secureBoot: boolean;
    readonly enabled: boolean;
  };
  readonly tokens: readonly TokenReport[];
  readonly settings: readonly SettingReport[];
  /** how the line was put together, lockdown's events, and warnings */
  readonly diagnostics: readonly Diagnostic[];
}

const PARSE_REF = "xen/common/kernel.c:70";

export function formatValue(v: boolean | bigint | string): string {
  if (typeof v === "bigint") return v > 9n ? `${v} (0x${v.toString(16)})` : `${v}`;
  return typeof v === "string" ? JSON.stringify(v) : String(v);
}

function describe(a: Applied): string {
  const o = a.outcome;
  const what =
    o.kind === "set"
      ? `= ${formatValue(o.value)}`
      : o.kind === "call"
        ? `${a.entry.handler ?? a.entry.name}(${JSON.stringify(o.arg)})`
        : o.kind === "ignored"
          ? "accepted and ignored"
          : "not assigned";
  return a.rc ? `${what}, rc=${a.rc}${a.why ? ` (${a.why})` : ""}` : what;
}

function status(v: TokenVerdict): TokenStatus {
  if (!v.token.found) return "unknown";
  if (!v.kept.length) return "dropped";
  if (v.kept.some((a) => a.rc !== 0)) return "invalid";
  if (v.kept.every((a) => a.outcome.kind === "ignored")) return "ignored";
  if (v.noEffect) return "no-effect";
  return v.dropped.length || v.subDropped.length ? "partly-applied" : "applied";
}

/**
 * What a command line does on a boot: the strings Xen parses, each token's fate under the chosen
 * lockdown model, the settings left at the end, and warnings (lockdown not first, an untrusted
 * line overriding a trusted one, options lockdown drops, unknown options).
 */
export function analyseCommandLine(
  catalogue: OptionCatalogue,
  sources: BootSources,
  lockdown: Omit<LockdownInput, "arch">,
  build: {
    readonly arm32?: boolean;
    readonly physAddrT32?: boolean;
    /** the build's `.config`: a registration whose guards it leaves unmet is not in the build */
    readonly config?: BuildConfig;
  } = {},
): CommandLineAnalysis {
  const arch = sources.arch;
  // an Arm build is arm64 unless it is arm32: which options it has, and how wide their integers are
  const target: IntegerBuild["arch"] = arch === "arm" && build.arm32 ? "arm32" : arch;
  const assembled = assembleCommandLine(sources);
  const table = catalogue.options.filter(
    (e) => e.builds[target] && unmetGuards(e.guards, build.config).length === 0,
  );
  if (lockdown.model.entry) table.push(lockdown.model.entry);
  const layout = { arch: target, ...(build.physAddrT32 && { physAddrT32: true }) };
  const parsed: ParsedPass[] = assembled.passes.map((pass) => ({
    pass,
    tokens: parseParams(pass.text, table, (e) => integerWidth(e, layout)),
  }));
  const outcome = applyLockdown(parsed, { ...lockdown, arch });
  const diagnostics: Diagnostic[] = [...assembled.notes, ...outcome.events];
  const names = [...new Set(table.map((e) => e.name))];
  const suggestions = new Map<string, string[]>();

  const tokens = outcome.verdicts.map((v): TokenReport => {
    const t = v.token;
    const why: string[] = [];
    if (t.truncated)
      why.push(`cut to ${MAX_TOKEN} characters: \`…${t.text.slice(MAX_TOKEN - 10, MAX_TOKEN)}\` is the end`);
    for (const d of v.dropped) why.push(d.why);
    for (const s of v.subDropped) why.push(`\`${s.text}\`: ${s.why}`);
    if (v.noEffect) why.push(v.noEffect);
    const log = tokenLog(t, v.kept);
    why.push(...log.filter((l) => !l.endsWith(" unknown!")));
    if (v.kept.length && v.kept.every((a) => a.outcome.kind === "ignored"))
      why.push(
        t.name === "lockdown"
          ? "read by the pre-scan, ignored by the parser"
          : "ignore_param: accepted, nothing done",
      );
    if (!t.found) why.push(`parameter "${t.key}" unknown!`);
    return {
      log,
      pass: v.pass,
      text: t.text,
      source: v.piece?.source ?? "unknown",
      trusted: v.piece?.trusted ?? false,
      origin: v.piece?.origin ?? "",
      status: status(v),
      locked: v.locked,
      options: [
        ...v.kept.map((a) => ({
          name: a.entry.name,
          type: a.entry.type,
          ref: a.entry.ref,
          result: describe(a),
        })),
        ...v.dropped.map((d) => ({
          name: d.entry.name,
          type: d.entry.type,
          ref: d.entry.ref,
          result: d.kind === "unsafe" ? "ignored (lockdown)" : "not run (after an ignored entry)",
        })),
      ],
      why,
    };
  });

  for (const v of outcome.verdicts) {
    const t = v.token;
    const base = v.piece?.at;
    // a token read from a file is located in it; one from a loader or the build, by its column
    const span = base && {
      file: base.file,
      line: base.line,
      column: base.column + t.start - (v.piece?.start ?? 0),
    };
    const at = `${v.pass} line, column ${t.start + 1}`;
    if (!t.found) {
      const elsewhere = catalogue.options.find((e) => e.name === t.name);
      const builds = elsewhere && (["x86", "arm", "arm32"] as const).filter((b) => elsewhere.builds[b]);
      // registered for this arch, under guards the build's .config leaves unmet
      const unmet = catalogue.options
        .filter((e) => e.name === t.name && e.builds[target])
        .map((e) => unmetGuards(e.guards, build.config));
      const did = suggestions.get(t.name) ?? suggest(t.name, names);
      suggestions.set(t.name, did);
      diagnostics.push({
        code: "cmdline/unknown-option",
        severity: "warning",
        message: unmet.length
          ? `\`${t.key}\` (${at}) is registered only under ${[...new Set(unmet.flat())].map((g) => `\`${g}\``).join(", ")}, which this build's .config leaves unmet: Xen logs \`parameter "${t.key}" unknown!\``
          : builds
            ? `\`${t.key}\` (${at}) is registered ${builds.length ? `only for ${builds.join(" and ")} builds` : "under guards no build can meet"}: Xen logs \`parameter "${t.key}" unknown!\``
            : t.name === "lockdown"
              ? `\`${t.key}\` (${at}): Xen ${catalogue.xen} has no lockdown option; choose a lockdown model to see a proposal's behaviour`
              : `\`${t.key}\` (${at}) is not an option of Xen ${catalogue.xen}: Xen logs \`parameter "${t.key}" unknown!\` and goes on`,
        ...(span && { span }),
        ref: PARSE_REF,
        ...(did.length && { help: `did you mean ${did.map((d) => `\`${d}\``).join(", ")}?` }),
      });
    }
    const failed = v.kept.find((a) => a.rc);
    if (failed) {
      // one warning per token, as Xen prints it, with the first error (kernel.c:188-192)
      const stored = v.kept.filter((a) => a.rc && a.outcome.kind === "set");
      diagnostics.push({
        code: "cmdline/invalid-value",
        severity: "warning",
        message: `\`${t.text}\` (${at}): Xen logs \`${tokenLog(t, v.kept)[0]}\`${stored.map((a) => (a.outcome.kind === "set" ? `; ${formatValue(a.outcome.value)} was stored in ${a.entry.variable ?? a.entry.name} all the same` : "")).join("")}`,
        ...(span && { span }),
        ref: failed.entry.ref,
      });
    }
    if (t.truncated)
      diagnostics.push({
        code: "cmdline/token-truncated",
        severity: "warning",
        message: `\`${t.text.slice(0, 24)}…\` (${at}) is ${t.text.length} characters: Xen keeps ${MAX_TOKEN} and drops the rest silently`,
        ...(span && { span }),
        ref: "xen/include/xen/param.h:31",
      });
    if (/["']/.test(t.text))
      diagnostics.push({
        code: "cmdline/quotes",
        severity: "note",
        message: `\`${t.text}\` (${at}): quotes are ordinary characters to Xen, and only spaces separate options`,
        ...(span && { span }),
        ref: PARSE_REF,
      });
    if (/[\t\r\n]/.test(t.text))
      diagnostics.push({
        code: "cmdline/not-a-separator",
        severity: "warning",
        message: `${JSON.stringify(t.text)} (${at}) holds a tab or line break: Xen's parser separates on spaces only, so this is one option`,
        ...(span && { span }),
        ref: PARSE_REF,
      });
    if (v.dropped.length || v.subDropped.length)
      diagnostics.push({
        code: "lockdown/dropped",
        severity: "warning",
        message: `\`${t.text}\` (${at}) is ${v.kept.length ? "partly " : ""}ignored under lockdown: Xen only logs it and boots without it`,
        ...(span && { span }),
        ref: lockdown.safeList.ref,
      });
  }

  if (outcome.verdicts.some((v) => v.dropped.length || v.subDropped.length))
    diagnostics.push({
      code: "lockdown/safe-list",
      severity: "note",
      message: `under lockdown only the options of the safe list ${lockdown.safeList.title} are applied: ${lockdown.safeList.names.join(", ")}`,
      ref: lockdown.safeList.ref,
    });

  const settings = effectiveSettings(outcome.verdicts.map((v) => ({ ...v.token, applied: v.kept }))).map(
    (s): SettingReport => {
      const srcs = s.from.map((i) => {
        const v = outcome.verdicts[i] as TokenVerdict;
        return { source: v.piece?.source ?? v.pass, trusted: v.piece?.trusted ?? false, text: v.token.text };
      });
      const firstTrusted = srcs.findIndex((x) => x.trusted);
      const lastUntrusted = srcs.findLastIndex((x) => !x.trusted);
      if (firstTrusted >= 0 && lastUntrusted > firstTrusted)
        diagnostics.push({
          code: "cmdline/untrusted-override",
          severity: "warning",
          message: `\`${srcs[lastUntrusted]?.text}\` from the ${srcs[lastUntrusted]?.source} (not trusted) comes after \`${srcs[firstTrusted]?.text}\` from the ${srcs[firstTrusted]?.source} (trusted) and overrides it`,
          ref: assembled.efi ? "xen/arch/x86/efi/efi-boot.h:322" : "xen/common/kernel.c:218",
          help: "options after `--` in the EFI load options, or on the loader's line, are parsed last and win",
        });
      return {
        name: s.entry.name,
        type: s.entry.type,
        ref: s.entry.ref,
        value:
          s.value !== undefined
            ? formatValue(s.value)
            : s.calls.length
              ? s.calls.map((c) => `${s.entry.handler ?? s.entry.name}(${JSON.stringify(c)})`).join(" then ")
              : "accepted, nothing done",
        sources: srcs,
      };
    },
  );

  return {
    xen: catalogue.xen,
    arch: target,
    assembled,
    lockdown: {
      model: lockdown.model.id,
      safeList: lockdown.safeList.id,
      secureBoot: lockdown.secureBoot,
      enabled: outcome.enabled,
    },
    tokens,
    settings,
    diagnostics,
  };
}
