import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { buildable, evaluate, readKconfig } from "./kconfig.js";

/** A Kconfig tree in the shape of Xen's (xen/Kconfig sourcing the arch's, which sources common/). */
const FILES: Record<string, string> = {
  Kconfig: `
mainmenu "Xen/$(SRCARCH) Configuration"

config BROKEN
	bool

source "arch/$(SRCARCH)/Kconfig"
`,
  "arch/x86/Kconfig": `
config X86
	def_bool y
	select HAS_PIRQ
	imply HAS_SOFT_RESET
	select HAS_VPCI if HVM

config HVM
	bool "HVM support"
	default y

source "common/Kconfig"
`,
  "arch/arm/Kconfig": `
config ARM_32
	def_bool y
	depends on "$(ARCH)" = "arm32"

config ARM_64
	def_bool y
	depends on !ARM_32

config ARM
	def_bool y

choice
	prompt "Memory management system"
	default MMU

config MMU
	bool "MMU"
	select HAS_LLC_COLORING if ARM_64

config MPU
	bool "MPU"

endchoice

source "common/Kconfig"
`,
  "common/Kconfig": `
config HAS_PIRQ
	bool

config HAS_SOFT_RESET
	bool

config HAS_LLC_COLORING
	bool

config HAS_VPCI
	bool

config LLC_COLORING
	bool "LLC coloring" if EXPERT
	depends on HAS_LLC_COLORING

config EXPERT
	bool "Expert mode"

if HAS_PIRQ
config PIRQ_STATS
	def_bool y
	help
	  Counts pirqs. The words below are help text, not Kconfig:
	  config FAKE
	  depends on BROKEN
endif

menu "Power"
	depends on X86

config PM_STATS
	bool "PM statistics"
	default y

endmenu
`,
};

const read = (path: string) => FILES[path] ?? null;

describe("readKconfig", () => {
  const x86 = readKconfig(read, "x86");
  const arm = readKconfig(read, "arm");
  const values = (k: typeof x86, names: string[]) => names.map((n) => `${n}=${k.value(n)}`).join(" ");

  test("the arch's symbols are y, the other arch's n; `$(ARCH)` is the 64-bit build", () => {
    assert.equal(values(x86, ["X86", "ARM", "ARM_64", "ARM_32"]), "X86=y ARM=n ARM_64=n ARM_32=n");
    assert.equal(values(arm, ["X86", "ARM", "ARM_64", "ARM_32"]), "X86=n ARM=y ARM_64=y ARM_32=n");
  });

  test("select and imply of a symbol without prompt make it y; a conditional select is maybe", () => {
    assert.equal(
      values(x86, ["HAS_PIRQ", "HAS_SOFT_RESET", "HAS_VPCI"]),
      "HAS_PIRQ=y HAS_SOFT_RESET=y HAS_VPCI=m",
    );
    assert.equal(
      values(arm, ["HAS_PIRQ", "HAS_SOFT_RESET", "HAS_VPCI"]),
      "HAS_PIRQ=n HAS_SOFT_RESET=n HAS_VPCI=n",
    );
  });

  test("a choice member is the user's choice; what it selects is maybe; what depends on an unselected symbol is n", () => {
    assert.equal(
      values(arm, ["MMU", "HAS_LLC_COLORING", "LLC_COLORING"]),
      "MMU=m HAS_LLC_COLORING=m LLC_COLORING=m",
    );
    assert.equal(
      values(x86, ["MMU", "HAS_LLC_COLORING", "LLC_COLORING"]),
      "MMU=n HAS_LLC_COLORING=n LLC_COLORING=n",
    );
  });

  test("`if` and `menu ... depends on` blocks condition what is inside; help text is not read", () => {
    assert.equal(values(x86, ["PIRQ_STATS", "PM_STATS", "FAKE"]), "PIRQ_STATS=y PM_STATS=m FAKE=n");
    assert.equal(values(arm, ["PIRQ_STATS", "PM_STATS"]), "PIRQ_STATS=n PM_STATS=n");
  });

  test("a tree without Kconfig decides nothing", () => {
    const none = readKconfig(() => null, "x86");
    assert.equal(values(none, ["X86", "ARM"]), "X86=m ARM=m");
  });

  test("buildable: a guard is out when its symbol is n, a negated guard when it is y", () => {
    assert.deepEqual(
      [["CONFIG_PM_STATS"], ["!CONFIG_HAS_PIRQ"], ["!CONFIG_PM_STATS", "CONFIG_HVM"], []].map((g) =>
        [buildable(x86, g), buildable(arm, g)].join("/"),
      ),
      ["true/false", "false/true", "true/false", "true/true"],
    );
  });
});

describe("evaluate", () => {
  const v = (s: string) => (s === "A" ? "y" : s === "B" ? "n" : "m");
  test("three-valued logic over y, n and maybe, with string comparison", () => {
    assert.deepEqual(
      [
        "A && C",
        "B && C",
        "A || C",
        "!(B || A)",
        '"x" = "x"',
        '"x" != "x"',
        "A = y",
        "C = y",
        "$(success,true)",
      ].map((e) => evaluate(e, v)),
      ["m", "n", "y", "n", "y", "n", "y", "m", "m"],
    );
  });

  test("an expression nested thousands deep decides nothing instead of exhausting the stack", () => {
    assert.equal(evaluate(`${"(".repeat(50_000)}A${")".repeat(50_000)}`, v), "m");
    assert.equal(evaluate(`${"!".repeat(50_000)}A`, v), "m");
    assert.equal(evaluate("((A)", v), "y");
  });
});
