/**
 * `atoi` as shim builds it: `AsciiStrDecimalToUintn` (Cryptlib/Include/CrtLibSupport.h:255 maps `atoi` to
 * it; Cryptlib/SysCall/BaseStrings.c:69-95 at rhboot/shim 72fd4b70). Spaces and tabs are skipped, then
 * zeros, then decimal digits are read up to the first other character; there is no sign, and a value
 * past 64 bits wraps (UINTN on a 64-bit build). Garbage reads as 0.
 */
export function asciiStrDecimalToUintn(text: string): bigint {
  let i = 0;
  while (text[i] === " " || text[i] === "\t") i++;
  let value = 0n;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) break;
    value = (value * 10n + BigInt(c - 48)) & 0xffffffffffffffffn;
  }
  return value;
}

/**
 * The generation shim compares: `atoi` of the field stored in a UINT16 (sbat.c:136-148,
 * `verify_single_entry`), so 65536 compares as 0 and 65537 as 1.
 */
export function shimGeneration(text: string): number {
  return Number(asciiStrDecimalToUintn(text) & 0xffffn);
}
