import { error } from "../core/diagnostic.js";
import { fail } from "../core/errors.js";

/** What `GetVariable("SecureBoot")` gives: nothing, or the variable's attributes and bytes. */
export type SecureBootVariable =
  | { readonly found: false }
  | { readonly found: true; readonly attributes: number; readonly bytes: Uint8Array };

const BS_RT = 0x2 | 0x4; // EFI_VARIABLE_BOOTSERVICE_ACCESS | EFI_VARIABLE_RUNTIME_ACCESS

/**
 * `init_secure_boot_mode` (xen/common/efi/boot.c:952-973 at RELEASE-4.22.0): off when the variable is
 * missing, or is one byte 0 with exactly BS|RT; on for anything else ("play it safe"), including a
 * larger variable (EFI_BUFFER_TOO_SMALL for Xen's one-byte buffer). SetupMode and shim's MokSBState
 * are not looked at; a BIOS boot never sets it.
 */
export function efiSecureBoot(v: SecureBootVariable): { readonly on: boolean; readonly why: string } {
  if (!v.found) return { on: false, why: "no SecureBoot variable (EFI_NOT_FOUND)" };
  if (v.bytes.length > 1)
    return {
      on: true,
      why: `${v.bytes.length} bytes do not fit Xen's one-byte buffer: EFI_BUFFER_TOO_SMALL, so on`,
    };
  if (v.attributes !== BS_RT)
    return { on: true, why: `attributes 0x${v.attributes.toString(16)} are not exactly BS|RT (0x6), so on` };
  if (v.bytes.length === 1 && v.bytes[0] === 0) return { on: false, why: "SecureBoot is 0 with BS|RT" };
  return { on: true, why: `SecureBoot is ${v.bytes.length ? v.bytes[0] : "empty"}, so on` };
}

/** `absent`, or `ATTRIBUTES:BYTES` in hex (`6:01`), as `--secure-boot-variable` takes it. */
export function parseSecureBootVariable(text: string): SecureBootVariable {
  if (text === "absent") return { found: false };
  const m = /^(0x)?([0-9a-fA-F]+):((?:[0-9a-fA-F]{2})*)$/.exec(text);
  if (!m)
    return fail(
      error(
        "cmdline/secure-boot-variable",
        `\`${text}\` is not a SecureBoot variable`,
        undefined,
        "write `absent`, or the attributes and the bytes in hex: `6:01` (BS|RT, enabled), `6:00` (disabled)",
      ),
    );
  const hex = m[3] as string;
  return {
    found: true,
    attributes: Number.parseInt(m[2] as string, 16),
    bytes: Uint8Array.from(hex.match(/../g) ?? [], (b) => Number.parseInt(b, 16)),
  };
}
