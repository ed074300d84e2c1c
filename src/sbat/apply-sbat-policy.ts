import { InputError } from "../core/errors.js";
import { checkSbat } from "./check-sbat.js";
import type { SbatSection } from "./parse-sbat.js";
import { parseSbatLevel, SBAT_VAR_ORIGINAL } from "./sbat-level.js";

/** The SbatLevel variable as found: its value and its attributes (EFI_VARIABLE_* bits). */
export interface SbatVariable {
  readonly text: string;
  readonly attributes: number;
}

export interface ApplySbatPolicyInput {
  /** the SbatPolicy variable's value (1 latest, 2 automatic, 3 reset, else invalid); absent: not set */
  readonly policy?: number;
  readonly secureBoot: boolean;
  /** SbatLevel before, when it can be read */
  readonly current?: SbatVariable;
  /** the shim's payloads */
  readonly automatic: string;
  readonly latest: string;
  /** the running shim's own `.sbat`, for its check that a new level does not revoke it */
  readonly shimSbat?: SbatSection;
}

export interface ApplySbatPolicyResult {
  /** the payload shim chose */
  readonly candidate: "automatic" | "latest" | "original";
  /** `written`: SbatLevel now holds the candidate; `kept`: the current value stays */
  readonly action: "written" | "kept";
  /** SbatLevel afterwards */
  readonly level: string;
  /** what shim prints or logs on the way */
  readonly messages: readonly string[];
}

/** EFI_VARIABLE_NON_VOLATILE | BOOTSERVICE_ACCESS, and with TIME_BASED_AUTHENTICATED_WRITE_ACCESS. */
const NV_BS = 0x3;
const NV_BS_TIMEAUTH = 0x23;

/**
 * What shim does to SbatLevel at boot (`set_sbat_uefi_variable`, sbat.c:468-615 at rhboot/shim 72fd4b70):
 * the policy picks a payload (none set: automatic with Secure Boot, the original level without; reset is
 * refused under Secure Boot, which gets automatic); a variable that cannot be read is written; a reset
 * always writes; otherwise the current value is kept when `preserve_sbat_uefi_variable` says it is not
 * older (its version field longer or greater, or its datestamp not before the candidate's), so the
 * level never goes down while Secure Boot is on; a candidate that does not parse, or that would revoke
 * the running shim, is not applied.
 */
export function applySbatPolicy(input: ApplySbatPolicyInput): ApplySbatPolicyResult {
  const messages: string[] = [];
  let candidate: ApplySbatPolicyResult["candidate"];
  let reset = false;
  const fallback = () => {
    if (input.secureBoot) candidate = "automatic";
    else {
      reset = true;
      candidate = "original";
    }
  };
  if (input.policy === undefined) fallback();
  else if (input.policy === 1) candidate = "latest";
  else if (input.policy === 2) candidate = "automatic";
  else if (input.policy === 3) {
    if (input.secureBoot) messages.push("Cannot reset SBAT policy: Secure Boot is enabled.");
    fallback();
  } else {
    messages.push(`SBAT policy state ${input.policy} is invalid`);
    fallback();
  }
  candidate ??= "automatic";
  const text =
    candidate === "latest" ? input.latest : candidate === "automatic" ? input.automatic : SBAT_VAR_ORIGINAL;
  const written = (): ApplySbatPolicyResult => ({ candidate, action: "written", level: text, messages });
  if (!input.current) return written();
  const current = input.current;
  const kept = (): ApplySbatPolicyResult => ({ candidate, action: "kept", level: current.text, messages });
  if (!reset && preserve(current, text)) return kept();
  let level: ReturnType<typeof parseSbatLevel>;
  try {
    level = parseSbatLevel(text, candidate);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    messages.push("proposed SbatLevel failed to parse");
    return kept();
  }
  if (input.shimSbat) {
    const self = checkSbat({ file: "shim", sbat: input.shimSbat }, level);
    if (self.verdict !== "pass") {
      messages.push("New SbatLevel would self-revoke current shim. Not applied");
      return kept();
    }
  }
  return written();
}

/** `preserve_sbat_uefi_variable` (sbat.c:378-413): keep the current value rather than the candidate? */
function preserve(current: SbatVariable, candidate: string): boolean {
  const cur = current.text;
  if (
    (current.attributes !== NV_BS && current.attributes !== NV_BS_TIMEAUTH) ||
    cur.length < SBAT_VAR_ORIGINAL.length ||
    !cur.startsWith("sbat,")
  )
    return false;
  const curVersion = nthField(cur, 1);
  const newVersion = nthField(candidate, 1);
  const curDate = nthField(cur, 2);
  const newDate = nthField(candidate, 2);
  const curLen = curDate - curVersion - 1;
  const newLen = newDate - newVersion - 1;
  if (
    curLen > newLen ||
    (curLen === newLen && strncmp(cur.slice(curVersion), candidate.slice(newVersion), newLen) > 0)
  )
    return true;
  return strncmp(cur.slice(curDate), candidate.slice(newDate), 10) >= 0;
}

/** `nth_sbat_field`: where the n-th comma-separated field starts, counting commas across lines. */
function nthField(s: string, n: number): number {
  let i = 0;
  for (; i < s.length; i++) {
    if (n === 0) return i;
    if (s[i] === ",") n--;
  }
  return i;
}

/** C's strncmp over strings that end at their length (a NUL). */
function strncmp(a: string, b: string, n: number): number {
  for (let i = 0; i < n; i++) {
    const x = i < a.length ? a.charCodeAt(i) : 0;
    const y = i < b.length ? b.charCodeAt(i) : 0;
    if (x !== y) return x - y;
    if (x === 0) return 0;
  }
  return 0;
}
