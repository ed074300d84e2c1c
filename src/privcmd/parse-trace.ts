import { z } from "zod";
import { type Diagnostic, error } from "../core/diagnostic.js";
import { InputError } from "../core/errors.js";
import { LIMITS } from "../core/limits.js";
import { didYouMean } from "../core/suggest.js";
import { valueTooDeep } from "../core/value-too-deep.js";
import type { HypercallCatalogue } from "./hypercall-catalogue.js";
import type { PrivcmdCall } from "./privcmd-call.js";

type CallLine = {
  fd?: number | undefined;
  ioctl: string;
  hypercall?: string | number | undefined;
  subop?: string | number | undefined;
  dom?: number | undefined;
  fields?: Record<string, number> | undefined;
  inner?: string | undefined;
  signed?: boolean | undefined;
  pci?: boolean | undefined;
  bufs?: number | undefined;
  bufSize?: number | undefined;
  entries?: CallLine[] | undefined;
};

const CallLineSchema: z.ZodType<CallLine> = z.lazy(() =>
  z.strictObject({
    /** calls on the same fd share its restriction */
    fd: z.number().int().optional(),
    ioctl: z.string(),
    hypercall: z.union([z.string(), z.number().int()]).optional(),
    subop: z.union([z.string(), z.number().int()]).optional(),
    dom: z.number().int().optional(),
    fields: z.record(z.string(), z.number()).optional(),
    inner: z.string().optional(),
    signed: z.boolean().optional(),
    pci: z.boolean().optional(),
    bufs: z.number().int().optional(),
    bufSize: z.number().int().optional(),
    entries: z.array(CallLineSchema).optional(),
  }),
);

/** One call of a trace, with the fd it was made on and where it was read. */
export interface TracedCall {
  readonly call: PrivcmdCall;
  readonly fd: number;
  readonly line: number;
}

/**
 * A hypercall and sub-op by name or number, as the catalogue names them; unknown ones are
 * reported with the closest names.
 */
export function resolveOp(
  catalogue: HypercallCatalogue,
  hypercall: string | number,
  subop: string | number | undefined,
  at: { file: string; line: number; column: number } | undefined,
): { hypercall: string; subop?: string; subopValue?: number } | Diagnostic {
  const hypercallNumber = asNumber(hypercall);
  const h = catalogue.hypercalls.find((x) => x.name === hypercall || x.number === hypercallNumber);
  if (!h)
    return error(
      "privcmd/unknown-hypercall",
      `unknown hypercall \`${hypercall}\``,
      at,
      didYouMean(
        String(hypercall),
        catalogue.hypercalls.map((x) => x.name),
      ),
    );
  if (subop === undefined) return { hypercall: h.name };
  const value = asNumber(subop);
  if (value !== undefined && !Number.isSafeInteger(value))
    return error(
      "privcmd/bad-number",
      `sub-op \`${subop}\` of ${h.name} is past 2^53`,
      at,
      "give the number the process passes, at most 9007199254740991",
    );
  // a number keeps its value: a filter may mask it (memory_op's cmd & 0x3f)
  const raw = value !== undefined ? { subopValue: value } : {};
  const s = h.subops.find((x) => x.name === subop || x.value === value);
  if (s) return { hypercall: h.name, subop: s.name, ...raw };
  // a raw number no header defines is still a call a process can make: the filter decides
  if (value !== undefined) return { hypercall: h.name, subop: String(value), ...raw };
  return error(
    "privcmd/unknown-subop",
    `unknown sub-op \`${subop}\` of ${h.name}`,
    at,
    didYouMean(
      String(subop),
      h.subops.map((x) => x.name),
    ) ?? (h.subops.length ? undefined : `${h.name} has no sub-ops`),
  );
}

/** The column of a key in a JSON line (its first occurrence), or 1. */
const columnOf = (raw: string, key: PropertyKey | undefined): number =>
  typeof key === "string" && raw.includes(`"${key}"`) ? raw.indexOf(`"${key}"`) + 1 : 1;

/** A hypercall or sub-op given as a number (`36`, `0x24`, or 36 in JSON). */
const asNumber = (v: string | number): number | undefined =>
  typeof v === "number" ? v : /^(\d+|0x[0-9a-f]+)$/i.test(v) ? Number(v) : undefined;

const isDiagnostic = (v: object): v is Diagnostic => "code" in v && "severity" in v;

/** A JSON Lines trace of privcmd calls; every bad line is reported with its line and column. */
export function parseTrace(text: string, file: string, catalogue: HypercallCatalogue): TracedCall[] {
  const problems: Diagnostic[] = [];
  const calls: TracedCall[] = [];
  const toCall = (
    c: CallLine,
    at: { file: string; line: number; column: number },
  ): PrivcmdCall | undefined => {
    let names: { hypercall?: string; subop?: string; subopValue?: number } = {};
    if (c.hypercall !== undefined) {
      const r = resolveOp(catalogue, c.hypercall, c.subop, at);
      if (isDiagnostic(r)) {
        problems.push(r);
        return undefined;
      }
      names = r;
    }
    const entries = c.entries?.map((e) => toCall(e, at));
    if (entries?.some((e) => !e)) return undefined;
    return {
      ioctl: c.ioctl,
      ...names,
      ...(c.dom !== undefined && { dom: c.dom }),
      ...(c.fields && { fields: c.fields }),
      ...(c.inner !== undefined && { inner: c.inner }),
      ...(c.signed !== undefined && { signed: c.signed }),
      ...(c.pci !== undefined && { pci: c.pci }),
      ...(c.bufs !== undefined && { bufs: c.bufs }),
      ...(c.bufSize !== undefined && { bufSize: c.bufSize }),
      ...(entries && { entries: entries as PrivcmdCall[] }),
    };
  };
  text.split("\n").forEach((raw, i) => {
    const line = i + 1;
    if (!raw.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (e) {
      const m = /position (\d+)/.exec((e as Error).message);
      problems.push(
        error("privcmd/trace-json", `not JSON: ${(e as Error).message}`, {
          file,
          line,
          column: m ? Number(m[1]) + 1 : 1,
        }),
      );
      return;
    }
    // `entries` nest calls: a line of 100,000 nested entries must not overflow the schema's recursion
    if (valueTooDeep(value)) {
      problems.push(
        error("privcmd/trace-too-deep", `nested more than ${LIMITS.nesting} deep`, { file, line, column: 1 }),
      );
      return;
    }
    const parsed = CallLineSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const key =
        issue && "keys" in issue ? issue.keys[0] : issue?.path.findLast((p) => typeof p === "string");
      problems.push(
        error(
          "privcmd/trace-invalid",
          `${issue?.path.map(String).join(".") || "(line)"}: ${issue?.message}`,
          { file, line, column: columnOf(raw, key) },
        ),
      );
      return;
    }
    const call = toCall(parsed.data, { file, line, column: columnOf(raw, "hypercall") });
    if (call) calls.push({ call, fd: parsed.data.fd ?? 0, line });
  });
  if (problems.length) throw new InputError(problems);
  return calls;
}
