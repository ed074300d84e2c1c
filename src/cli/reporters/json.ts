import type { Reporter } from "./reporter.js";

/** JSON with its schema's version and the output's kind (schemas/output-*.schema.json). */
export const json: Reporter = (out) => [
  JSON.stringify({ version: 1, kind: out.kind, ...(out.json as object) }, null, 2),
];
