import type { FlaskCondition } from "../flask/hook-checks.js";
import type { BuildFacts } from "../model/build.js";
import type { Domain } from "../model/domain.js";

/** What the build says of a condition's expression (before `negated`), and why, with Xen's lines. */
export interface BuildFact {
  readonly value: boolean;
  readonly why: string;
}

type Symbol = (b: BuildFacts) => BuildFact | undefined;
const selected = (value: boolean, why: string): BuildFact => ({ value, why });

/**
 * Kconfig symbols the build decides (RELEASE-4.22.0): what each arch selects, and a default only an expert
 * changes. Any other symbol is the user's choice, known only when the system's build turns it off
 * (`build.disabled`), which every symbol here yields to.
 */
const KCONFIG: Readonly<Record<string, Symbol>> = {
  CONFIG_X86: (b) => selected(b.arch === "x86", `the build is for ${b.arch} (xen/arch/x86/Kconfig:5-6)`),
  CONFIG_ARM: (b) => selected(b.arch === "arm", `the build is for ${b.arch} (xen/arch/arm/Kconfig:14-15)`),
  CONFIG_HAS_PASSTHROUGH: (b) =>
    b.arch === "x86"
      ? selected(true, "x86 selects it (xen/arch/x86/Kconfig:27)")
      : b.disabled.includes("CONFIG_MMU")
        ? selected(false, "only Arm's MMU selects it, and the build has the MPU (xen/arch/arm/Kconfig:76-88)")
        : selected(
            true,
            "Arm's memory management is the MMU, the choice's default, which selects it (xen/arch/arm/Kconfig:76-88)",
          ),
  CONFIG_HAS_PCI: (b) =>
    b.arch === "x86" ? selected(true, "x86 selects it (xen/arch/x86/Kconfig:28)") : undefined,
  CONFIG_HAS_PCI_MSI: (b) =>
    b.arch === "x86" ? selected(true, "x86 selects it (xen/arch/x86/Kconfig:29)") : undefined,
  // Flask is built (XSM_FLASK): the statistics are on unless an expert turns them off
  CONFIG_XSM_FLASK_AVC_STATS: () =>
    selected(
      true,
      "it is def_bool y under XSM_FLASK, offered only with CONFIG_EXPERT (xen/common/Kconfig:401-404)",
    ),
  CONFIG_HAS_DEVICE_TREE_DISCOVERY: (b) =>
    b.arch === "arm"
      ? selected(true, "Arm selects it (xen/arch/arm/Kconfig:20)")
      : selected(
          false,
          "it has no prompt and only Arm, PPC and RISC-V select it (xen/common/Kconfig:124-126)",
        ),
};

/** A Kconfig symbol in the build: off when the build says so, else what the arch decides. */
function symbol(name: string, b: BuildFacts): BuildFact | undefined {
  if (b.disabled.includes(name)) return selected(false, "the system's build turns it off (`build.disabled`)");
  return KCONFIG[name]?.(b);
}

/**
 * A preprocessor expression over Kconfig symbols (`defined(X)`, `defined X`, a bare `X`, `!`, `&&`, `||`,
 * parentheses), in three values: undefined where a symbol is not known, or the expression is not one
 * of these.
 */
function preprocessor(expr: string, b: BuildFacts): BuildFact | undefined {
  const tokens = expr.match(/defined|\(|\)|!|&&|\|\||[A-Za-z_]\w*|\S/g) ?? [];
  let at = 0;
  const whys: string[] = [];
  type V = boolean | undefined;
  const atom = (): V => {
    const t = tokens[at++];
    if (t === "!") {
      const v = atom();
      return v === undefined ? undefined : !v;
    }
    if (t === "(") {
      const v = or();
      return tokens[at++] === ")" ? v : undefined;
    }
    let name = t;
    if (t === "defined") {
      const paren = tokens[at] === "(";
      if (paren) at++;
      name = tokens[at++];
      if (paren && tokens[at++] !== ")") return undefined;
    }
    if (!name || !/^CONFIG_\w+$/.test(name)) {
      at = tokens.length + 1;
      return undefined;
    }
    const f = symbol(name, b);
    if (f) whys.push(`${name} is ${f.value ? "set" : "not set"}: ${f.why}`);
    return f?.value;
  };
  // Kleene's `and` and `or`: one false (true) operand settles it whatever the others
  const and = (): V => {
    let v: V = atom();
    while (tokens[at] === "&&") {
      at++;
      const w = atom();
      v = v === false || w === false ? false : v === undefined || w === undefined ? undefined : true;
    }
    return v;
  };
  const or = (): V => {
    let v: V = and();
    while (tokens[at] === "||") {
      at++;
      const w = and();
      v = v === true || w === true ? true : v === undefined || w === undefined ? undefined : false;
    }
    return v;
  };
  const v = or();
  return v === undefined || at !== tokens.length ? undefined : { value: v, why: whys.join("; ") };
}

/** `is_iommu_enabled(d)`: `d->options & XEN_DOMCTL_CDF_iommu` (xen/include/xen/sched.h:1250-1253). */
const IOMMU_ENABLED = /^is_iommu_enabled\(\s*(\w+)\s*\)$/;

/**
 * What the system's build decides of a Flask hook's condition, with the Xen lines that make it so, or
 * undefined when the build does not settle it:
 * - an `#if` of the hook's body (`#ifdef CONFIG_HAS_DEVICE_TREE_DISCOVERY`, hooks.c:782 at RELEASE-4.22.0)
 *   over Kconfig symbols the arch selects or the build turns off;
 * - `is_iommu_enabled(d)` (flask_iommu_resource_use_perm, hooks.c:1052): false for every domain when Xen
 *   has no IOMMU (`build.iommu: false`), as sanitise_domain_config refuses XEN_DOMCTL_CDF_iommu then;
 *   true for the domain built at boot as dom0 when it has one. `domain` names the hook's domains (the
 *   helper's `d` is the hook's own `d` at each of its calls, hooks.c:1064-1705).
 */
export function flaskBuildCondition(
  c: FlaskCondition,
  build: BuildFacts,
  domain: (name: string) => Domain | null | undefined,
): BuildFact | undefined {
  if (c.kind === "cpp") return preprocessor(c.expr, build);
  if (c.kind !== "if") return undefined;
  const m = IOMMU_ENABLED.exec(c.expr);
  if (!m) return undefined;
  if (build.iommu === false)
    return selected(
      false,
      "Xen has no IOMMU (the system's `build.iommu`), and sanitise_domain_config refuses XEN_DOMCTL_CDF_iommu without one (xen/common/domain.c:843-847)",
    );
  const d = domain(m[1] as string);
  if (build.iommu === true && d?.builtBy === "dom0")
    return selected(
      true,
      `${d.name} is dom0, which Xen builds with XEN_DOMCTL_CDF_iommu when it has an IOMMU (${build.arch === "x86" ? "xen/arch/x86/setup.c:1068-1069" : "xen/arch/arm/domain_build.c:1968-1969"})`,
    );
  return undefined;
}
