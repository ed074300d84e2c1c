import type { Cond } from "../catalog/schema.js";
import type { BuildFacts } from "../model/build.js";
import { type Domain, isHvm, isSystemDomain } from "../model/domain.js";
import { isControl, isHardware, isXenstore } from "../policy/expr.js";

/** Three-valued: what files cannot settle is `unknown`, never guessed. */
export type Tri = true | false | "unknown";

export interface CondContext {
  readonly src: Domain;
  readonly target: Domain | null;
  readonly build: BuildFacts;
}

function domainAtom(d: Domain | null, prop: string, build: BuildFacts): boolean {
  if (!d) return false;
  switch (prop) {
    case "pv":
    case "pvh":
    case "hvm":
      return d.type === prop;
    case "hvm-like":
      return isHvm(d);
    case "control":
      return isControl(d, build);
    case "hardware":
      return isHardware(d, build);
    case "xenstore":
      return isXenstore(d);
    case "console":
      return d.isConsole;
    case "system":
      return isSystemDomain(d);
    case "dom_io":
    case "dom_xen":
    case "idle":
      return d.system === prop;
    default:
      throw new Error(`unknown domain property \`${prop}\``);
  }
}

const atoms = new Map<string, [string, string]>();
function atom(text: string, ctx: CondContext): Tri {
  if (text.startsWith("runtime:")) return "unknown";
  if (text === "self") return ctx.target !== null && ctx.target === ctx.src;
  if (text === "no-target") return ctx.target === null;
  let parsed = atoms.get(text);
  if (parsed === undefined) {
    const [scope = "", prop = ""] = text.split(".");
    parsed = [scope, prop];
    atoms.set(text, parsed);
  }
  const [scope, prop] = parsed;
  switch (scope) {
    case "caller":
      return domainAtom(ctx.src, prop, ctx.build);
    case "target":
      return domainAtom(ctx.target, prop, ctx.build);
    case "arch":
      return ctx.build.arch === prop;
    case "build":
      if (prop === "verbose-debug") return ctx.build.verboseDebug;
      if (prop === "pv-shim-exclusive") return ctx.build.pvShimExclusive;
      if (prop === "late-hwdom") return ctx.build.lateHwdom;
      break;
  }
  throw new Error(`unknown condition atom \`${text}\``);
}

/** Evaluates a catalogue condition (Kleene logic for `runtime:` atoms). */
export function evalCond(cond: Cond, ctx: CondContext): Tri {
  if (typeof cond === "string") return atom(cond, ctx);
  if ("not" in cond) {
    const v = evalCond(cond.not, ctx);
    return v === "unknown" ? v : !v;
  }
  const isAll = "all" in cond;
  let unknown = false;
  for (const c of isAll ? cond.all : cond.any) {
    const v = evalCond(c, ctx);
    if (v === "unknown") unknown = true;
    else if (v !== isAll) return v;
  }
  return unknown ? "unknown" : isAll;
}

const DOMAIN_WORDS: Record<string, (d: string) => string> = {
  control: (d) => `is_control_domain(${d})`,
  hardware: (d) => `is_hardware_domain(${d})`,
  xenstore: (d) => `is_xenstore_domain(${d})`,
  "hvm-like": (d) => `is_hvm_domain(${d})`,
  pv: (d) => `is_pv_domain(${d})`,
  pvh: (d) => `${d} is PVH`,
  hvm: (d) => `${d} is HVM (not PVH)`,
  console: (d) => `${d}->is_console`,
  system: (d) => `is_system_domain(${d})`,
  dom_io: (d) => `${d} == dom_io`,
  dom_xen: (d) => `${d} == dom_xen`,
};

function renderAtom(a: string): string {
  if (a.startsWith("runtime:")) return a.slice(8).trim();
  if (a === "self") return "d == current";
  if (a === "no-target") return "d == NULL";
  const [scope, prop = ""] = a.split(".");
  const word = DOMAIN_WORDS[prop];
  if (scope === "caller" && word) return word("current");
  if (scope === "target" && word) return word("d");
  if (scope === "arch") return `CONFIG_${prop.toUpperCase()}`;
  if (scope === "build") return `CONFIG_${prop.toUpperCase().replace(/-/g, "_")}`;
  return a;
}

const rendered = new Map<Cond, string>();

/** Renders a condition for explanations, in Xen's words (memoized: catalogue conditions are immutable). */
export function renderCond(cond: Cond): string {
  let s = rendered.get(cond);
  if (s === undefined) {
    s = renderCond1(cond);
    rendered.set(cond, s);
  }
  return s;
}
function renderCond1(cond: Cond): string {
  if (typeof cond === "string") return renderAtom(cond);
  if ("not" in cond) {
    const inner = renderCond(cond.not);
    return /^[\w>-]+\([^()]*\)$/.test(inner) ? `!${inner}` : `!(${inner})`;
  }
  const parts = ("all" in cond ? cond.all : cond.any).map((c) =>
    typeof c === "string" ? renderCond(c) : `(${renderCond(c)})`,
  );
  return parts.join("all" in cond ? " && " : " || ");
}
