import { loadJsonFile } from "../core/load-json-file.js";
import { shippedOrPath } from "../core/shipped-data.js";
import { type OptionCatalogue, OptionCatalogueSchema } from "./option-catalogue.js";
import { optionCatalogueDir } from "./shipped-option-versions.js";

/** A shipped version's option catalogue, or one from a path; a corrupt one is bad input. */
export function loadOptionCatalogue(versionOrPath: string): OptionCatalogue {
  const path = shippedOrPath(optionCatalogueDir(), versionOrPath, {
    code: "options/unknown-version",
    what: "option catalogue",
  });
  return loadJsonFile(path, OptionCatalogueSchema, {
    code: "options/corrupt",
    what: "an option catalogue",
    help: "regenerate it with `xenpriv options extract <tree>`",
  });
}
