// Writes schemas/*.schema.json from the code's zod schemas (`npm run schemas`); a test checks they are current.
import { writeFileSync } from "node:fs";
import { generatedSchemas } from "../src/report/json-schema-files.js";

for (const [file, text] of Object.entries(generatedSchemas())) writeFileSync(`schemas/${file}`, text);
