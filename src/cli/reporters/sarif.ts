import { unsupportedFormat } from "../formats.js";
import type { Reporter } from "./reporter.js";

/** SARIF 2.1.0 for code scanning, of a command's findings (lint's: report/render-sarif.ts). */
export const sarif: Reporter = (out) => [
  out.sarif ? JSON.stringify(out.sarif(), null, 2) : unsupportedFormat(out.kind, "sarif"),
];
