/**
 * Truth tables for the XSM policy modules, written by hand from Xen's sources and the xen-devel postings —
 * NOT computed by re-implementing the rules. Each table cell is a literal.
 *
 * Sources (read for these tables; the implementation in src/policy/ was not read):
 *
 * dummy — xen/include/xsm/dummy.h @ RELEASE-4.22.0 (identical 4.19.0 … 4.22.0), xsm_default_action():
 *     case XSM_HOOK:    return 0;
 *     case XSM_TARGET:  if ( src == target ) return 0;                                   fallthrough;
 *     case XSM_XS_PRIV: if ( action == XSM_XS_PRIV && is_xenstore_domain(src) ) return 0; fallthrough;
 *     case XSM_DM_PRIV: if ( target && src->target == target ) return 0;                fallthrough;
 *     case XSM_PRIV:    if ( is_control_domain(src) ) return 0; return -EPERM;
 *     default:          LINKER_BUG_ON(1); return -EPERM;           (XSM_OTHER and anything unknown)
 *   is_control_domain() / is_hardware_domain() are false under CONFIG_PV_SHIM_EXCLUSIVE (sched.h);
 *   xsm_set_system_active() clears the idle domain's is_privileged at the end of boot.
 *
 * silo — xen/xsm/silo.c @ RELEASE-4.22.0: dummy everywhere, except evtchn_unbound, evtchn_interdomain,
 *   grant_mapref, grant_transfer, grant_copy (and ARGO) which first require
 *   is_control_domain(current) || is_control_domain(ldom) || is_control_domain(rdom) || ldom == rdom,
 *   and then call the dummy hook. silo_evtchn_unbound looks up id2 with rcu_lock_domain_by_any_id: -ESRCH if
 *   there is no such domain.
 *
 * hw-priv-v1 — seed 000_914e5b3ccdf1613a.txt = [PATCH 15/23] "xen/xsm: Add XSM_HW_PRIV",
 *   message-id 20250306220343.203047-16-jason.andryuk@amd.com (2025-03-06):
 *     case XSM_PRIV:
 *     case XSM_HW_PRIV:
 *         if ( is_control_domain(src) && action != XSM_HW_PRIV ) return 0;
 *         if ( is_hardware_domain(src) && (action == XSM_HW_PRIV || action == XSM_DM_PRIV) ) return 0;
 *         return -EPERM;
 *   console_io's last branch becomes XSM_HW_PRIV; apic, resource_plug_pci, resource_unplug_pci,
 *   resource_setup_pci, resource_setup_gsi, resource_setup_misc, platform_op assert XSM_HW_PRIV.
 *
 * hw-priv-2025-06 — June 2025 series "XSM changes for split hardware / control domain":
 *   [PATCH 1/4] 20250610225737.469690-2-jason.andryuk@amd.com — new case between DM_PRIV and PRIV:
 *     case XSM_HW_PRIV: if ( action == XSM_HW_PRIV && is_hardware_domain(src) ) return 0; fallthrough;
 *     (into case XSM_PRIV: is_control_domain(src)) — "not exclusive"; same call sites and console_io change as v1.
 *   [PATCH 3/4] 20250610225737.469690-4-jason.andryuk@amd.com — at the head of case XSM_DM_PRIV:
 *     if ( is_dm_domain(src) ) return 0;   (is_dm_domain is false under PV_SHIM_EXCLUSIVE)
 *     TARGET and XS_PRIV fall through into it, so the device-model capability also grants them.
 *   [PATCH 4/4] 20250610225737.469690-5-jason.andryuk@amd.com — xsm_sysctl asserts XSM_OTHER:
 *     readconsole -> XSM_HW_PRIV; physinfo -> XSM_HW_PRIV if is_hardware_domain(current) else XSM_PRIV;
 *     default -> XSM_PRIV (all with current->domain, NULL).
 *
 * hw-priv-v2 — July 2025 v2 series:
 *   [PATCH v2 01/17] 20250716211504.291104-2-jason.andryuk@amd.com — after case XSM_PRIV:
 *     case XSM_HW_PRIV: if ( is_hardware_domain(src) ) return 0; return -EPERM;   ("exclusive")
 *     (same call sites and console_io change as v1).
 *   [PATCH v2 03/17] 20250716211504.291104-4-jason.andryuk@amd.com — is_dm_domain(src) at head of DM_PRIV (as June).
 *   [PATCH v2 04/17] 20250716211504.291104-5-jason.andryuk@amd.com — at the head of case XSM_DM_PRIV (before
 *     is_dm_domain) and at the head of case XSM_PRIV:  if ( target && !is_hypercall_target(target) ) return -EPERM;
 *     (is_hypercall_target is TRUE under PV_SHIM_EXCLUSIVE).
 *   [PATCH v2 06/17] 20250716211504.291104-7-jason.andryuk@amd.com — XS_PRIV test becomes
 *     action == XSM_XS_PRIV && (is_xenstore_domain(src) || is_control_domain(src)).
 *   So v2 reads:
 *     TARGET:  src == target -> 0; XS test skipped; [DM] NHT(target) -> EPERM; dm -> 0; src->target -> 0;
 *              [PRIV] NHT(target) -> EPERM; control -> 0; EPERM
 *     XS_PRIV: xenstore || control -> 0; then as DM_PRIV
 *     DM_PRIV: NHT(target) -> EPERM; dm -> 0; src->target == target -> 0; control -> 0
 *     PRIV:    NHT(target) -> EPERM; control -> 0
 *     HW_PRIV: hardware -> 0
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Action } from "../model/action.js";
import { type BuildFacts, DEFAULT_BUILD } from "../model/build.js";
import { type Domain, makeDomain, systemDomain } from "../model/domain.js";
import { getPolicy, POLICY_NAMES } from "./registry.js";
import type { HookCall, PolicyModule } from "./types.js";

const MODULES = ["dummy", "silo", "hw-priv-v1", "hw-priv-2025-06", "hw-priv-v2"] as const;
type ModuleName = (typeof MODULES)[number];

/** Order of the six characters of every defaultAction cell. */
const CELL_ACTIONS = [
  "HOOK",
  "TARGET",
  "XS_PRIV",
  "DM_PRIV",
  "PRIV",
  "HW_PRIV",
] as const satisfies readonly Action[];

/**
 * Relations of (src, target), the ten columns of every defaultAction table:
 *   NULL    target == NULL                      (src has no ->target)
 *   SELF    target == src                       (src has no ->target)
 *   OWN     target == src->target               (a plain HVM domU)
 *   OTHER   another plain domU                  (src has no ->target)
 *   OTHC    another domain that is control      (src has no ->target)
 *   XEN     dom_xen                             (src has no ->target)
 *   IO      dom_io                              (src has no ->target)
 *   ONHT    another domain with CDF_not_hypercall_target
 *   OWNNHT  src->target, which has CDF_not_hypercall_target
 *   SELFNHT target == src, and src has CDF_not_hypercall_target
 */
const RELATIONS = ["NULL", "SELF", "OWN", "OTHER", "OTHC", "XEN", "IO", "ONHT", "OWNNHT", "SELFNHT"] as const;
type Relation = (typeof RELATIONS)[number];

/** src role keys: C = control, H = hardware domain, X = xenstore, M = device model (proposed cap). */
const ROLE_KEYS = [
  "....",
  "...M",
  "..X.",
  "..XM",
  ".H..",
  ".H.M",
  ".HX.",
  ".HXM",
  "C...",
  "C..M",
  "C.X.",
  "C.XM",
  "CH..",
  "CH.M",
  "CHX.",
  "CHXM",
] as const;
type RoleKey = (typeof ROLE_KEYS)[number];

/** role key -> ten cells (one per RELATIONS column); each cell = HOOK TARGET XS_PRIV DM_PRIV PRIV HW_PRIV. */
type Table = Readonly<Record<RoleKey, string>>;

// '1' allowed, '0' denied, '-' the module does not know the action: must not be allowed (denied or thrown).

// ---------------------------------------------------------------------------------------------------------------
// dummy: TARGET = S|T|C, XS_PRIV = X|T|C, DM_PRIV = T|C, PRIV = C (xen-xsm-model.md §1.3/§1.4).
// H, M and not-hypercall-target are never consulted.
// ---------------------------------------------------------------------------------------------------------------
const DUMMY: Table = {
  //        NULL   SELF   OWN    OTHER  OTHC   XEN    IO     ONHT   OWNNHT SELFNHT
  "....": "10000- 11000- 11110- 10000- 10000- 10000- 10000- 10000- 11110- 11000-",
  "...M": "10000- 11000- 11110- 10000- 10000- 10000- 10000- 10000- 11110- 11000-",
  "..X.": "10100- 11100- 11110- 10100- 10100- 10100- 10100- 10100- 11110- 11100-",
  "..XM": "10100- 11100- 11110- 10100- 10100- 10100- 10100- 10100- 11110- 11100-",
  ".H..": "10000- 11000- 11110- 10000- 10000- 10000- 10000- 10000- 11110- 11000-",
  ".H.M": "10000- 11000- 11110- 10000- 10000- 10000- 10000- 10000- 11110- 11000-",
  ".HX.": "10100- 11100- 11110- 10100- 10100- 10100- 10100- 10100- 11110- 11100-",
  ".HXM": "10100- 11100- 11110- 10100- 10100- 10100- 10100- 10100- 11110- 11100-",
  "C...": "11111- 11111- 11111- 11111- 11111- 11111- 11111- 11111- 11111- 11111-",
  "C..M": "11111- 11111- 11111- 11111- 11111- 11111- 11111- 11111- 11111- 11111-",
  "C.X.": "11111- 11111- 11111- 11111- 11111- 11111- 11111- 11111- 11111- 11111-",
  "C.XM": "11111- 11111- 11111- 11111- 11111- 11111- 11111- 11111- 11111- 11111-",
  "CH..": "11111- 11111- 11111- 11111- 11111- 11111- 11111- 11111- 11111- 11111-",
  "CH.M": "11111- 11111- 11111- 11111- 11111- 11111- 11111- 11111- 11111- 11111-",
  "CHX.": "11111- 11111- 11111- 11111- 11111- 11111- 11111- 11111- 11111- 11111-",
  CHXM: "11111- 11111- 11111- 11111- 11111- 11111- 11111- 11111- 11111- 11111-",
};

// silo.c does not touch xsm_default_action (it only wraps five hooks), so its table IS dummy's.
const SILO: Table = DUMMY;

// ---------------------------------------------------------------------------------------------------------------
// hw-priv-v1 (seed, 20250306220343.203047-16-jason.andryuk@amd.com):
// TARGET = S|T|C, XS_PRIV = X|T|C, DM_PRIV = T|C|H (any target, NULL included), PRIV = C, HW_PRIV = H only.
// M and not-hypercall-target do not exist in v1.
// ---------------------------------------------------------------------------------------------------------------
const HW_PRIV_V1: Table = {
  //        NULL   SELF   OWN    OTHER  OTHC   XEN    IO     ONHT   OWNNHT SELFNHT
  "....": "100000 110000 111100 100000 100000 100000 100000 100000 111100 110000",
  "...M": "100000 110000 111100 100000 100000 100000 100000 100000 111100 110000",
  "..X.": "101000 111000 111100 101000 101000 101000 101000 101000 111100 111000",
  "..XM": "101000 111000 111100 101000 101000 101000 101000 101000 111100 111000",
  ".H..": "100101 110101 111101 100101 100101 100101 100101 100101 111101 110101",
  ".H.M": "100101 110101 111101 100101 100101 100101 100101 100101 111101 110101",
  ".HX.": "101101 111101 111101 101101 101101 101101 101101 101101 111101 111101",
  ".HXM": "101101 111101 111101 101101 101101 101101 101101 101101 111101 111101",
  "C...": "111110 111110 111110 111110 111110 111110 111110 111110 111110 111110",
  "C..M": "111110 111110 111110 111110 111110 111110 111110 111110 111110 111110",
  "C.X.": "111110 111110 111110 111110 111110 111110 111110 111110 111110 111110",
  "C.XM": "111110 111110 111110 111110 111110 111110 111110 111110 111110 111110",
  "CH..": "111111 111111 111111 111111 111111 111111 111111 111111 111111 111111",
  "CH.M": "111111 111111 111111 111111 111111 111111 111111 111111 111111 111111",
  "CHX.": "111111 111111 111111 111111 111111 111111 111111 111111 111111 111111",
  CHXM: "111111 111111 111111 111111 111111 111111 111111 111111 111111 111111",
};

// ---------------------------------------------------------------------------------------------------------------
// hw-priv-2025-06 (June 1/4 + 3/4 + 4/4): TARGET = S|M|T|C, XS_PRIV = X|M|T|C, DM_PRIV = M|T|C, PRIV = C,
// HW_PRIV = H|C (entered at case XSM_HW_PRIV, below the DM_PRIV block: M and T do not grant it).
// not-hypercall-target does not exist in the June series.
// ---------------------------------------------------------------------------------------------------------------
const HW_PRIV_2025_06: Table = {
  //        NULL   SELF   OWN    OTHER  OTHC   XEN    IO     ONHT   OWNNHT SELFNHT
  "....": "100000 110000 111100 100000 100000 100000 100000 100000 111100 110000",
  "...M": "111100 111100 111100 111100 111100 111100 111100 111100 111100 111100",
  "..X.": "101000 111000 111100 101000 101000 101000 101000 101000 111100 111000",
  "..XM": "111100 111100 111100 111100 111100 111100 111100 111100 111100 111100",
  ".H..": "100001 110001 111101 100001 100001 100001 100001 100001 111101 110001",
  ".H.M": "111101 111101 111101 111101 111101 111101 111101 111101 111101 111101",
  ".HX.": "101001 111001 111101 101001 101001 101001 101001 101001 111101 111001",
  ".HXM": "111101 111101 111101 111101 111101 111101 111101 111101 111101 111101",
  "C...": "111111 111111 111111 111111 111111 111111 111111 111111 111111 111111",
  "C..M": "111111 111111 111111 111111 111111 111111 111111 111111 111111 111111",
  "C.X.": "111111 111111 111111 111111 111111 111111 111111 111111 111111 111111",
  "C.XM": "111111 111111 111111 111111 111111 111111 111111 111111 111111 111111",
  "CH..": "111111 111111 111111 111111 111111 111111 111111 111111 111111 111111",
  "CH.M": "111111 111111 111111 111111 111111 111111 111111 111111 111111 111111",
  "CHX.": "111111 111111 111111 111111 111111 111111 111111 111111 111111 111111",
  CHXM: "111111 111111 111111 111111 111111 111111 111111 111111 111111 111111",
};

// ---------------------------------------------------------------------------------------------------------------
// hw-priv-v2 (01/17 + 03/17 + 04/17 + 06/17), N = target && !is_hypercall_target(target):
// TARGET = S | (!N & (M|T|C)), XS_PRIV = X | C | (!N & (M|T)), DM_PRIV = !N & (M|T|C), PRIV = !N & C,
// HW_PRIV = H only. The last three columns are the N cases: ONHT/OWNNHT = 1 0 (X|C) 0 0 H,
// SELFNHT = 1 1 (X|C) 0 0 H (src == target returns before the hypercall-target test).
// ---------------------------------------------------------------------------------------------------------------
const HW_PRIV_V2: Table = {
  //        NULL   SELF   OWN    OTHER  OTHC   XEN    IO     ONHT   OWNNHT SELFNHT
  "....": "100000 110000 111100 100000 100000 100000 100000 100000 100000 110000",
  "...M": "111100 111100 111100 111100 111100 111100 111100 100000 100000 110000",
  "..X.": "101000 111000 111100 101000 101000 101000 101000 101000 101000 111000",
  "..XM": "111100 111100 111100 111100 111100 111100 111100 101000 101000 111000",
  ".H..": "100001 110001 111101 100001 100001 100001 100001 100001 100001 110001",
  ".H.M": "111101 111101 111101 111101 111101 111101 111101 100001 100001 110001",
  ".HX.": "101001 111001 111101 101001 101001 101001 101001 101001 101001 111001",
  ".HXM": "111101 111101 111101 111101 111101 111101 111101 101001 101001 111001",
  "C...": "111110 111110 111110 111110 111110 111110 111110 101000 101000 111000",
  "C..M": "111110 111110 111110 111110 111110 111110 111110 101000 101000 111000",
  "C.X.": "111110 111110 111110 111110 111110 111110 111110 101000 101000 111000",
  "C.XM": "111110 111110 111110 111110 111110 111110 111110 101000 101000 111000",
  "CH..": "111111 111111 111111 111111 111111 111111 111111 101001 101001 111001",
  "CH.M": "111111 111111 111111 111111 111111 111111 111111 101001 101001 111001",
  "CHX.": "111111 111111 111111 111111 111111 111111 111111 101001 101001 111001",
  CHXM: "111111 111111 111111 111111 111111 111111 111111 101001 101001 111001",
};

const TABLES: Readonly<Record<ModuleName, Table>> = {
  dummy: DUMMY,
  silo: SILO,
  "hw-priv-v1": HW_PRIV_V1,
  "hw-priv-2025-06": HW_PRIV_2025_06,
  "hw-priv-v2": HW_PRIV_V2,
};

// ---------------------------------------------------------------------------------------------------------------
// CONFIG_PV_SHIM_EXCLUSIVE: is_control_domain, is_hardware_domain, is_dm_domain are false and
// is_hypercall_target is true (sched.h; June 3/4, v2 03/17, v2 04/17). Only X survives.
// Rows: a src with every role, and one with every role but xenstore. Same ten columns.
// ---------------------------------------------------------------------------------------------------------------
const PV_SHIM: Readonly<Record<ModuleName, Readonly<Record<"CHXM" | "CH.M", string>>>> = {
  //                      NULL   SELF   OWN    OTHER  OTHC   XEN    IO     ONHT   OWNNHT SELFNHT
  dummy: {
    CHXM: "10100- 11100- 11110- 10100- 10100- 10100- 10100- 10100- 11110- 11100-",
    "CH.M": "10000- 11000- 11110- 10000- 10000- 10000- 10000- 10000- 11110- 11000-",
  },
  silo: {
    CHXM: "10100- 11100- 11110- 10100- 10100- 10100- 10100- 10100- 11110- 11100-",
    "CH.M": "10000- 11000- 11110- 10000- 10000- 10000- 10000- 10000- 11110- 11000-",
  },
  "hw-priv-v1": {
    CHXM: "101000 111000 111100 101000 101000 101000 101000 101000 111100 111000",
    "CH.M": "100000 110000 111100 100000 100000 100000 100000 100000 111100 110000",
  },
  "hw-priv-2025-06": {
    CHXM: "101000 111000 111100 101000 101000 101000 101000 101000 111100 111000",
    "CH.M": "100000 110000 111100 100000 100000 100000 100000 100000 111100 110000",
  },
  "hw-priv-v2": {
    CHXM: "101000 111000 111100 101000 101000 101000 101000 101000 111100 111000",
    "CH.M": "100000 110000 111100 100000 100000 100000 100000 100000 111100 110000",
  },
};

// ---------------------------------------------------------------------------------------------------------------
// The idle domain is created with CDF_privileged (sched/core.c) and loses is_privileged in
// xsm_set_system_active() (dummy.h). Columns: NULL, SELF (idle itself), OTHER (a plain domU).
// ---------------------------------------------------------------------------------------------------------------
type IdleCase = "boot" | "running" | "boot+pvshim";
const IDLE: Readonly<Record<ModuleName, Readonly<Record<IdleCase, string>>>> = {
  //                          NULL   SELF   OTHER
  dummy: {
    boot: "11111- 11111- 11111-",
    running: "10000- 11000- 10000-",
    "boot+pvshim": "10000- 11000- 10000-",
  },
  silo: {
    boot: "11111- 11111- 11111-",
    running: "10000- 11000- 10000-",
    "boot+pvshim": "10000- 11000- 10000-",
  },
  "hw-priv-v1": {
    boot: "111110 111110 111110",
    running: "100000 110000 100000",
    "boot+pvshim": "100000 110000 100000",
  },
  "hw-priv-2025-06": {
    boot: "111111 111111 111111",
    running: "100000 110000 100000",
    "boot+pvshim": "100000 110000 100000",
  },
  "hw-priv-v2": {
    boot: "111110 111110 111110",
    running: "100000 110000 100000",
    "boot+pvshim": "100000 110000 100000",
  },
};

// ---------------------------------------------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------------------------------------------

const SRC_ID = 5;
const OWN_ID = 7;
const OTHER_ID = 9;
const OTHER_CTRL_ID = 3;
const ONHT_ID = 11;
const OWNNHT_ID = 13;

function rolesOf(key: string): {
  control: boolean;
  hardware: boolean;
  xenstore: boolean;
  deviceModel: boolean;
} {
  return {
    control: key[0] === "C",
    hardware: key[1] === "H",
    xenstore: key[2] === "X",
    deviceModel: key[3] === "M",
  };
}

function scenario(key: string, rel: Relation): { src: Domain; target: Domain | null } {
  const caps = rolesOf(key);
  const plainSrc = makeDomain({ domid: SRC_ID, caps });
  switch (rel) {
    case "NULL":
      return { src: plainSrc, target: null };
    case "SELF":
      return { src: plainSrc, target: plainSrc };
    case "OWN": {
      const target = makeDomain({ domid: OWN_ID, type: "hvm" });
      return { src: makeDomain({ domid: SRC_ID, caps, target: OWN_ID }), target };
    }
    case "OTHER":
      return { src: plainSrc, target: makeDomain({ domid: OTHER_ID, type: "hvm" }) };
    case "OTHC":
      return { src: plainSrc, target: makeDomain({ domid: OTHER_CTRL_ID, caps: { control: true } }) };
    case "XEN":
      return { src: plainSrc, target: systemDomain("dom_xen") };
    case "IO":
      return { src: plainSrc, target: systemDomain("dom_io") };
    case "ONHT":
      return { src: plainSrc, target: makeDomain({ domid: ONHT_ID, caps: { notHypercallTarget: true } }) };
    case "OWNNHT": {
      const target = makeDomain({ domid: OWNNHT_ID, type: "hvm", caps: { notHypercallTarget: true } });
      return { src: makeDomain({ domid: SRC_ID, caps, target: OWNNHT_ID }), target };
    }
    case "SELFNHT": {
      const src = makeDomain({ domid: SRC_ID, caps: { ...caps, notHypercallTarget: true } });
      return { src, target: src };
    }
  }
}

function policy(name: ModuleName): PolicyModule {
  return getPolicy(name);
}

type Outcome = "1" | "0" | "throw";

function evalDefault(
  mod: PolicyModule,
  action: Action,
  src: Domain,
  target: Domain | null,
  build: BuildFacts,
): Outcome {
  try {
    return mod.defaultAction(action, src, target, build).allowed ? "1" : "0";
  } catch {
    return "throw";
  }
}

function evalHook(mod: PolicyModule, call: HookCall, build: BuildFacts): Outcome {
  try {
    return mod.hook(call, build).allowed ? "1" : "0";
  } catch {
    return "throw";
  }
}

/** '-' accepts a denial or a throw (an action the module does not know must never be allowed). */
function agrees(expected: string, got: Outcome): boolean {
  if (expected === "-") return got !== "1";
  return expected === got;
}

function cells(row: string, count: number, width: number): string[] {
  const out = row.trim().split(/\s+/);
  assert.equal(out.length, count, `row "${row}" must have ${count} cells`);
  for (const c of out) assert.match(c, new RegExp(`^[01-]{${width}}$`), `bad cell "${c}" in "${row}"`);
  return out;
}

/** Compares every cell of one row; returns the list of mismatches (empty when the row agrees). */
function checkDefaultRow(
  mod: PolicyModule,
  row: string,
  columns: readonly Relation[],
  scenarioOf: (rel: Relation) => { src: Domain; target: Domain | null },
  build: BuildFacts,
): string[] {
  const bad: string[] = [];
  const rowCells = cells(row, columns.length, 6);
  columns.forEach((rel, i) => {
    const { src, target } = scenarioOf(rel);
    const cell = rowCells[i] ?? "";
    CELL_ACTIONS.forEach((action, j) => {
      const expected = cell[j] ?? "?";
      const got = evalDefault(mod, action, src, target, build);
      if (!agrees(expected, got)) bad.push(`${rel} ${action}: expected ${expected}, got ${got}`);
    });
    // XSM_OTHER never reaches xsm_default_action legitimately: LINKER_BUG_ON(1); return -EPERM.
    const other = evalDefault(mod, "OTHER", src, target, build);
    if (other !== "0") bad.push(`${rel} OTHER: expected 0 (denied, not thrown), got ${other}`);
  });
  return bad;
}

const MODULE_INDEX: Readonly<Record<ModuleName, number>> = {
  dummy: 0,
  silo: 1,
  "hw-priv-v1": 2,
  "hw-priv-2025-06": 3,
  "hw-priv-v2": 4,
};

/** One expectation character per module, in MODULES order (dummy silo v1 june v2). */
function expectFor(bits: string, name: ModuleName): string {
  assert.match(bits, /^[01]{5}$/, `bad module cell "${bits}"`);
  return bits[MODULE_INDEX[name]] ?? "?";
}

function build(over: Partial<BuildFacts> = {}): BuildFacts {
  return { ...DEFAULT_BUILD, ...over };
}

function mkCall(
  hook: string,
  action: Action,
  current: Domain,
  domains: Record<string, Domain | null>,
  values: Record<string, string>,
  src: string,
  target: string,
): HookCall {
  return { hook, action, current, domains, values, src, target };
}

// ---------------------------------------------------------------------------------------------------------------
// registry
// ---------------------------------------------------------------------------------------------------------------

describe("registry", () => {
  it("registers the five modules under their names", () => {
    for (const name of MODULES) {
      assert.ok(POLICY_NAMES.includes(name), `${name} in POLICY_NAMES`);
      assert.equal(getPolicy(name).name, name);
    }
  });

  it("actions: dummy/silo know the upstream actions and not HW_PRIV; the variants add HW_PRIV", () => {
    for (const name of MODULES) {
      const acts = getPolicy(name).actions;
      for (const a of ["HOOK", "DM_PRIV", "TARGET", "PRIV", "XS_PRIV"] as const) {
        assert.ok(acts.includes(a), `${name} knows ${a}`);
      }
      const variant = name.startsWith("hw-priv");
      assert.equal(
        acts.includes("HW_PRIV"),
        variant,
        `${name} ${variant ? "knows" : "does not know"} HW_PRIV`,
      );
    }
  });

  it("origins: upstream for dummy/silo, proposals with the posting message-ids for the variants", () => {
    assert.equal(getPolicy("dummy").origin.kind, "upstream");
    assert.equal(getPolicy("silo").origin.kind, "upstream");
    const ids: Record<string, string> = {
      "hw-priv-v1": "20250306220343.203047-16-jason.andryuk@amd.com",
      "hw-priv-2025-06": "20250610225737.469690-2-jason.andryuk@amd.com",
      "hw-priv-v2": "20250716211504.291104-2-jason.andryuk@amd.com",
    };
    const dates: Record<string, string> = {
      "hw-priv-v1": "2025-03-06",
      "hw-priv-2025-06": "2025-06-10",
      "hw-priv-v2": "2025-07-16",
    };
    for (const [name, id] of Object.entries(ids)) {
      const o = policy(name as ModuleName).origin;
      assert.equal(o.kind, "proposal", name);
      assert.ok(o.messageId?.includes(id), `${name} messageId ${o.messageId} should contain ${id}`);
      assert.ok(o.date.startsWith(dates[name] ?? "?"), `${name} date ${o.date}`);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------
// xsm_default_action: every module x every src role combination x every relation x every action
// ---------------------------------------------------------------------------------------------------------------

describe("defaultAction truth tables (running system, no PV shim)", () => {
  it("tables are well-formed", () => {
    for (const name of MODULES) {
      for (const key of ROLE_KEYS) cells(TABLES[name][key], RELATIONS.length, 6);
    }
  });

  for (const name of MODULES) {
    describe(name, () => {
      for (const key of ROLE_KEYS) {
        it(`src ${key}`, () => {
          const bad = checkDefaultRow(
            policy(name),
            TABLES[name][key],
            RELATIONS,
            (rel) => scenario(key, rel),
            build(),
          );
          assert.deepEqual(bad, []);
        });
      }
    });
  }
});

describe("defaultAction under CONFIG_PV_SHIM_EXCLUSIVE (control, hardware, device model false; all targetable)", () => {
  for (const name of MODULES) {
    for (const key of ["CHXM", "CH.M"] as const) {
      it(`${name}: src ${key}`, () => {
        const bad = checkDefaultRow(
          policy(name),
          PV_SHIM[name][key],
          RELATIONS,
          (rel) => scenario(key, rel),
          build({ pvShimExclusive: true }),
        );
        assert.deepEqual(bad, []);
      });
    }
  }
});

describe("defaultAction with the idle domain as src", () => {
  const idleCols = ["NULL", "SELF", "OTHER"] as const satisfies readonly Relation[];
  const idleScenario = (rel: Relation): { src: Domain; target: Domain | null } => {
    const idle = systemDomain("idle");
    if (rel === "NULL") return { src: idle, target: null };
    if (rel === "SELF") return { src: idle, target: idle };
    return { src: idle, target: makeDomain({ domid: OTHER_ID }) };
  };
  const builds: Record<IdleCase, BuildFacts> = {
    boot: build({ phase: "boot" }),
    running: build({ phase: "running" }),
    "boot+pvshim": build({ phase: "boot", pvShimExclusive: true }),
  };
  for (const name of MODULES) {
    for (const phase of ["boot", "running", "boot+pvshim"] as const) {
      it(`${name}: idle, ${phase}`, () => {
        const bad = checkDefaultRow(policy(name), IDLE[name][phase], idleCols, idleScenario, builds[phase]);
        assert.deepEqual(bad, []);
      });
    }
  }

  it("an ordinary control domain stays control during boot (only idle is affected by the phase)", () => {
    for (const name of MODULES) {
      const dom0 = makeDomain({ domid: 1, caps: { control: true } });
      assert.equal(evalDefault(policy(name), "PRIV", dom0, null, build({ phase: "boot" })), "1", name);
      assert.equal(evalDefault(policy(name), "PRIV", dom0, null, build({ phase: "running" })), "1", name);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The four XSM_OTHER hooks (xen-xsm-model.md §3.2 #15, #52, #68, #71; dummy.h @ RELEASE-4.22.0)
// Module cells: dummy silo hw-priv-v1 hw-priv-2025-06 hw-priv-v2
// ---------------------------------------------------------------------------------------------------------------

describe("console_io (#15)", () => {
  // xsm_console_io(d, cmd): d->is_console -> HOOK; VERBOSE_DEBUG && cmd == CONSOLEIO_write -> HOOK;
  // else xsm_default_action(XSM_PRIV, d, NULL) upstream, XSM_HW_PRIV in all three postings (v1 seed,
  // June 1/4 20250610225737.469690-2, v2 01/17 20250716211504.291104-2).
  // Final branch: dummy/silo C(d); v1 H(d); June H(d)|C(d); v2 H(d).
  // [d roles (C,H), is_console, CONFIG_VERBOSE_DEBUG, cmd W(rite)/R(ead), dummy silo v1 june v2]
  const ROWS: readonly (readonly [string, 0 | 1, 0 | 1, "W" | "R", string])[] = [
    ["..", 0, 0, "W", "00000"],
    ["..", 0, 0, "R", "00000"],
    ["..", 0, 1, "W", "11111"],
    ["..", 0, 1, "R", "00000"],
    ["..", 1, 0, "W", "11111"],
    ["..", 1, 0, "R", "11111"],
    ["..", 1, 1, "W", "11111"],
    ["..", 1, 1, "R", "11111"],
    ["C.", 0, 0, "W", "11010"],
    ["C.", 0, 0, "R", "11010"],
    ["C.", 0, 1, "W", "11111"],
    ["C.", 0, 1, "R", "11010"],
    ["C.", 1, 0, "W", "11111"],
    ["C.", 1, 0, "R", "11111"],
    ["C.", 1, 1, "W", "11111"],
    ["C.", 1, 1, "R", "11111"],
    [".H", 0, 0, "W", "00111"],
    [".H", 0, 0, "R", "00111"],
    [".H", 0, 1, "W", "11111"],
    [".H", 0, 1, "R", "00111"],
    [".H", 1, 0, "W", "11111"],
    [".H", 1, 0, "R", "11111"],
    [".H", 1, 1, "W", "11111"],
    [".H", 1, 1, "R", "11111"],
    ["CH", 0, 0, "W", "11111"],
    ["CH", 0, 0, "R", "11111"],
    ["CH", 0, 1, "W", "11111"],
    ["CH", 0, 1, "R", "11111"],
    ["CH", 1, 0, "W", "11111"],
    ["CH", 1, 0, "R", "11111"],
    ["CH", 1, 1, "W", "11111"],
    ["CH", 1, 1, "R", "11111"],
  ];
  for (const [roles, isConsole, vd, cmd, bits] of ROWS) {
    it(`d ${roles} is_console=${isConsole} VERBOSE_DEBUG=${vd} ${cmd === "W" ? "write" : "read"}`, () => {
      const d = makeDomain({
        domid: SRC_ID,
        isConsole: isConsole === 1,
        caps: { control: roles[0] === "C", hardware: roles[1] === "H" },
      });
      const c = mkCall(
        "console_io",
        "OTHER",
        d,
        { d },
        { cmd: cmd === "W" ? "CONSOLEIO_write" : "CONSOLEIO_read" },
        "d",
        "null",
      );
      for (const name of MODULES) {
        const got = evalHook(policy(name), c, build({ verboseDebug: vd === 1 }));
        assert.equal(got, expectFor(bits, name), `${name}`);
      }
    });
  }

  it("the device-model / xenstore caps do not give console read (HW_PRIV is entered below the DM block)", () => {
    const d = makeDomain({ domid: SRC_ID, caps: { xenstore: true, deviceModel: true } });
    const c = mkCall("console_io", "OTHER", d, { d }, { cmd: "CONSOLEIO_read" }, "d", "null");
    for (const name of MODULES) assert.equal(evalHook(policy(name), c, build()), "0", name);
  });

  it("PV shim: no one is control or hardware, but is_console still counts", () => {
    const ch = makeDomain({ domid: SRC_ID, caps: { control: true, hardware: true } });
    const cons = makeDomain({ domid: SRC_ID, isConsole: true });
    for (const name of MODULES) {
      const b = build({ pvShimExclusive: true });
      const read = (d: Domain): Outcome =>
        evalHook(
          policy(name),
          mkCall("console_io", "OTHER", d, { d }, { cmd: "CONSOLEIO_read" }, "d", "null"),
          b,
        );
      assert.equal(read(ch), "0", `${name} control+hardware under PV shim`);
      assert.equal(read(cons), "1", `${name} is_console under PV shim`);
    }
  });

  it("src is d (the hook parameter), not current", () => {
    const d = makeDomain({ domid: SRC_ID });
    const cur = makeDomain({ domid: 1, caps: { control: true, hardware: true } });
    const c = mkCall("console_io", "OTHER", cur, { d }, { cmd: "CONSOLEIO_read" }, "d", "null");
    for (const name of MODULES) assert.equal(evalHook(policy(name), c, build()), "0", name);
  });
});

describe("xen_version (#71)", () => {
  // version / platform_parameters / get_features: return 0 without any check;
  // extraversion(2), compile_info, capabilities(2), changeset(2), pagesize, guest_handle: XSM_HOOK;
  // default (commandline(2), build_id, unknown): XSM_PRIV with (current, NULL) -> C(current).
  // None of the modelled postings changes xen_version (v1 16/23 is not part of the seed patch).
  const FREE = ["XENVER_version", "XENVER_platform_parameters", "XENVER_get_features"];
  const HOOKS = [
    "XENVER_extraversion",
    "XENVER_extraversion2",
    "XENVER_compile_info",
    "XENVER_capabilities",
    "XENVER_capabilities2",
    "XENVER_changeset",
    "XENVER_changeset2",
    "XENVER_pagesize",
    "XENVER_guest_handle",
  ];
  const PRIVS = ["XENVER_commandline", "XENVER_commandline2", "XENVER_build_id"];
  // [current roles CHXM, build, free, hook, priv] each cell = dummy silo v1 june v2
  const ROWS: readonly (readonly [string, "plain" | "pvshim", string, string, string])[] = [
    ["....", "plain", "11111", "11111", "00000"],
    ["C...", "plain", "11111", "11111", "11111"],
    [".H..", "plain", "11111", "11111", "00000"],
    ["..XM", "plain", "11111", "11111", "00000"],
    ["CH..", "plain", "11111", "11111", "11111"],
    ["CHXM", "pvshim", "11111", "11111", "00000"],
  ];
  for (const [roles, b, free, hook, priv] of ROWS) {
    it(`current ${roles} (${b})`, () => {
      const cur = makeDomain({ domid: SRC_ID, caps: rolesOf(roles) });
      const bf = build({ pvShimExclusive: b === "pvshim" });
      for (const name of MODULES) {
        const run = (op: string): Outcome =>
          evalHook(policy(name), mkCall("xen_version", "OTHER", cur, {}, { op }, "current", "null"), bf);
        for (const op of FREE) assert.equal(run(op), expectFor(free, name), `${name} ${op}`);
        for (const op of HOOKS) assert.equal(run(op), expectFor(hook, name), `${name} ${op}`);
        for (const op of PRIVS) assert.equal(run(op), expectFor(priv, name), `${name} ${op}`);
      }
    });
  }

  it("idle current: commandline allowed during boot, not after", () => {
    const idle = systemDomain("idle");
    for (const name of MODULES) {
      const run = (phase: "boot" | "running"): Outcome =>
        evalHook(
          policy(name),
          mkCall("xen_version", "OTHER", idle, {}, { op: "XENVER_commandline" }, "current", "null"),
          build({ phase }),
        );
      assert.equal(run("boot"), "1", `${name} boot`);
      assert.equal(run("running"), "0", `${name} running`);
    }
  });
});

describe("pmu_op (#68)", () => {
  // xsm_pmu_op(d, op): XENPMU_init/finish/lvtpc_set/flush -> XSM_HOOK(d, current);
  // every other op -> XSM_PRIV(d, current) -> C(d). The caller (vpmu.c do_xenpmu_op) passes d = current->domain.
  // hw-priv-v2 04/17: the PRIV case first denies when target (= current) has CDF_not_hypercall_target.
  const HOOK_OPS = ["XENPMU_init", "XENPMU_finish", "XENPMU_lvtpc_set", "XENPMU_flush"];
  const PRIV_OPS = ["XENPMU_mode_get", "XENPMU_mode_set", "XENPMU_feature_get", "XENPMU_feature_set"];
  // [d(=current) roles, d has not-hypercall-target, hook ops, priv ops] cells = dummy silo v1 june v2
  const ROWS: readonly (readonly [string, 0 | 1, string, string])[] = [
    ["....", 0, "11111", "00000"],
    ["C...", 0, "11111", "11111"],
    [".H..", 0, "11111", "00000"],
    ["..XM", 0, "11111", "00000"],
    ["CH..", 0, "11111", "11111"],
    ["C...", 1, "11111", "11110"],
  ];
  for (const [roles, nht, hookBits, privBits] of ROWS) {
    it(`d = current ${roles}${nht ? " not-hypercall-target" : ""}`, () => {
      const d = makeDomain({ domid: SRC_ID, caps: { ...rolesOf(roles), notHypercallTarget: nht === 1 } });
      for (const name of MODULES) {
        const run = (op: string): Outcome =>
          evalHook(policy(name), mkCall("pmu_op", "OTHER", d, { d }, { op }, "d", "current"), build());
        for (const op of HOOK_OPS) assert.equal(run(op), expectFor(hookBits, name), `${name} ${op}`);
        for (const op of PRIV_OPS) assert.equal(run(op), expectFor(privBits, name), `${name} ${op}`);
      }
    });
  }

  it("src is d, target is current", () => {
    const ctl = makeDomain({ domid: 1, caps: { control: true } });
    const plain = makeDomain({ domid: SRC_ID });
    const plainNht = makeDomain({ domid: SRC_ID, caps: { notHypercallTarget: true } });
    for (const name of MODULES) {
      const run = (d: Domain, cur: Domain): Outcome =>
        evalHook(
          policy(name),
          mkCall("pmu_op", "OTHER", cur, { d }, { op: "XENPMU_mode_set" }, "d", "current"),
          build(),
        );
      assert.equal(run(ctl, plain), "1", `${name}: control d, plain current`);
      assert.equal(run(plain, ctl), "0", `${name}: plain d, control current`);
      // v2 04/17: PRIV with a not-hypercall-target target (current) is denied even for control.
      assert.equal(run(ctl, plainNht), name === "hw-priv-v2" ? "0" : "1", `${name}: control d, NHT current`);
    }
  });
});

describe("hvm_altp2mhvm_op (#52)", () => {
  // xsm_hvm_altp2mhvm_op(d, mode, op), src = current, target = d:
  //   XEN_ALTP2M_mixed -> TARGET; XEN_ALTP2M_external -> DM_PRIV;
  //   XEN_ALTP2M_limited -> TARGET if op == HVMOP_altp2m_vcpu_enable_notify else DM_PRIV; other -> -EPERM.
  // Mode/op columns: MIX = mixed + switch_p2m; EXT = external + vcpu_enable_notify (op ignored);
  // LEN = limited + vcpu_enable_notify; LOT = limited + switch_p2m; DIS = disabled + vcpu_enable_notify.
  const MODES: readonly (readonly [string, string])[] = [
    ["XEN_ALTP2M_mixed", "HVMOP_altp2m_switch_p2m"],
    ["XEN_ALTP2M_external", "HVMOP_altp2m_vcpu_enable_notify"],
    ["XEN_ALTP2M_limited", "HVMOP_altp2m_vcpu_enable_notify"],
    ["XEN_ALTP2M_limited", "HVMOP_altp2m_switch_p2m"],
    ["XEN_ALTP2M_disabled", "HVMOP_altp2m_vcpu_enable_notify"],
  ];
  type Rel = "SELF" | "OWN" | "OTHER" | "ONHT" | "OWNNHT";
  // [current roles, relation of d, pvshim, "MIX EXT LEN LOT DIS"], each cell = dummy silo v1 june v2
  const ROWS: readonly (readonly [string, Rel, 0 | 1, string])[] = [
    ["....", "SELF", 0, "11111 00000 11111 00000 00000"],
    ["....", "OWN", 0, "11111 11111 11111 11111 00000"],
    ["....", "OTHER", 0, "00000 00000 00000 00000 00000"],
    ["C...", "SELF", 0, "11111 11111 11111 11111 00000"],
    ["C...", "OTHER", 0, "11111 11111 11111 11111 00000"],
    [".H..", "SELF", 0, "11111 00100 11111 00100 00000"],
    [".H..", "OTHER", 0, "00000 00100 00000 00100 00000"],
    ["...M", "SELF", 0, "11111 00011 11111 00011 00000"],
    ["...M", "OTHER", 0, "00011 00011 00011 00011 00000"],
    ["..X.", "OTHER", 0, "00000 00000 00000 00000 00000"],
    ["C...", "ONHT", 0, "11110 11110 11110 11110 00000"],
    ["....", "OWNNHT", 0, "11110 11110 11110 11110 00000"],
    ["...M", "ONHT", 0, "00010 00010 00010 00010 00000"],
    ["C...", "OTHER", 1, "00000 00000 00000 00000 00000"],
    ["CHXM", "OWN", 1, "11111 11111 11111 11111 00000"],
  ];
  for (const [roles, rel, shim, row] of ROWS) {
    it(`current ${roles}, d ${rel}${shim ? " (PV shim)" : ""}`, () => {
      const caps = rolesOf(roles);
      let cur: Domain;
      let d: Domain;
      switch (rel) {
        case "SELF":
          cur = makeDomain({ domid: SRC_ID, caps, type: "hvm" });
          d = cur;
          break;
        case "OWN":
          d = makeDomain({ domid: OWN_ID, type: "hvm" });
          cur = makeDomain({ domid: SRC_ID, caps, target: OWN_ID });
          break;
        case "OTHER":
          d = makeDomain({ domid: OTHER_ID, type: "hvm" });
          cur = makeDomain({ domid: SRC_ID, caps });
          break;
        case "ONHT":
          d = makeDomain({ domid: ONHT_ID, type: "hvm", caps: { notHypercallTarget: true } });
          cur = makeDomain({ domid: SRC_ID, caps });
          break;
        case "OWNNHT":
          d = makeDomain({ domid: OWNNHT_ID, type: "hvm", caps: { notHypercallTarget: true } });
          cur = makeDomain({ domid: SRC_ID, caps, target: OWNNHT_ID });
          break;
      }
      const rowCells = row.split(" ");
      assert.equal(rowCells.length, MODES.length);
      for (const name of MODULES) {
        MODES.forEach(([mode, op], i) => {
          const got = evalHook(
            policy(name),
            mkCall("hvm_altp2mhvm_op", "OTHER", cur, { d }, { mode, op }, "current", "d"),
            build({ pvShimExclusive: shim === 1 }),
          );
          assert.equal(got, expectFor(rowCells[i] ?? "", name), `${name} ${mode} ${op}`);
        });
      }
    });
  }
});

// ---------------------------------------------------------------------------------------------------------------
// SILO overrides (silo.c @ RELEASE-4.22.0). Other modules: the plain dummy hooks (the June 2/4 SILO change is not
// part of hw-priv-2025-06).
// ---------------------------------------------------------------------------------------------------------------

describe("SILO overrides", () => {
  const A = makeDomain({ domid: 10 });
  const B = makeDomain({ domid: 11, type: "hvm" });
  const CTL = makeDomain({ domid: 1, caps: { control: true } });
  const HWD = makeDomain({ domid: 2, caps: { hardware: true } });
  const XSD = makeDomain({ domid: 4, caps: { xenstore: true } });
  const STUB = makeDomain({ domid: 12, target: 11 }); // device model of B
  const IDLE = systemDomain("idle");
  const XEN = systemDomain("dom_xen");
  type B_ = "plain" | "pvshim" | "boot";
  const builds: Record<B_, BuildFacts> = {
    plain: build(),
    pvshim: build({ pvShimExclusive: true }),
    boot: build({ phase: "boot" }),
  };

  // grant_mapref / grant_transfer / grant_copy / evtchn_interdomain: dummy XSM_HOOK(d1, d2) = allow;
  // silo: allowed iff C(current) | C(d1) | C(d2) | d1 == d2.
  // [label, current, d1, d2, build, dummy silo v1 june v2]
  const PAIRS: readonly (readonly [string, Domain, Domain, Domain, B_, string])[] = [
    ["A: A -> B", A, A, B, "plain", "10111"],
    ["A: A -> A", A, A, A, "plain", "11111"],
    ["control current: A -> B", CTL, A, B, "plain", "11111"],
    ["A: A -> control", A, A, CTL, "plain", "11111"],
    ["A: control -> B", A, CTL, B, "plain", "11111"],
    ["A: A -> hwdom (H does not count)", A, A, HWD, "plain", "10111"],
    ["A: A -> xenstore (X does not count)", A, A, XSD, "plain", "10111"],
    ["A: stub -> its target (->target does not count)", A, STUB, B, "plain", "10111"],
    ["A: A -> dom_xen", A, A, XEN, "plain", "10111"],
    ["control current under PV shim: A -> B", CTL, A, B, "pvshim", "10111"],
    ["idle current at boot: A -> B", IDLE, A, B, "boot", "11111"],
    ["idle current running: A -> B", IDLE, A, B, "plain", "10111"],
  ];
  for (const hook of ["grant_mapref", "grant_transfer", "grant_copy", "evtchn_interdomain"]) {
    for (const [label, cur, d1, d2, b, bits] of PAIRS) {
      it(`${hook}: ${label}`, () => {
        const values: Record<string, string> = hook === "grant_mapref" ? { flags: "GNTMAP_host_map" } : {};
        const c = mkCall(hook, "HOOK", cur, { d1, d2 }, values, "d1", "d2");
        for (const name of MODULES) {
          assert.equal(evalHook(policy(name), c, builds[b]), expectFor(bits, name), name);
        }
      });
    }
  }

  // evtchn_unbound(d, chn, id2): dummy XSM_TARGET(current, d) (id2 ignored);
  // silo: id2 must exist (-ESRCH), silo_mode_dom_check(d, id2) and the dummy hook.
  // [label, current, d, id2, build, dummy silo v1 june v2]
  const UNBOUND: readonly (readonly [string, Domain, Domain, Domain | null, B_, string])[] = [
    ["A allocates in A for B", A, A, B, "plain", "10111"],
    ["A allocates in A for A", A, A, A, "plain", "11111"],
    ["A allocates in A for control", A, A, CTL, "plain", "11111"],
    ["control allocates in A for B", CTL, A, B, "plain", "11111"],
    ["A allocates in B for B (TARGET fails)", A, B, B, "plain", "00000"],
    ["A allocates in control for A (TARGET fails)", A, CTL, A, "plain", "00000"],
    ["stub allocates in its target B for A", STUB, B, A, "plain", "10111"],
    ["stub allocates in its target B for B", STUB, B, B, "plain", "11111"],
    ["A allocates in A for hwdom", A, A, HWD, "plain", "10111"],
    ["A allocates in A for a non-existent id2", A, A, null, "plain", "10111"],
    ["control under PV shim allocates in A for B", CTL, A, B, "pvshim", "00000"],
    ["idle at boot allocates in A for B", IDLE, A, B, "boot", "11111"],
  ];
  for (const [label, cur, d, id2, b, bits] of UNBOUND) {
    it(`evtchn_unbound: ${label}`, () => {
      const c = mkCall("evtchn_unbound", "TARGET", cur, { d, id2 }, {}, "current", "d");
      for (const name of MODULES) {
        assert.equal(evalHook(policy(name), c, builds[b]), expectFor(bits, name), name);
      }
    });
  }

  it("silo does not change hooks it does not override", () => {
    const plain = makeDomain({ domid: 10 });
    const other = makeDomain({ domid: 11 });
    const ctl = makeDomain({ domid: 1, caps: { control: true } });
    // evtchn_send: HOOK(d, NULL); grant_unmapref: HOOK(d1, d2); memory_exchange: TARGET(current, d)
    const calls: readonly (readonly [HookCall, Outcome])[] = [
      [mkCall("evtchn_send", "HOOK", plain, { d: plain }, {}, "d", "null"), "1"],
      [mkCall("grant_unmapref", "HOOK", plain, { d1: plain, d2: other }, {}, "d1", "d2"), "1"],
      [mkCall("memory_exchange", "TARGET", plain, { d: other }, {}, "current", "d"), "0"],
      [mkCall("memory_exchange", "TARGET", ctl, { d: other }, {}, "current", "d"), "1"],
    ];
    for (const [c, want] of calls) {
      assert.equal(evalHook(policy("silo"), c, build()), want, c.hook);
      assert.equal(evalHook(policy("dummy"), c, build()), want, c.hook);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------
// hookAction: the seven call sites re-annotated XSM_PRIV -> XSM_HW_PRIV by all three postings; June 4/4 makes
// xsm_sysctl XSM_OTHER. Everything else keeps its upstream action.
// ---------------------------------------------------------------------------------------------------------------

describe("hookAction", () => {
  // [hook, upstream action, dummy, silo, v1, june, v2]
  const ROWS: readonly (readonly [string, Action, Action, Action, Action, Action, Action])[] = [
    ["apic", "PRIV", "PRIV", "PRIV", "HW_PRIV", "HW_PRIV", "HW_PRIV"],
    ["resource_setup_pci", "PRIV", "PRIV", "PRIV", "HW_PRIV", "HW_PRIV", "HW_PRIV"],
    ["resource_setup_misc", "PRIV", "PRIV", "PRIV", "HW_PRIV", "HW_PRIV", "HW_PRIV"],
    ["resource_setup_gsi", "PRIV", "PRIV", "PRIV", "HW_PRIV", "HW_PRIV", "HW_PRIV"],
    ["resource_plug_pci", "PRIV", "PRIV", "PRIV", "HW_PRIV", "HW_PRIV", "HW_PRIV"],
    ["resource_unplug_pci", "PRIV", "PRIV", "PRIV", "HW_PRIV", "HW_PRIV", "HW_PRIV"],
    ["platform_op", "PRIV", "PRIV", "PRIV", "HW_PRIV", "HW_PRIV", "HW_PRIV"],
    ["kexec", "PRIV", "PRIV", "PRIV", "PRIV", "PRIV", "PRIV"],
    ["machine_memory_map", "PRIV", "PRIV", "PRIV", "PRIV", "PRIV", "PRIV"],
    ["hypfs_op", "PRIV", "PRIV", "PRIV", "PRIV", "PRIV", "PRIV"],
    ["get_device_group", "PRIV", "PRIV", "PRIV", "PRIV", "PRIV", "PRIV"],
    ["do_mca", "PRIV", "PRIV", "PRIV", "PRIV", "PRIV", "PRIV"],
    ["irq_permission", "PRIV", "PRIV", "PRIV", "PRIV", "PRIV", "PRIV"],
    ["domctl", "PRIV", "PRIV", "PRIV", "PRIV", "PRIV", "PRIV"],
    // June [PATCH 4/4] 20250610225737.469690-5: XSM_ASSERT_ACTION(XSM_OTHER) in xsm_sysctl.
    ["sysctl", "PRIV", "PRIV", "PRIV", "PRIV", "OTHER", "PRIV"],
    ["console_io", "OTHER", "OTHER", "OTHER", "OTHER", "OTHER", "OTHER"],
    ["xen_version", "OTHER", "OTHER", "OTHER", "OTHER", "OTHER", "OTHER"],
    ["pmu_op", "OTHER", "OTHER", "OTHER", "OTHER", "OTHER", "OTHER"],
    ["hvm_altp2mhvm_op", "OTHER", "OTHER", "OTHER", "OTHER", "OTHER", "OTHER"],
    ["getdomaininfo", "XS_PRIV", "XS_PRIV", "XS_PRIV", "XS_PRIV", "XS_PRIV", "XS_PRIV"],
    ["get_domain_state", "XS_PRIV", "XS_PRIV", "XS_PRIV", "XS_PRIV", "XS_PRIV", "XS_PRIV"],
    ["dm_op", "DM_PRIV", "DM_PRIV", "DM_PRIV", "DM_PRIV", "DM_PRIV", "DM_PRIV"],
    ["map_domain_pirq", "DM_PRIV", "DM_PRIV", "DM_PRIV", "DM_PRIV", "DM_PRIV", "DM_PRIV"],
    ["memory_exchange", "TARGET", "TARGET", "TARGET", "TARGET", "TARGET", "TARGET"],
    ["grant_mapref", "HOOK", "HOOK", "HOOK", "HOOK", "HOOK", "HOOK"],
    ["evtchn_unbound", "TARGET", "TARGET", "TARGET", "TARGET", "TARGET", "TARGET"],
  ];
  for (const [hook, upstream, ...want] of ROWS) {
    it(`${hook} (${upstream})`, () => {
      MODULES.forEach((name, i) => {
        assert.equal(policy(name).hookAction(hook, upstream).action, want[i], name);
      });
    });
  }
});

// ---------------------------------------------------------------------------------------------------------------
// Whole-hook evaluation of re-annotated hooks and a few ordinary hooks.
// ---------------------------------------------------------------------------------------------------------------

describe("hook() on the HW_PRIV call sites", () => {
  // dummy/silo: PRIV -> C; v1: HW_PRIV -> H; June: HW_PRIV -> H|C; v2: HW_PRIV -> H.
  // [roles, pvshim, dummy silo v1 june v2]
  const ROWS: readonly (readonly [string, 0 | 1, string])[] = [
    ["....", 0, "00000"],
    ["C...", 0, "11010"],
    [".H..", 0, "00111"],
    ["CH..", 0, "11111"],
    ["...M", 0, "00000"],
    ["..X.", 0, "00000"],
    ["CHXM", 1, "00000"],
  ];
  // hooks whose src is current and target NULL
  const CURRENT_HOOKS: readonly (readonly [string, Record<string, string>])[] = [
    ["platform_op", { op: "XENPF_settime64", cmd: "XENPF_settime64" }],
    ["resource_setup_pci", {}],
    ["resource_setup_gsi", {}],
    ["resource_setup_misc", {}],
    ["resource_plug_pci", {}],
    ["resource_unplug_pci", {}],
  ];
  for (const [roles, shim, bits] of ROWS) {
    it(`current ${roles}${shim ? " (PV shim)" : ""}`, () => {
      const cur = makeDomain({ domid: SRC_ID, caps: rolesOf(roles) });
      const b = build({ pvShimExclusive: shim === 1 });
      for (const name of MODULES) {
        for (const [hook, values] of CURRENT_HOOKS) {
          const c = mkCall(hook, "PRIV", cur, {}, values, "current", "null");
          assert.equal(evalHook(policy(name), c, b), expectFor(bits, name), `${name} ${hook}`);
        }
        // xsm_apic(d, cmd) evaluates (action, d, NULL); physdev.c passes currd.
        const apic = mkCall("apic", "PRIV", cur, { d: cur }, { cmd: "PHYSDEVOP_apic_read" }, "d", "null");
        assert.equal(evalHook(policy(name), apic, b), expectFor(bits, name), `${name} apic`);
        // kexec is not re-annotated: PRIV -> C everywhere.
        const kexec = mkCall("kexec", "PRIV", cur, {}, {}, "current", "null");
        const kexecWant = roles[0] === "C" && shim === 0 ? "1" : "0";
        assert.equal(evalHook(policy(name), kexec, b), kexecWant, `${name} kexec`);
      }
    });
  }
});

describe("hook() sysctl (June [PATCH 4/4] 20250610225737.469690-5: xsm_sysctl becomes an XSM_OTHER switch)", () => {
  // June: readconsole -> HW_PRIV (H|C); physinfo -> HW_PRIV if H else PRIV (= H|C); default -> PRIV (C).
  // Everyone else: XSM_PRIV -> C for every sub-op.
  // [roles, readconsole, physinfo, sched_id] cells = dummy silo v1 june v2
  const ROWS: readonly (readonly [string, string, string, string])[] = [
    ["....", "00000", "00000", "00000"],
    ["C...", "11111", "11111", "11111"],
    [".H..", "00010", "00010", "00000"],
    ["CH..", "11111", "11111", "11111"],
    ["...M", "00000", "00000", "00000"],
  ];
  for (const [roles, rc, pi, other] of ROWS) {
    it(`current ${roles}`, () => {
      const cur = makeDomain({ domid: SRC_ID, caps: rolesOf(roles) });
      for (const name of MODULES) {
        const run = (cmd: string): Outcome =>
          evalHook(
            policy(name),
            mkCall("sysctl", "PRIV", cur, {}, { cmd, op: cmd }, "current", "null"),
            build(),
          );
        assert.equal(run("XEN_SYSCTL_readconsole"), expectFor(rc, name), `${name} readconsole`);
        assert.equal(run("XEN_SYSCTL_physinfo"), expectFor(pi, name), `${name} physinfo`);
        assert.equal(run("XEN_SYSCTL_sched_id"), expectFor(other, name), `${name} sched_id`);
      }
    });
  }
});

describe("hook() on ordinary hooks (plumbing of src/target)", () => {
  const plain = makeDomain({ domid: 10 });
  const other = makeDomain({ domid: 11, type: "hvm" });
  const nht = makeDomain({ domid: 13, type: "hvm", caps: { notHypercallTarget: true } });
  const selfNht = makeDomain({ domid: 14, caps: { notHypercallTarget: true } });
  const xs = makeDomain({ domid: 4, caps: { xenstore: true } });
  const dm = makeDomain({ domid: 15, caps: { deviceModel: true } });
  const hw = makeDomain({ domid: 2, caps: { hardware: true } });
  const ctl = makeDomain({ domid: 1, caps: { control: true } });
  const stubOfOther = makeDomain({ domid: 12, target: 11 });
  const stubOfNht = makeDomain({ domid: 16, target: 13 });
  // [label, call, dummy silo v1 june v2]
  const ROWS: readonly (readonly [string, HookCall, string])[] = [
    // getdomaininfo: XS_PRIV(current, d)
    [
      "getdomaininfo by xenstore",
      mkCall("getdomaininfo", "XS_PRIV", xs, { d: other }, {}, "current", "d"),
      "11111",
    ],
    [
      "getdomaininfo of self",
      mkCall("getdomaininfo", "XS_PRIV", plain, { d: plain }, {}, "current", "d"),
      "00000",
    ],
    [
      "getdomaininfo by device model",
      mkCall("getdomaininfo", "XS_PRIV", dm, { d: other }, {}, "current", "d"),
      "00011",
    ],
    [
      "getdomaininfo by hwdom",
      mkCall("getdomaininfo", "XS_PRIV", hw, { d: other }, {}, "current", "d"),
      "00000",
    ],
    // v2 06/17: control passes XS_PRIV before the hypercall-target test
    [
      "getdomaininfo by control of NHT",
      mkCall("getdomaininfo", "XS_PRIV", ctl, { d: nht }, {}, "current", "d"),
      "11111",
    ],
    // dm_op: DM_PRIV(current, d)
    ["dm_op by control on NHT", mkCall("dm_op", "DM_PRIV", ctl, { d: nht }, {}, "current", "d"), "11110"],
    ["dm_op by hwdom", mkCall("dm_op", "DM_PRIV", hw, { d: other }, {}, "current", "d"), "00100"],
    [
      "dm_op by stub on its target",
      mkCall("dm_op", "DM_PRIV", stubOfOther, { d: other }, {}, "current", "d"),
      "11111",
    ],
    ["dm_op by device model", mkCall("dm_op", "DM_PRIV", dm, { d: other }, {}, "current", "d"), "00011"],
    [
      "dm_op by stub on NHT target",
      mkCall("dm_op", "DM_PRIV", stubOfNht, { d: nht }, {}, "current", "d"),
      "11110",
    ],
    // memory_exchange: TARGET(current, d); self returns before the NHT test
    [
      "memory_exchange on self (NHT)",
      mkCall("memory_exchange", "TARGET", selfNht, { d: selfNht }, {}, "current", "d"),
      "11111",
    ],
    [
      "memory_exchange by control on NHT",
      mkCall("memory_exchange", "TARGET", ctl, { d: nht }, {}, "current", "d"),
      "11110",
    ],
    // map_gmfn_foreign: TARGET(d, t) — src is d, not current
    [
      "map_gmfn_foreign stub->target",
      mkCall("map_gmfn_foreign", "TARGET", plain, { d: stubOfOther, t: other }, {}, "d", "t"),
      "11111",
    ],
    [
      "map_gmfn_foreign plain->other, control current",
      mkCall("map_gmfn_foreign", "TARGET", ctl, { d: plain, t: other }, {}, "d", "t"),
      "00000",
    ],
    // set_target: PRIV(current, NULL)
    [
      "set_target by control",
      mkCall("set_target", "PRIV", ctl, { d: plain, e: other }, {}, "current", "null"),
      "11111",
    ],
    [
      "set_target by hwdom",
      mkCall("set_target", "PRIV", hw, { d: plain, e: other }, {}, "current", "null"),
      "00000",
    ],
  ];
  for (const [label, c, bits] of ROWS) {
    it(label, () => {
      for (const name of MODULES) {
        assert.equal(evalHook(policy(name), c, build()), expectFor(bits, name), name);
      }
    });
  }
});
