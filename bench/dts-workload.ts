// A large board for the device-tree benchmark: 10,000 nodes in about 10 MB of DTS, as a vendor
// tree with many devices and a dom0less /chosen (written for the benchmark, not taken from a board).

const CELLS_PER_NODE = 80;

/** `nodes` device nodes under /soc, each about 1 KB, and a dom0less split in /chosen. */
export function largeBoard(nodes = 10_000): string {
  const out: string[] = [
    "/dts-v1/;",
    "/ {",
    "\t#address-cells = <2>;",
    "\t#size-cells = <2>;",
    '\tcompatible = "example,bench-board";',
    '\tsmmu: iommu@fd800000 { compatible = "arm,mmu-500"; reg = <0x0 0xfd800000 0x0 0x20000>; #iommu-cells = <1>; };',
    "\tsoc {",
    "\t\t#address-cells = <2>;",
    "\t\t#size-cells = <2>;",
    "\t\tranges;",
  ];
  for (let i = 0; i < nodes - 12; i++) {
    const base = (0x10000000 + i * 0x1000).toString(16);
    const cells = Array.from(
      { length: CELLS_PER_NODE },
      (_, k) => `0x${((i * 7919 + k * 104729) >>> 0).toString(16).padStart(8, "0")}`,
    );
    out.push(
      `\t\tdev${i}: device@${base} {`,
      `\t\t\tcompatible = "example,device-${i % 97}", "example,device";`,
      `\t\t\treg = <0x0 0x${base} 0x0 0x1000>;`,
      `\t\t\tinterrupts = <0 ${i % 988} 4>;`,
      `\t\t\tiommus = <&smmu ${i % 4096}>;`,
      `\t\t\texample,calibration = <${cells.join(" ")}>;`,
      '\t\t\tstatus = "okay";',
      "\t\t};",
    );
  }
  out.push("\t};", "\tchosen {", '\t\txen,xen-bootargs = "console=dtuart dtuart=serial0";');
  const domains: [string, number][] = [
    ["ctl", 1],
    ["hw", 2],
    ["xs", 4],
    ["guest1", 0],
    ["guest2", 0],
  ];
  domains.forEach(([name, caps], i) => {
    out.push(
      `\t\t${name} {`,
      '\t\t\tcompatible = "xen,domain";',
      "\t\t\t#address-cells = <1>;",
      "\t\t\t#size-cells = <1>;",
      `\t\t\tcapabilities = <${caps}>;`,
      "\t\t\tmemory = <0x0 0x40000>;",
      "\t\t\tcpus = <1>;",
      `\t\t\tmodule@${(0x42000000 + i * 0x1000000).toString(16)} {`,
      '\t\t\t\tcompatible = "multiboot,kernel", "multiboot,module";',
      `\t\t\t\treg = <0x${(0x42000000 + i * 0x1000000).toString(16)} 0x1000000>;`,
      "\t\t\t};",
      "\t\t};",
    );
  });
  out.push("\t};", "};", "");
  return out.join("\n");
}
