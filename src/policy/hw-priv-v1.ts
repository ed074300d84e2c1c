import { ACTIONS, type Action } from "../model/action.js";
import { createPolicy } from "./create-policy.js";
import { consoleIoHook, DUMMY_DEFAULT_ACTION, DUMMY_HOOKS, DUMMY_SPEC } from "./dummy.js";
import { and, atom, or } from "./expr.js";
import type { SwitchProgram } from "./program.js";

/** [PATCH 15/23] xen/xsm: Add XSM_HW_PRIV, 2025-03-06 (seed 000_914e5b3ccdf1613a). */
export const HW_PRIV_V1_MESSAGE_ID = "20250306220343.203047-16-jason.andryuk@amd.com";
const at = (line: number) => `xen/include/xsm/dummy.h:${line} (${HW_PRIV_V1_MESSAGE_ID})`;

/** The hooks every HW_PRIV posting re-annotates from XSM_PRIV to XSM_HW_PRIV (and their call sites). */
export const HW_PRIV_HOOKS = [
  "resource_plug_pci",
  "resource_unplug_pci",
  "resource_setup_pci",
  "resource_setup_gsi",
  "resource_setup_misc",
  "platform_op",
  "apic",
] as const;

/** Re-annotation table for a posting. */
export function hwPrivAnnotations(messageId: string): Record<string, { action: Action; ref: string }> {
  return Object.fromEntries(HW_PRIV_HOOKS.map((h) => [h, { action: "HW_PRIV" as Action, ref: messageId }]));
}

const [hook, target, xsPriv, dmPriv] = DUMMY_DEFAULT_ACTION.cases as [
  SwitchProgram["cases"][number],
  SwitchProgram["cases"][number],
  SwitchProgram["cases"][number],
  SwitchProgram["cases"][number],
];

/** v1: PRIV and HW_PRIV share one block; control loses HW_PRIV, the hardware domain gains HW_PRIV and DM_PRIV. */
export const HW_PRIV_V1_DEFAULT_ACTION: SwitchProgram = {
  ref: at(78),
  cases: [
    hook,
    target,
    xsPriv,
    dmPriv,
    {
      labels: ["PRIV", "HW_PRIV"],
      ref: at(97),
      body: [
        {
          if: and(atom("is_control_domain(src)"), atom("action != XSM_HW_PRIV")),
          then: "allow",
          ref: at(99),
        },
        {
          if: and(
            atom("is_hardware_domain(src)"),
            or(atom("action == XSM_HW_PRIV"), atom("action == XSM_DM_PRIV")),
          ),
          then: "allow",
          ref: at(101),
        },
        { do: "deny", ref: at(104) },
      ],
    },
    { labels: ["default"], ref: at(105), body: [{ do: "deny", ref: at(107), note: "LINKER_BUG_ON(1)" }] },
  ],
};

/** Exactly the seed patch: XSM_HW_PRIV for the hardware domain only, DM_PRIV for the hardware domain over every domain. */
export const hwPrivV1 = createPolicy({
  ...DUMMY_SPEC,
  name: "hw-priv-v1",
  title: "XSM_HW_PRIV v1 (proposal, 2025-03-06)",
  origin: {
    kind: "proposal",
    date: "2025-03-06",
    messageId: HW_PRIV_V1_MESSAGE_ID,
    source: "[PATCH 15/23] xen/xsm: Add XSM_HW_PRIV (xen-devel), seed 000_914e5b3ccdf1613a",
  },
  description:
    "Adds XSM_HW_PRIV and moves physdev PCI/GSI/APIC setup, platform_op and the console's last branch to it. " +
    "In xsm_default_action the control domain passes PRIV but no longer HW_PRIV; the hardware domain passes HW_PRIV " +
    "and DM_PRIV, the latter against any target (even NULL), which is what the review objected to. Never merged.",
  actions: ACTIONS,
  defaultAction: HW_PRIV_V1_DEFAULT_ACTION,
  hooks: { ...DUMMY_HOOKS, console_io: consoleIoHook("HW_PRIV", at(287)) },
  reannotate: hwPrivAnnotations(HW_PRIV_V1_MESSAGE_ID),
});
