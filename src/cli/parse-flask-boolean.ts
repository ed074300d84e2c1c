import { error } from "../core/diagnostic.js";
import { fail } from "../core/errors.js";

/** The states a boolean takes on the command line, as `setsebool` reads them. */
const STATES: Readonly<Record<string, boolean>> = {
  true: true,
  false: false,
  on: true,
  off: false,
  1: true,
  0: false,
};

/**
 * One `--flask-boolean` value (`name=true`, or several comma-separated) added to the booleans set before
 * it (`previous`, as commander hands them). A value that is not `name=state`, or that sets a boolean it
 * set already to the other state, is bad input. Whether the policy has the boolean is the policy's to say.
 */
export function parseFlaskBoolean(
  option: string,
  value: string,
  previous: Readonly<Record<string, boolean>> = {},
): Record<string, boolean> {
  const out: Record<string, boolean> = { ...previous };
  // empty items (`a=1,`) are skipped, as the other comma-separated options skip them
  for (const item of value.split(",").filter((x) => x.trim())) {
    const m = /^([A-Za-z_][\w.-]*)=(.*)$/.exec(item.trim());
    const state = m ? STATES[(m[2] as string).toLowerCase()] : undefined;
    if (!m || state === undefined)
      fail(
        error(
          "cli/bad-flask-boolean",
          `\`${option} ${value}\`: \`${item}\` is not \`name=true\` or \`name=false\``,
          undefined,
          `for example \`${option} guest_writeconsole=false\` (a state is true or false, 1 or 0, on or off); \`xenpriv flask show <policy>\` lists a policy's booleans`,
        ),
      );
    const name = m[1] as string;
    if (Object.hasOwn(out, name) && out[name] !== state)
      fail(
        error(
          "cli/bad-flask-boolean",
          `\`${option}\` sets \`${name}\` to both true and false`,
          undefined,
          "give each boolean once",
        ),
      );
    out[name] = state;
  }
  return out;
}
