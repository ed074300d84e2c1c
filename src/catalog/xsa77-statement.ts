/** docs/misc/xsm-flask.txt:20-82 at RELEASE-4.22.0: "Security Status of dom0 disaggregation" (XSA-77). */
export const XSA77_REF = "docs/misc/xsm-flask.txt:54-82";

/** The domctls docs/misc/xsm-flask.txt:62-68 considers safe to delegate. */
export const XSA77_SAFE_DOMCTLS: ReadonlySet<string> = new Set([
  "domctl/ioport_mapping",
  "domctl/memory_mapping",
  "domctl/bind_pt_irq",
  "domctl/unbind_pt_irq",
]);

/** docs/misc/xsm-flask.txt:75-82: the memory_op sub-ops covered by the statement. */
export const XSA77_MEMORY_OPS: readonly string[] = [
  "memory_op/set_pod_target",
  "memory_op/get_pod_target",
  "memory_op/claim_pages",
];

/** Whether the statement says an operation (`hypercall/subop`) is not reviewed against hostile callers. */
export function xsa77Covers(id: string): boolean {
  const [hypercall] = id.split("/");
  if (hypercall === "domctl") return !XSA77_SAFE_DOMCTLS.has(id);
  if (hypercall === "sysctl") return true;
  return XSA77_MEMORY_OPS.includes(id);
}
