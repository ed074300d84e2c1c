import { join } from "node:path";
import { loadJsonFile } from "../core/load-json-file.js";
import { packageRoot } from "../core/package-root.js";
import {
  type LinuxPrivcmd,
  LinuxPrivcmdSchema,
  type XenServerFilter,
  XenServerFilterSchema,
} from "./filter-facts.js";
import { type XenServerOverlay, XenServerOverlaySchema } from "./xenserver-overlay.js";

/** The shipped privcmd facts (`catalogues/privcmd/`). */
export function privcmdCatalogueDir(): string {
  return join(packageRoot(), "catalogues", "privcmd");
}

/** The XenServer / XCP-ng filter facts: the shipped file, or one at `path`. */
export function loadXenServerFilter(
  path = join(privcmdCatalogueDir(), "xenserver-filter.json"),
): XenServerFilter {
  return loadJsonFile(path, XenServerFilterSchema, {
    code: "privcmd/corrupt",
    what: "a XenServer filter facts file",
  });
}

/** The Linux privcmd facts: the shipped file, or one at `path`. */
export function loadLinuxPrivcmd(path = join(privcmdCatalogueDir(), "linux-privcmd.json")): LinuxPrivcmd {
  return loadJsonFile(path, LinuxPrivcmdSchema, {
    code: "privcmd/corrupt",
    what: "a Linux privcmd facts file",
  });
}

/** XenServer's overlay of operations beyond upstream: the shipped file, or one at `path`. */
export function loadXenServerOverlay(
  path = join(privcmdCatalogueDir(), "xenserver-overlay.json"),
): XenServerOverlay {
  return loadJsonFile(path, XenServerOverlaySchema, {
    code: "privcmd/corrupt",
    what: "a XenServer overlay file",
  });
}
