/**
 * The XSM_HW_PRIV v1 seed patch ([PATCH 15/23] xen/xsm: Add XSM_HW_PRIV, Jason Andryuk, xen-devel
 * 2025-03-06, seed 000_914e5b3ccdf1613a) applied to a copy of a Xen tree by precise text edits.
 *
 * Each edit holds only the lines the patch changes, before and after, found where the patch puts
 * them (once, or as many times as the patch changes them): no other Xen code is kept here.
 *
 * The seed's text lost its indentation and blank lines, so it cannot be applied as a patch. The
 * edits keep the tree's indentation; applied to the posting's own pre-images (the blobs its
 * `index` lines name, in Xen's history), they give its post-images byte for byte for the seven
 * files other than dummy.h, the two-line `xsm_resource_unplug_pci()` call included. dummy.h's
 * pre-image (06f4eccf5f) is not in Xen's history: the posting is patch 15 of a series whose earlier
 * patches change it. On RELEASE-4.22.0 every hunk changes the same lines at other line numbers;
 * the one context that differs is noted in `adapted`.
 *
 * `node --import tsx test/support/seed-patch.ts <tree>` applies it to `<tree>` in place.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export interface SeedEdit {
  readonly file: string;
  /** the seed's hunk (its first line numbers, against its own base) */
  readonly hunk: string;
  /** the text that must precede the change: a function's name; the change is the first match after it, inside it */
  readonly within?: string;
  readonly from: string;
  readonly to: string;
  /** how many times the patch changes this text in the file (physdev.c's three `xsm_apic` calls) */
  readonly times?: number;
  /** how the edit differs from the posting's hunk on this tree, if it does */
  readonly adapted?: string;
}

/** Where an edit landed: the file and the first line it changed, once per change. */
export interface AppliedEdit {
  readonly edit: SeedEdit;
  readonly refs: readonly string[];
}

const DUMMY_H = "xen/include/xsm/dummy.h";
const PHYSDEV = "xen/arch/x86/physdev.c";

/** One hook of dummy.h moved from XSM_PRIV to XSM_HW_PRIV. */
const reassert = (hook: string, hunk: string): SeedEdit => ({
  file: DUMMY_H,
  hunk,
  within: `xsm_${hook}(`,
  from: "XSM_ASSERT_ACTION(XSM_PRIV);",
  to: "XSM_ASSERT_ACTION(XSM_HW_PRIV);",
});

export const SEED_EDITS: readonly SeedEdit[] = [
  {
    file: "xen/arch/arm/platform_hypercall.c",
    hunk: "@@ -35,7 +35,7 @@",
    from: "ret = xsm_platform_op(XSM_PRIV, op->cmd);",
    to: "ret = xsm_platform_op(XSM_HW_PRIV, op->cmd);",
  },
  {
    file: "xen/arch/x86/msi.c",
    hunk: "@@ -1355,7 +1355,7 @@",
    within: "int pci_restore_msi_state(",
    from: "ret = xsm_resource_setup_pci(XSM_PRIV,",
    to: "ret = xsm_resource_setup_pci(XSM_HW_PRIV,",
  },
  {
    file: PHYSDEV,
    hunk: "@@ -358,7 +358,7 @@, @@ -372,7 +372,7 @@, @@ -388,7 +388,7 @@",
    from: "ret = xsm_apic(XSM_PRIV, currd, cmd);",
    to: "ret = xsm_apic(XSM_HW_PRIV, currd, cmd);",
    times: 3,
  },
  {
    file: PHYSDEV,
    hunk: "@@ -490,7 +490,7 @@",
    from: "ret = xsm_resource_setup_pci(XSM_PRIV,",
    to: "ret = xsm_resource_setup_pci(XSM_HW_PRIV,",
  },
  {
    file: PHYSDEV,
    hunk: "@@ -501,7 +501,7 @@",
    from: "ret = xsm_resource_setup_misc(XSM_PRIV);",
    to: "ret = xsm_resource_setup_misc(XSM_HW_PRIV);",
  },
  {
    file: PHYSDEV,
    hunk: "@@ -567,7 +567,7 @@",
    from: "ret = xsm_resource_setup_gsi(XSM_PRIV, setup_gsi.gsi);",
    to: "ret = xsm_resource_setup_gsi(XSM_HW_PRIV, setup_gsi.gsi);",
  },
  {
    file: "xen/arch/x86/platform_hypercall.c",
    hunk: "@@ -228,7 +228,7 @@",
    from: "ret = xsm_platform_op(XSM_PRIV, op->cmd);",
    to: "ret = xsm_platform_op(XSM_HW_PRIV, op->cmd);",
  },
  {
    file: "xen/drivers/passthrough/pci.c",
    hunk: "@@ -678,7 +678,7 @@",
    from: "ret = xsm_resource_plug_pci(XSM_PRIV, (seg << 16) | (bus << 8) | devfn);",
    to: "ret = xsm_resource_plug_pci(XSM_HW_PRIV, (seg << 16) | (bus << 8) | devfn);",
  },
  {
    file: "xen/drivers/passthrough/pci.c",
    hunk: "@@ -830,7 +830,8 @@",
    from: "ret = xsm_resource_unplug_pci(XSM_PRIV, (seg << 16) | (bus << 8) | devfn);",
    to: "ret = xsm_resource_unplug_pci(XSM_HW_PRIV,\n                                  (seg << 16) | (bus << 8) | devfn);",
  },
  {
    file: "xen/drivers/pci/physdev.c",
    hunk: "@@ -86,7 +86,7 @@",
    from: "ret = xsm_resource_setup_pci(XSM_PRIV, sbdf.sbdf);",
    to: "ret = xsm_resource_setup_pci(XSM_HW_PRIV, sbdf.sbdf);",
  },
  {
    file: DUMMY_H,
    hunk: "@@ -95,7 +95,11 @@",
    within: "int xsm_default_action(",
    from: "case XSM_PRIV:\n        if ( is_control_domain(src) )\n",
    to:
      "case XSM_PRIV:\n    case XSM_HW_PRIV:\n" +
      "        if ( is_control_domain(src) && action != XSM_HW_PRIV )\n" +
      "            return 0;\n" +
      "        if ( is_hardware_domain(src) &&\n" +
      "             (action == XSM_HW_PRIV || action == XSM_DM_PRIV) )\n",
  },
  {
    file: DUMMY_H,
    hunk: "@@ -280,7 +284,7 @@",
    within: "xsm_console_io(",
    from: "return xsm_default_action(XSM_PRIV, d, NULL);",
    to: "return xsm_default_action(XSM_HW_PRIV, d, NULL);",
    adapted:
      "the hunk's last context line, `static XSM_INLINE int cf_check xsm_profile(`, is gone at 4.22.0 (69e8aaf9cc, xen: Drop xenoprofile support); the changed line is the same",
  },
  reassert("resource_plug_pci", "@@ -460,33 +464,33 @@"),
  reassert("resource_unplug_pci", "@@ -460,33 +464,33 @@"),
  reassert("resource_setup_pci", "@@ -460,33 +464,33 @@"),
  reassert("resource_setup_gsi", "@@ -460,33 +464,33 @@"),
  reassert("resource_setup_misc", "@@ -460,33 +464,33 @@"),
  reassert("platform_op", "@@ -688,7 +692,7 @@"),
  reassert("apic", "@@ -716,7 +720,7 @@"),
  {
    file: "xen/include/xsm/xsm.h",
    hunk: "@@ -36,6 +36,7 @@",
    within: "enum xsm_default {",
    from: "    XSM_PRIV,     /* Privileged - normally restricted to dom0 */\n",
    to:
      "    XSM_PRIV,     /* Privileged - normally restricted to dom0 */\n" +
      "    XSM_HW_PRIV,  /* Hardware Privileged - normally restricted to dom0/hwdom */\n",
  },
];

const lineAt = (text: string, at: number) => text.slice(0, at).split("\n").length;

/**
 * Applies the seed patch (or the edits `only` keeps) to the tree at `root`, in place; throws, naming
 * the file and the edit, when a change is not where the patch puts it (or is there another number of times).
 */
export function applySeedPatch(root: string, only: (edit: SeedEdit) => boolean = () => true): AppliedEdit[] {
  const texts = new Map<string, string>();
  const out: AppliedEdit[] = [];
  for (const edit of SEED_EDITS.filter(only)) {
    const path = join(root, edit.file);
    let text = texts.get(edit.file) ?? readFileSync(path, "utf8");
    const fail = (why: string) => {
      throw new Error(`seed patch, ${edit.file} ${edit.hunk}: ${why}`);
    };
    let start = 0;
    let end = text.length;
    if (edit.within) {
      start = text.indexOf(edit.within);
      if (start < 0 || text.indexOf(edit.within, start + 1) >= 0)
        fail(`\`${edit.within}\` is not in the file exactly once`);
      // the function's body ends at the first closing brace in column 1
      const close = text.indexOf("\n}\n", start);
      end = close < 0 ? text.length : close;
    }
    const at: number[] = [];
    for (let i = text.indexOf(edit.from, start); i >= 0 && i < end; i = text.indexOf(edit.from, i + 1))
      at.push(i);
    const times = edit.times ?? 1;
    if (edit.within ? at.length < 1 : at.length !== times)
      fail(`\`${edit.from.split("\n")[0]}\` found ${at.length} times, the patch changes it ${times}`);
    const changed = edit.within ? at.slice(0, 1) : at;
    const refs = changed.map((i) => `${edit.file}:${lineAt(text, i)}`);
    // from the last match back, so the earlier offsets stay right
    for (const i of [...changed].reverse())
      text = text.slice(0, i) + edit.to + text.slice(i + edit.from.length);
    texts.set(edit.file, text);
    out.push({ edit, refs });
  }
  for (const [file, text] of texts) writeFileSync(join(root, file), text);
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = process.argv[2];
  if (!root) {
    process.stderr.write("usage: node --import tsx test/support/seed-patch.ts <xen-tree>\n");
    process.exit(2);
  }
  for (const a of applySeedPatch(root))
    process.stdout.write(
      `${a.refs.join(", ")}: ${a.edit.hunk}${a.edit.adapted ? ` (${a.edit.adapted})` : ""}\n`,
    );
}
