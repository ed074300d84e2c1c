import { parseXenConfig } from "../../src/cmdline/xen-config.js";
import { parseDts } from "../../src/devicetree/parse-dts.js";
import { type BootFacts, checkBootRules } from "../../src/system/boot-rules.js";
import { systemFromDeviceTree } from "../../src/system/device-tree-system.js";

/** Small Arm boards for the system and boot-rule tests, in the style of docs/misc/arm/device-tree/booting.txt. */

/** A board whose `/chosen` holds `chosen` (written for these tests, in the style of booting.txt). */
export const board = (chosen: string) => `/dts-v1/;
/ {
	#address-cells = <2>;
	#size-cells = <2>;
	chosen {
		#address-cells = <1>;
		#size-cells = <1>;
${chosen}
	};
};
`;
/** A 1 MiB kernel module at `at`; a small `at` is a slot number (slot n at n MiB), so that modules do not overlap. */
export const kernel = (at: number) => {
  const base = (at < 0x1000 ? at * 0x100000 : at).toString(16);
  return `
			module@${base} {
				compatible = "multiboot,kernel", "multiboot,module";
				reg = <0x${base} 0x100000>;
			};`;
};
export const domain = (name: string, props: string, at: number) => `
		${name} {
			compatible = "xen,domain";
			#address-cells = <1>;
			#size-cells = <1>;
			memory = <0x0 0x10000>;
			cpus = <1>;
			${props}${kernel(at)}
		};`;

/** A whole `.config` as Kconfig writes it: what `lines` does not name was not selected. */
export const dotConfig = (lines: string) =>
  `#\n# Automatically generated file; DO NOT EDIT.\n# Xen/arm 4.22.0 Configuration\n#\n${lines}`;

/** An SMMU Xen has a driver for (with the `#global-interrupts` it reads), so that a hardware domain needs no direct map. */
export const SMMU = `
	iommu@fd800000 { compatible = "arm,mmu-500"; reg = <0x0 0xfd800000 0x0 0x20000>; #global-interrupts = <1>; };`;

/**
 * The boot rules a board breaks: code, the property its span names (by its line's text), and the
 * Xen ref. `outside` goes at the root next to `/chosen`; `config` is the text of a Xen `.config`.
 */
export function brokenRules(
  chosen: string,
  o: { outside?: string; facts?: BootFacts; config?: string } = {},
): [string, string, string | undefined][] {
  const text = board(chosen).replace("\tchosen {", `${o.outside ?? SMMU}\n\tchosen {`);
  const lines = text.split("\n");
  const config = o.config === undefined ? undefined : parseXenConfig(o.config, "xen/.config");
  const dts = systemFromDeviceTree(parseDts(text, "board.dts"), { ...(config && { config }) });
  return checkBootRules(dts, o.facts).map((d) => [
    d.code,
    lines[(d.span?.line ?? 1) - 1]?.trim().replace(/\s*=.*|;$/g, "") ?? "",
    d.ref,
  ]);
}
