import { z } from "zod";
import { CatalogueSchema } from "../catalog/schema.js";
import { LinuxPrivcmdSchema, XenServerFilterSchema } from "../privcmd/filter-facts.js";
import { HypercallCatalogueSchema } from "../privcmd/hypercall-catalogue.js";
import { ProfileFileSchema } from "../privcmd/parse-profile.js";
import { ToolstackCallsSchema } from "../privcmd/toolstack-calls.js";
import { XenServerOverlaySchema } from "../privcmd/xenserver-overlay.js";
import { SystemFileSchema } from "../system/system-schema.js";
import { OUTPUT_SCHEMAS } from "./output-schemas.js";

/** File name -> JSON Schema text, for every published schema. */
export function generatedSchemas(): Record<string, string> {
  const out: Record<string, string> = {};
  const put = (name: string, schema: z.ZodType, io: "input" | "output") => {
    const json = z.toJSONSchema(schema, { io, unrepresentable: "any" });
    out[`${name}.schema.json`] =
      `${JSON.stringify({ $id: `xenpriv/${name}.schema.json`, ...json }, null, 2)}\n`;
  };
  put("catalogue", CatalogueSchema, "input");
  put("system", SystemFileSchema, "input");
  put("privcmd-profile", ProfileFileSchema, "input");
  put("privcmd-hypercalls", HypercallCatalogueSchema, "input");
  put("privcmd-filter-facts", XenServerFilterSchema, "input");
  put("privcmd-linux-facts", LinuxPrivcmdSchema, "input");
  put("privcmd-toolstack-calls", ToolstackCallsSchema, "input");
  put("privcmd-xenserver-overlay", XenServerOverlaySchema, "input");
  for (const [kind, schema] of Object.entries(OUTPUT_SCHEMAS)) put(`output-${kind}`, schema, "output");
  return out;
}
