import type { Rule } from "./rule.js";
import { consoleAccess } from "./rules/console-access.js";
import { controlIsHardware } from "./rules/control-is-hardware.js";
import { dmBeyondTarget } from "./rules/dm-beyond-target.js";
import { dmReachControl } from "./rules/dm-reach-control.js";
import { flaskPolicy } from "./rules/flask-policy.js";
import { hardwareDomainNeeds } from "./rules/hardware-domain-needs.js";
import { hwdomDmWithoutIommu } from "./rules/hwdom-dm-without-iommu.js";
import { secureBootSplit } from "./rules/secure-boot-split.js";
import { singleHardwareXenstore } from "./rules/single-hardware-xenstore.js";
import { stubdomTargetPrivileged } from "./rules/stubdom-target-privileged.js";
import { xenBoot } from "./rules/xen-boot.js";
import { xenstoreNeeds } from "./rules/xenstore-needs.js";
import { xsa77Delegation } from "./rules/xsa77-delegation.js";

/** Every lint rule, by id; each has docs/rules/<id>.md. */
export const RULES: readonly Rule[] = [
  xenBoot,
  singleHardwareXenstore,
  xenstoreNeeds,
  controlIsHardware,
  hardwareDomainNeeds,
  stubdomTargetPrivileged,
  xsa77Delegation,
  dmReachControl,
  dmBeyondTarget,
  hwdomDmWithoutIommu,
  secureBootSplit,
  consoleAccess,
  flaskPolicy,
];
