/** A graph of who may act on whom (or which type may reach which), for Graphviz. */
export interface Graph {
  readonly name: string;
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
}

export interface GraphNode {
  readonly id: string;
  readonly label?: string;
  /** domains are ellipses; operations and other things boxes */
  readonly shape?: "ellipse" | "box";
}

export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  readonly label?: string;
  /** dashed: allowed only under a condition (a run-time value, a boolean) */
  readonly dashed?: boolean;
}

/** A DOT identifier: always quoted, `"` and `\` escaped, line breaks as `\n` (Graphviz's own). */
const id = (s: string) => `"${s.replace(/[\\"]/g, "\\$&").replace(/\r?\n/g, "\\n")}"`;

/** The graph in Graphviz's DOT language: `xenpriv who-can … -f dot | dot -Tsvg`. */
export function renderDot(g: Graph): string {
  const lines = [`digraph ${id(g.name)} {`, "  rankdir=LR;", "  node [fontname=Helvetica];"];
  for (const n of g.nodes)
    lines.push(
      `  ${id(n.id)} [shape=${n.shape ?? "ellipse"}${n.label === undefined ? "" : `, label=${id(n.label)}`}];`,
    );
  for (const e of g.edges) {
    const attrs = [
      e.label === undefined ? "" : `label=${id(e.label)}`,
      e.dashed ? "style=dashed" : "",
    ].filter(Boolean);
    lines.push(`  ${id(e.from)} -> ${id(e.to)}${attrs.length ? ` [${attrs.join(", ")}]` : ""};`);
  }
  lines.push("}");
  return lines.join("\n");
}
