/** A cell of the report and how it is explained: what a permalink holds. */
export interface CellAddress {
  readonly domain: string;
  readonly op: string;
  /** the target explained: a domain's name, `""` for none; absent for the page's own choice */
  readonly target?: string;
  /** the diff view: both policies explained */
  readonly diff?: boolean;
}

/** `encodeURIComponent`, with `/` (every operation id has one) left readable. */
const enc = (s: string) => encodeURIComponent(s).replaceAll("%2F", "/");

/** The URL fragment that opens the report on a cell: `#domain=hwdom&op=dm_op&target=guest`. */
export function cellFragment(a: CellAddress): string {
  const parts = [`domain=${enc(a.domain)}`, `op=${enc(a.op)}`];
  if (a.target !== undefined) parts.push(`target=${enc(a.target)}`);
  if (a.diff) parts.push("diff=1");
  return `#${parts.join("&")}`;
}

/** The cell a fragment names, or undefined when it names none (an empty or foreign fragment). */
export function parseCellFragment(hash: string): CellAddress | undefined {
  const p = new URLSearchParams(hash.replace(/^#/, ""));
  const domain = p.get("domain");
  const op = p.get("op");
  if (!domain || !op) return undefined;
  const target = p.get("target");
  return { domain, op, ...(target !== null && { target }), ...(p.get("diff") === "1" && { diff: true }) };
}
