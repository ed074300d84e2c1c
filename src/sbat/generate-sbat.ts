import { error } from "../core/diagnostic.js";
import { fail } from "../core/errors.js";
import { parseSbat, SBAT_HEADER, type SbatRecord } from "./parse-sbat.js";

export interface GenerateSbatOptions {
  /** the vendor suffix: the component is `xen.<vendor>` */
  readonly vendor: string;
  readonly generation: number;
  /** the vendor_version field; default `@@VERSION@@`, which Xen's build would fill in */
  readonly xenVersion?: string;
  /** the vendor_name field; default the vendor suffix */
  readonly vendorName?: string;
  /** the vendor_url field (a URL or `mailto:`); default https://xenproject.org/ */
  readonly url?: string;
}

export interface GeneratedSbat {
  readonly component: string;
  readonly text: string;
  readonly records: readonly SbatRecord[];
}

/**
 * A `.sbat` section for a downstream Xen: the `sbat,1` header and one `xen.<vendor>` line. Upstream Xen
 * keeps no generation of its own (the 2025 summit: XSAs say whether downstreams bump), so there is no
 * `xen,N` line. The vendor suffix is lowercase letters, digits, `-` and `_`, as in `grub.debian` and
 * `xen.xs`; the generation is 1 to 65535 (shim compares 16 bits); no field may be empty, hold a comma or
 * a line break, or start or end with a blank, since shim neither quotes nor trims.
 */
export function generateSbat(o: GenerateSbatOptions): GeneratedSbat {
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(o.vendor)) {
    const lower = o.vendor
      .toLowerCase()
      .replace(/[^a-z0-9_-]+/g, "-")
      .replace(/^-+|-+$/g, "");
    fail(
      error(
        "sbat/bad-vendor",
        `vendor \`${o.vendor}\` cannot be a component suffix: use lowercase letters, digits, \`-\` and \`_\``,
        undefined,
        `components are written as \`grub.debian\`, \`shim.fedora\`, \`xen.xs\` (SBAT.md)${lower ? `: try \`${lower}\`` : ""}`,
      ),
    );
  }
  if (!Number.isInteger(o.generation) || o.generation < 1 || o.generation > 0xffff) {
    fail(
      error(
        "sbat/bad-generation",
        `generation \`${o.generation}\` is not a whole number from 1 to 65535`,
        undefined,
        "shim keeps generations in 16 bits (sbat.c:136), and a generation starts at 1 and only goes up",
      ),
    );
  }
  const component = `xen.${o.vendor}`;
  const fields = [
    ["vendor_name", o.vendorName ?? o.vendor],
    ["vendor_version", o.xenVersion ?? "@@VERSION@@"],
    ["vendor_url", o.url ?? "https://xenproject.org/"],
  ] as const;
  for (const [name, value] of fields) {
    if (value === "" || /[,\r\n\0]/.test(value) || value !== value.trim()) {
      fail(
        error(
          "sbat/bad-field",
          `${name} \`${value}\` cannot go in an SBAT field: it is empty, holds a comma or a line break, or starts or ends with a blank`,
          undefined,
          "shim splits records at every comma and line break and keeps blanks (csv.c)",
        ),
      );
    }
  }
  const [vendorName, version, url] = fields.map(([, v]) => v);
  const text = `${SBAT_HEADER}\n${component},${o.generation},${vendorName},xen,${version},${url}\n`;
  return { component, text, records: parseSbat(text, "generated.sbat").records };
}
