/**
 * The whole Arm boards the rules' documentation shows as examples: `/chosen` with one
 * `xen,domain` node per entry (memory, one vCPU and a kernel module each), plus `devices` at the root.
 */
export function exampleBoard(domains: readonly [name: string, props: string][], devices = ""): string {
  const nodes = domains.map(
    ([name, props]) => `        ${name} {
            compatible = "xen,domain";
            #address-cells = <1>;
            #size-cells = <1>;
            memory = <0x0 0x40000>;
            cpus = <1>;${props
              .split("\n")
              .filter(Boolean)
              .map((p) => `\n            ${p}`)
              .join("")}
            module@1 { compatible = "multiboot,kernel", "multiboot,module"; reg = <0x1 0x1000>; };
        };`,
  );
  return `/dts-v1/;
/ {
    #address-cells = <2>;
    #size-cells = <2>;${devices ? `\n    ${devices}` : ""}
    chosen {
${nodes.join("\n")}
    };
};`;
}

/** A direct-mapped hardware domain with its static memory, as the examples use it. */
export const DIRECT_MAPPED_HARDWARE =
  "capabilities = <0x2>;\ndirect-map;\nxen,static-mem = <0x80000000 0x10000000>;";

/** An SMMU Xen has a driver for (with the `#global-interrupts` it reads), as the examples' boards put it at the root. */
export const EXAMPLE_SMMU =
  'iommu@fd800000 { compatible = "arm,mmu-500"; reg = <0x0 0xfd800000 0x0 0x20000>; #global-interrupts = <1>; };';
