import { error } from "../core/diagnostic.js";
import { fail } from "../core/errors.js";
import { readInput } from "../core/read-input.js";
import { type Decision, evaluateCall } from "./evaluate-call.js";
import type { HypercallCatalogue } from "./hypercall-catalogue.js";
import { parseTrace, resolveOp } from "./parse-trace.js";
import type { PrivcmdCall, PrivcmdContext } from "./privcmd-call.js";
import { privcmdFacts } from "./privcmd-facts.js";
import { privcmdProfile } from "./privcmd-profile.js";

export interface EmuOptions {
  /** hypercall catalogue: a shipped version or a path */
  readonly xen: string;
  /** none, restrict, xenserver, pointer-free, or a YAML profile file */
  readonly profile: string;
  readonly dom?: string | undefined;
  /** numeric fields of the argument, `name=value` each */
  readonly field: readonly string[];
  readonly inner?: string | undefined;
  readonly signed?: boolean | undefined;
  readonly pci?: boolean | undefined;
  readonly restrictTo?: string | undefined;
  readonly domu?: boolean | undefined;
  readonly xsTarget?: string | undefined;
  readonly unrestricted?: boolean | undefined;
  readonly lockdown: boolean;
  /** the kernel has CONFIG_SIGNED_PE_FILE_VERIFICATION (`--no-kexec-signature-check`: it has not) */
  readonly kexecSignatureCheck: boolean;
  /** a JSON Lines trace of calls, instead of one call */
  readonly trace?: string | undefined;
}

/** A traced call's verdict. */
export interface TracedVerdict {
  readonly line: number;
  readonly fd: number;
  readonly call: PrivcmdCall;
  readonly allowed: boolean;
  readonly errno?: string;
}

/** One call through privcmd and a profile, or a trace of them. */
export type PrivcmdEmu = {
  readonly profile: string;
  readonly profileTitle: string;
  readonly context: PrivcmdContext;
} & (
  | { readonly call: PrivcmdCall; readonly decision: Decision }
  | { readonly calls: readonly TracedVerdict[]; readonly summary: Readonly<Record<string, number>> }
);

const int = (v: string | undefined, what: string): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isInteger(n)
    ? n
    : fail(error("privcmd/bad-number", `${what} \`${v}\` is not a whole number`));
};

/**
 * What a privcmd call gets under a filter profile: allowed or the errno, and every check on the way.
 * `words` are `<ioctl> [<hypercall> [<subop>]]`, names or numbers; with `o.trace`, every call of a trace.
 */
export function privcmdEmu(words: readonly string[], o: EmuOptions): PrivcmdEmu {
  const facts = privcmdFacts(o.xen, o.profile === "xenserver");
  const profile = privcmdProfile(o.profile, facts);
  const restrictTo = int(o.restrictTo, "--restrict-to");
  const xsTarget = int(o.xsTarget, "--xs-target");
  if (o.profile === "restrict" && restrictTo === undefined && !o.domu)
    fail(
      error(
        "privcmd/restrict-needs-domain",
        "the restrict profile filters nothing itself: the fd's restriction does",
        undefined,
        "give --restrict-to <domid>, or --domu [--xs-target <domid>] for XSA-482's restriction",
      ),
    );
  const context: PrivcmdContext = {
    domain: o.domu ? "domU" : "dom0",
    lockedDown: o.lockdown,
    kexecSignatureCheck: o.kexecSignatureCheck !== false,
    ...(restrictTo !== undefined && { restrictedTo: restrictTo }),
    ...(xsTarget !== undefined && { xsTarget }),
    ...(o.unrestricted && { unrestricted: true }),
  };
  const env = { linux: facts.linux, hypercalls: facts.hypercalls };
  const base = { profile: profile.id, profileTitle: profile.title, context };
  if (o.trace) {
    const text = readInput(o.trace, { code: "privcmd/unreadable", what: "the trace" }).toString("utf8");
    const fds = new Map<number, number | undefined>();
    const calls = parseTrace(text, o.trace, facts.hypercalls).map((t): TracedVerdict => {
      const restricted = fds.has(t.fd) ? fds.get(t.fd) : context.restrictedTo;
      const d = evaluateCall(
        t.call,
        { ...context, ...(restricted !== undefined && { restrictedTo: restricted }) },
        profile,
        env,
      );
      if (d.restrictedTo !== undefined) fds.set(t.fd, d.restrictedTo);
      return { line: t.line, fd: t.fd, call: t.call, allowed: d.allowed, ...(d.errno && { errno: d.errno }) };
    });
    const tally = new Map<string, number>();
    for (const r of calls) {
      const verdict = r.allowed ? "allowed" : (r.errno ?? "denied");
      tally.set(verdict, (tally.get(verdict) ?? 0) + 1);
    }
    return { ...base, calls, summary: Object.fromEntries(tally) };
  }
  const call = callOf(words, o, facts.hypercalls);
  return { ...base, call, decision: evaluateCall(call, context, profile, env) };
}

/** The call the words describe: `<ioctl> [<hypercall> [<subop>]]`, names or numbers. */
function callOf(words: readonly string[], o: EmuOptions, catalogue: HypercallCatalogue): PrivcmdCall {
  const [ioctl = "", hypercall, subop] = words;
  const name = ioctl.toUpperCase().replace(/^IOCTL_PRIVCMD_/, "");
  let op = {};
  if (hypercall !== undefined) {
    const r = resolveOp(catalogue, hypercall, subop, undefined);
    if ("code" in r) fail(r);
    op = r;
  }
  const fields: Record<string, number> = {};
  for (const f of o.field) {
    const [k, v] = f.split("=");
    const n = Number(v);
    if (!k || v === undefined || !Number.isFinite(n))
      fail(error("privcmd/bad-field", `--field \`${f}\` is not NAME=NUMBER`));
    fields[k as string] = n;
  }
  const dom = int(o.dom, "--dom");
  return {
    ioctl: name,
    ...op,
    ...(dom !== undefined && { dom }),
    ...(Object.keys(fields).length && { fields }),
    ...(o.inner && { inner: o.inner }),
    ...(o.signed && { signed: true }),
    ...(o.pci && { pci: true }),
  };
}
