import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { error } from "../core/diagnostic.js";
import { fail } from "../core/errors.js";
import { suggest } from "../core/suggest.js";
import { type OptionCatalogue, OptionCatalogueSchema } from "./option-catalogue.js";
import { optionCatalogueDir, shippedOptionVersions } from "./shipped-option-versions.js";

/** A shipped version's option catalogue, or one from a path; a corrupt one is bad input. */
export function loadOptionCatalogue(versionOrPath: string): OptionCatalogue {
  const shipped = join(optionCatalogueDir(), `xen-${versionOrPath}.json`);
  const path = existsSync(shipped) ? shipped : versionOrPath;
  if (!existsSync(path)) {
    const versions = shippedOptionVersions();
    const close = suggest(versionOrPath, versions);
    fail(
      error(
        "options/unknown-version",
        `no option catalogue for \`${versionOrPath}\``,
        undefined,
        `${close.length ? `did you mean \`${close[0]}\`? ` : ""}shipped: ${versions.join(", ")}`,
      ),
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    fail(
      error("options/corrupt", `\`${path}\` is not JSON: ${(e as Error).message}`, {
        file: path,
        line: 1,
        column: 1,
      }),
    );
  }
  const parsed = OptionCatalogueSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    fail(
      error(
        "options/corrupt",
        `\`${path}\` is not an option catalogue: ${issue?.path.join(".") || "(root)"}: ${issue?.message}`,
        { file: path, line: 1, column: 1 },
        "regenerate it with `xenpriv options extract <tree>`",
      ),
    );
  }
  return parsed.data;
}
