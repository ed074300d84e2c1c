import type { PolicyChoice } from "../query/load-models.js";

/**
 * The `--vs` policy of diff and report: its name, which takes `--flask-boolean` as the other side does,
 * or with `--vs-flask-boolean` the booleans of both options, the latter's over the former's.
 */
export function vsChoice(o: {
  readonly vs: string;
  readonly flaskBooleans?: Readonly<Record<string, boolean>>;
  readonly vsFlaskBooleans?: Readonly<Record<string, boolean>>;
}): string | PolicyChoice {
  return o.vsFlaskBooleans
    ? { name: o.vs, flaskBooleans: { ...o.flaskBooleans, ...o.vsFlaskBooleans } }
    : o.vs;
}
