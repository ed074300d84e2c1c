/**
 * The names of Xen's initial SIDs by value (sid N is entry N - 1): the order of
 * xen/xsm/flask/policy/initial_sids at RELEASE-4.22.0 (lines 6-18), numbered from 1 in that order by mkflask.sh:66-84 (SECINITSID_*).
 * A compiled policy holds only the numbers.
 */
export const XEN_INITIAL_SIDS: readonly { readonly name: string; readonly ref: string }[] = [
  "xenboot",
  "xen",
  "dom0",
  "domio",
  "domxen",
  "unlabeled",
  "security",
  "ioport",
  "iomem",
  "irq",
  "device",
  "domU",
  "domDM",
].map((name, i) => ({ name, ref: `xen/xsm/flask/policy/initial_sids:${i + 6}` }));
