import type { Format } from "../formats.js";
import { csv } from "./csv.js";
import { dot } from "./dot.js";
import { html } from "./html.js";
import { json } from "./json.js";
import { md } from "./md.js";
import type { Reporter } from "./reporter.js";
import { sarif } from "./sarif.js";
import { table } from "./table.js";

/** The reporter of each output format: one module per format renders any command's output. */
export const REPORTERS: Readonly<Record<Format, Reporter>> = { table, json, md, csv, html, dot, sarif };
