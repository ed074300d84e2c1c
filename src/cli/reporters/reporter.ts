import type { Output } from "../output.js";

/** Renders any command's output in one format, as chunks of text written one after the other. */
export type Reporter = (out: Output) => Iterable<string>;
