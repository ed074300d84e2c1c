import { formatSpan } from "../../core/span.js";
import { type PeImage, readPeFile } from "../../pe/read-pe.js";
import { renderDiagnostics } from "../../report/render-diagnostics.js";
import { renderMarkdown, renderText, type Tabular } from "../../report/tabular.js";
import { generateSbat } from "../../sbat/generate-sbat.js";
import { imageSbat } from "../../sbat/image-sbat.js";
import type { SbatCheckOptions, SbatImageCheck } from "../../sbat/sbat-image-check.js";
import type { SbatLevel } from "../../sbat/sbat-level.js";
import { loadSbatLevels } from "../../sbat/sbat-levels.js";
import { type ShimPayloads, shimPayloads } from "../../sbat/shim-payloads.js";
import type { Output } from "../output.js";
import { writeWhole } from "../write-whole.js";

const hex = (n: number | bigint) => `0x${n.toString(16)}`;
const MACHINES: Record<number, string> = {
  332: "i386",
  34404: "x86-64",
  43620: "arm64",
  450: "arm (thumb)",
  452: "arm",
  20580: "riscv64",
  25188: "loongarch64",
};
const machineName = (m: number) => MACHINES[m] ?? hex(m);

/** The diagnostics as `{ code, message, at }` for JSON. */
const diagnosticsJson = (
  ds: readonly { code: string; message: string; span?: Parameters<typeof formatSpan>[0] }[],
) => ds.map((d) => ({ code: d.code, message: d.message, ...(d.span && { at: formatSpan(d.span) }) }));

function sectionsJson(image: PeImage) {
  return image.sections.map((s) => ({
    index: s.index,
    name: s.name,
    rawName: s.rawName,
    size: s.size,
    vma: hex(s.vma),
    fileOffset: s.fileOffset,
    virtualSize: s.virtualSize,
    sizeOfRawData: s.sizeOfRawData,
    characteristics: hex(s.characteristics),
  }));
}

function payloadsJson(p: ShimPayloads | undefined) {
  if (!p) return undefined;
  const one = (l: SbatLevel) => ({ datestamp: l.datestamp ?? null, text: l.text });
  return { section: p.section, automatic: one(p.automatic), latest: one(p.latest) };
}

const recordRow = (r: { line: number; component: string; generationText: string; generation: number }) => [
  String(r.line),
  r.component,
  r.generationText === String(r.generation)
    ? r.generationText
    : `${JSON.stringify(r.generationText)} = ${r.generation}`,
];

/** `xenpriv sbat show <efi>`: the image's headers and sections, and its SBAT data as shim reads it. */
export function sbatShowCommand(file: string): Output {
  const image = readPeFile(file);
  // `.sbat` text shim cannot parse is part of what the image is, not bad input: shown with its errors
  const sbat = imageSbat(image);
  const payloads = shimPayloads(image);
  const records = sbat.sbat?.records ?? [];
  const warnings = sbat.sbat?.warnings ?? [];
  const cert = image.certificateTable;
  const signed = cert
    ? `signed (${cert.certificates.length} certificate${cert.certificates.length === 1 ? "" : "s"}, ${cert.size} bytes at ${hex(cert.offset)})`
    : "not signed";
  const sections: Tabular = {
    columns: ["idx", "name", "size", "vma", "file off", "raw size"],
    rows: image.sections.map((s) => [
      String(s.index),
      s.name === s.rawName ? s.name : `${s.name} (${s.rawName})`,
      hex(s.size),
      hex(s.vma),
      hex(s.fileOffset),
      hex(s.sizeOfRawData),
    ]),
  };
  const table: Tabular = {
    columns: ["line", "component", "generation", "vendor", "package", "version", "url"],
    rows: records.map((r) => [
      ...recordRow(r),
      r.vendorName,
      r.vendorPackageName,
      r.vendorVersion,
      r.vendorUrl,
    ]),
  };
  const invalid = sbat.invalid ?? [];
  const state = sbat.refused ? "refused" : sbat.invalid ? "invalid" : sbat.sbat ? "present" : "missing";
  const sbatLine =
    state === "present"
      ? `.sbat: ${records.length} record${records.length === 1 ? "" : "s"}`
      : state === "invalid"
        ? ".sbat: shim cannot parse it and rejects the image under any SbatLevel that is not empty"
        : `.sbat: ${sbat.refused ?? sbat.missing}`;
  const payloadLines = payloads
    ? [
        `${payloads.section}: automatic ${payloads.automatic.datestamp ?? "(no datestamp)"}, latest ${payloads.latest.datestamp ?? "(no datestamp)"}`,
      ]
    : [];
  const head = [
    `${file}: ${image.optional.format} ${machineName(image.coff.machine)}, ${signed}, ${image.sections.length} sections`,
    renderText(sections),
    sbatLine,
    ...payloadLines,
  ].join("\n");
  const shown = [...invalid, ...warnings];
  const notes = shown.length ? `\n\n${renderDiagnostics(shown)}` : "";
  return {
    kind: "sbat-show",
    json: {
      file,
      format: image.optional.format,
      machine: machineName(image.coff.machine),
      imageBase: hex(image.optional.imageBase),
      signed: Boolean(cert),
      ...(cert && {
        certificates: cert.certificates.map((c) => ({
          offset: c.offset,
          length: c.length,
          revision: hex(c.revision),
          type: c.type,
        })),
      }),
      sections: sectionsJson(image),
      sbat: {
        state,
        ...(sbat.section && { section: sbat.section.index }),
        ...((sbat.refused ?? sbat.missing) && { reason: sbat.refused ?? sbat.missing }),
        records: records.map((r) => ({
          line: r.line,
          component: r.component,
          generation: r.generation,
          generationText: r.generationText,
          vendorName: r.vendorName,
          vendorPackageName: r.vendorPackageName,
          vendorVersion: r.vendorVersion,
          vendorUrl: r.vendorUrl,
        })),
        ...(sbat.invalid && { invalid: diagnosticsJson(sbat.invalid) }),
        warnings: diagnosticsJson(warnings),
      },
      ...(payloads && { payloads: payloadsJson(payloads) }),
    },
    text: `${head}${records.length ? `\n\n${renderText(table)}` : ""}${notes}`,
    markdown: [
      `**${file}**: ${image.optional.format} ${machineName(image.coff.machine)}, ${signed}`,
      renderMarkdown(sections),
      sbatLine,
      ...payloadLines,
      ...(records.length ? [renderMarkdown(table)] : []),
      ...(shown.length ? [`\`\`\`\n${renderDiagnostics(shown)}\n\`\`\``] : []),
    ].join("\n\n"),
  };
}

/** `xenpriv sbat check <efi> --level …`: does shim let the image through; if not, which lines must move. */
export function sbatCheckOutput(r: SbatImageCheck, o: SbatCheckOptions): Output {
  const { file, sbat, resolved, level, check, bump } = r;
  const reqs = r.requirements;
  const table: Tabular = {
    columns: ["line", "component", "generation", "level entry", "result"],
    rows: check.records.map((r) => [
      ...recordRow(r),
      r.entry
        ? `${r.entry.component},${r.entry.generation}${r.entry.line ? ` (line ${r.entry.line})` : ""}`
        : "-",
      r.result,
    ]),
  };
  const levelName = `SbatLevel ${level.datestamp ?? "(no datestamp)"}`;
  const verdict = { pass: "PASS", revoked: "REVOKED", refused: "REFUSED" }[check.verdict];
  const lines = [
    `${verdict}  ${file} under ${levelName}${reqs.length ? ` and ${reqs.map((r) => `${r.component}>=${r.generation}`).join(", ")}` : ""}`,
    `level: ${resolved.how}`,
    check.reason,
    ...resolved.notes.map((n) => `note: ${n}`),
    ...(resolved.advisories.length ? [`advisories: ${resolved.advisories.join(", ")}`] : []),
  ];
  const bumpLines = bump
    ? [
        ...bump.moves.map((m) => `line ${m.line}: \`${m.text}\` -> \`${m.newText}\``),
        // a level names many components; only an advisory's are worth saying the image lacks
        ...(reqs.length ? bump.absent : []).map(
          (c) => `${c}: the image has no \`${c}\` line, so the requirement does not apply to it`,
        ),
        ...bump.notes.map((n) => `note: ${n}`),
      ]
    : [];
  const warnings = sbat.sbat?.warnings ?? [];
  // the records that break shim's rules come first: the first of them is why the image is refused
  const notes = [...(check.invalid ?? []), ...warnings];
  const text = [
    lines.join("\n"),
    ...(table.rows.length ? [renderText(table)] : []),
    ...(bumpLines.length ? [`to pass:\n${bumpLines.map((l) => `  ${l}`).join("\n")}`] : []),
    ...(notes.length ? [renderDiagnostics(notes)] : []),
  ].join("\n\n");
  return {
    kind: "sbat-check",
    json: {
      file,
      level: {
        spec: o.level,
        how: resolved.how,
        source: level.source,
        datestamp: level.datestamp ?? null,
        text: level.text,
        entries: level.entries.map((e) => ({
          component: e.component,
          generation: e.generation,
          line: e.line,
        })),
        advisories: resolved.advisories,
        notes: resolved.notes,
      },
      viaProtocol: Boolean(o.viaProtocol),
      verdict: check.verdict,
      reason: check.reason,
      records: check.records,
      ...(check.revokedBy && { revokedBy: check.revokedBy }),
      ...(bump && { recommendation: bump }),
      ...(check.invalid && { invalid: diagnosticsJson(check.invalid) }),
      warnings: diagnosticsJson(warnings),
    },
    text,
    markdown: [
      `**${verdict}** \`${file}\` under ${levelName}: ${resolved.how}`,
      check.reason,
      ...(table.rows.length ? [renderMarkdown(table)] : []),
      ...(bumpLines.length ? [`To pass:\n\n${bumpLines.map((l) => `- ${l}`).join("\n")}`] : []),
      ...(notes.length ? [`\`\`\`\n${renderDiagnostics(notes)}\n\`\`\``] : []),
    ].join("\n\n"),
    exitCode: check.verdict === "pass" ? 0 : 1,
  };
}

export interface SbatGenerateOptions {
  readonly vendor: string;
  readonly generation: string;
  readonly xenVersion?: string;
  readonly vendorName?: string;
  readonly url?: string;
  readonly output?: string;
}

/** `xenpriv sbat generate`: the `.sbat` text for a downstream Xen; `-o` writes it whole. */
export function sbatGenerateCommand(o: SbatGenerateOptions): Output {
  const generation = /^\d+$/.test(o.generation) ? Number(o.generation) : Number.NaN;
  const g = generateSbat({
    vendor: o.vendor,
    generation,
    ...(o.xenVersion !== undefined && { xenVersion: o.xenVersion }),
    ...(o.vendorName !== undefined && { vendorName: o.vendorName }),
    ...(o.url !== undefined && { url: o.url }),
  });
  if (o.output) writeWhole(o.output, g.text);
  const note = o.output
    ? `wrote ${o.output}`
    : "link it as the image's .sbat section (objcopy --set-section-alignment .sbat=512 --add-section .sbat=FILE)";
  return {
    kind: "sbat-generate",
    json: {
      component: g.component,
      generation,
      text: g.text,
      records: g.records.map((r) => ({ line: r.line, component: r.component, generation: r.generation })),
      ...(o.output && { output: o.output }),
    },
    // the text alone, so that `> sbat.csv` gives the section
    text: o.output ? note : g.text.trimEnd(),
    markdown: `\`\`\`csv\n${g.text}\`\`\`\n\n${note}`,
  };
}

/** `xenpriv sbat levels`: the bundled SbatLevel history. */
export function sbatLevelsCommand(): Output {
  const h = loadSbatLevels();
  const levels = h.levels.map((l) => ({
    datestamp: l.datestamp,
    line: l.line,
    added: l.added,
    entries: l.payload
      .trim()
      .split("\n")
      .slice(1)
      .map((e) => e.trim()),
    advisories: l.advisories,
    // the first level of a datestamp is the one a build takes
    ...(l === h.levels.find((x) => x.datestamp === h.automatic.datestamp) && { automatic: true }),
    ...(l === h.levels.find((x) => x.datestamp === h.latest.datestamp) && { latest: true }),
  }));
  const table: Tabular = {
    columns: ["datestamp", "line", "revocations", "advisories", "policy"],
    rows: levels.map((l) => [
      l.datestamp,
      String(l.line),
      l.entries.join(" ") || "-",
      l.advisories.join(" ") || "-",
      [l.automatic && "automatic", l.latest && "latest"].filter(Boolean).join(", ") || "-",
    ]),
  };
  return {
    kind: "sbat-levels",
    json: {
      source: h.source,
      commit: h.commit,
      file: h.file,
      automatic: h.automatic,
      latest: h.latest,
      levels,
    },
    table,
    text: `${h.file} at ${h.source} ${h.commit.slice(0, 12)}: ${levels.length} levels; upstream builds default to automatic ${h.automatic.datestamp}, latest ${h.latest.datestamp}`,
  };
}
