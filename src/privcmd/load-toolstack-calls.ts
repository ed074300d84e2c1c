import { join } from "node:path";
import { loadJsonFile } from "../core/load-json-file.js";
import { privcmdCatalogueDir } from "./load-filter-facts.js";
import { type ToolstackCalls, ToolstackCallsSchema } from "./toolstack-calls.js";

/** The calls each role's toolstack is known to make: the shipped file, or one at `path`. */
export function loadToolstackCalls(
  path = join(privcmdCatalogueDir(), "toolstack-calls.json"),
): ToolstackCalls {
  return loadJsonFile(path, ToolstackCallsSchema, {
    code: "privcmd/corrupt",
    what: "a toolstack calls file",
  });
}
