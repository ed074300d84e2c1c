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
export const kernel = (at: number) => `
			module@${at.toString(16)} {
				compatible = "multiboot,kernel", "multiboot,module";
				reg = <0x${at.toString(16)} 0x100000>;
			};`;
export const domain = (name: string, props: string, at: number) => `
		${name} {
			compatible = "xen,domain";
			#address-cells = <1>;
			#size-cells = <1>;
			memory = <0x0 0x10000>;
			cpus = <1>;
			${props}${kernel(at)}
		};`;
