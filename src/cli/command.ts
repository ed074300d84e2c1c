import type { Format } from "./formats.js";
import type { Output } from "./output.js";

/** Exit codes: documented in the README. */
export const EXIT = { ok: 0, denied: 1, input: 2, internal: 3 } as const;

/** What a command's action hands back: its output, written in `format` by main's reporter. */
export type Emit = (out: Output, format: Format) => void;

// The library is imported when a command runs: a cold `sbat check` then loads the PE reader and
// shim's rules, not the catalogue, the models and the schemas of every other command.
export const models = () => import("../query/load-models.js");
