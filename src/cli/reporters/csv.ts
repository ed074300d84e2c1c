import { renderCsv } from "../../report/tabular.js";
import type { Reporter } from "./reporter.js";

/** RFC 4180 CSV of the command's table (its text when it has none). */
export const csv: Reporter = (out) => [out.table ? renderCsv(out.table) : (out.text ?? "")];
