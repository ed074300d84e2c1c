import { readInput } from "../core/read-input.js";
import { didYouMean } from "../core/suggest.js";
import { BUILTIN_PROFILES, type BuiltinProfileId, builtinProfile } from "./builtin-profiles.js";
import { parseProfile } from "./parse-profile.js";
import type { PrivcmdFacts } from "./privcmd-facts.js";
import type { Profile } from "./profile.js";

/** A built-in filter profile by name (none, restrict, xenserver, pointer-free), or a YAML profile file. */
export function privcmdProfile(name: string, facts: PrivcmdFacts): Profile {
  return (BUILTIN_PROFILES as readonly string[]).includes(name)
    ? builtinProfile(name as BuiltinProfileId, facts.filter, facts.classified)
    : parseProfile(
        readInput(name, {
          code: "privcmd/unreadable",
          what: "the profile",
          help:
            didYouMean(name, BUILTIN_PROFILES) ?? `the built-in profiles are ${BUILTIN_PROFILES.join(", ")}`,
        }).toString("utf8"),
        name,
        facts.hypercalls,
        facts.linux,
      );
}
