import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { z } from "zod";
import { error } from "../core/diagnostic.js";
import { fail } from "../core/errors.js";
import { packageRoot } from "../core/package-root.js";
import {
  type LinuxPrivcmd,
  LinuxPrivcmdSchema,
  type XenServerFilter,
  XenServerFilterSchema,
} from "./filter-facts.js";

/** The shipped privcmd facts (`catalogues/privcmd/`). */
export function privcmdCatalogueDir(): string {
  return join(packageRoot(), "catalogues", "privcmd");
}

/** Reads and validates one facts file; an unreadable, non-JSON or invalid file is bad input. */
function loadFacts<T>(path: string, schema: z.ZodType<T>, what: string): T {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    fail(error("privcmd/unreadable", `cannot read \`${path}\`: ${(e as Error).message}`));
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    fail(
      error("privcmd/corrupt", `\`${path}\` is not JSON: ${(e as Error).message}`, {
        file: path,
        line: 1,
        column: 1,
      }),
    );
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    fail(
      error(
        "privcmd/corrupt",
        `\`${path}\` is not ${what}: ${issue?.path.join(".") || "(root)"}: ${issue?.message}`,
        { file: path, line: 1, column: 1 },
      ),
    );
  }
  return parsed.data;
}

/** The XenServer / XCP-ng filter facts: the shipped file, or one at `path`. */
export function loadXenServerFilter(
  path = join(privcmdCatalogueDir(), "xenserver-filter.json"),
): XenServerFilter {
  return loadFacts(path, XenServerFilterSchema, "a XenServer filter facts file");
}

/** The Linux privcmd facts: the shipped file, or one at `path`. */
export function loadLinuxPrivcmd(path = join(privcmdCatalogueDir(), "linux-privcmd.json")): LinuxPrivcmd {
  return loadFacts(path, LinuxPrivcmdSchema, "a Linux privcmd facts file");
}
