// Writes docs/diagnostics.md from the list of diagnostic codes (`npm run diagnostic-docs`);
// src/report/diagnostics-doc.test.ts checks that it is current.
import { writeFileSync } from "node:fs";
import { diagnosticsDoc } from "../src/report/diagnostics-doc.js";

writeFileSync("docs/diagnostics.md", diagnosticsDoc());
