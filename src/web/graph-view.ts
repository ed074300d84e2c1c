import type { DomainGraph, GraphEdge, GraphNode } from "../report/domain-graph.js";
import { svg } from "./dom.js";

const BOX_W = 190;
const BOX_H = 30;
const GAP = 14;
const COL_X = [10, 330, 650];
const HEADINGS = ["control, hardware, xenstore", "device models", "other domains"];

/**
 * Who may act on whom, as an SVG: privileged domains on the left, device models in the middle,
 * the others on the right; an arrow for each pair, thicker for more operations, solid for a
 * device model and its guest. Each arrow and box has a title with its numbers.
 */
export function graphView(g: DomainGraph): SVGElement {
  const place = new Map<number, { x: number; y: number }>();
  const perColumn = [0, 0, 0];
  g.nodes.forEach((n, i) => {
    const k = perColumn[n.column] ?? 0;
    perColumn[n.column] = k + 1;
    place.set(i, { x: COL_X[n.column] as number, y: 28 + k * (BOX_H + GAP) });
  });
  const height = 28 + Math.max(1, ...perColumn) * (BOX_H + GAP);
  const root = svg("svg", {
    id: "graph",
    viewBox: `0 0 ${(COL_X[2] as number) + BOX_W + 10} ${height}`,
    width: (COL_X[2] as number) + BOX_W + 10,
    height,
    role: "img",
    "aria-label": `who may act on whom: ${g.nodes.length} nodes, ${g.edges.length} arrows`,
  });
  root.append(
    svg(
      "defs",
      {},
      svg(
        "marker",
        {
          id: "arrow",
          viewBox: "0 0 8 8",
          refX: 8,
          refY: 4,
          markerWidth: 7,
          markerHeight: 7,
          orient: "auto",
        },
        svg("path", { d: "M0,0 L8,4 L0,8 z", class: "arrowhead" }),
      ),
    ),
    ...HEADINGS.map((h, c) => svg("text", { x: COL_X[c] as number, y: 14, class: "heading" }, h)),
    ...g.edges.map((e) => edge(g, e, place)),
    ...g.nodes.map((n, i) => node(n, place.get(i) as { x: number; y: number })),
  );
  return root;
}

function edge(g: DomainGraph, e: GraphEdge, place: Map<number, { x: number; y: number }>): SVGElement {
  const a = place.get(e.from) as { x: number; y: number };
  const b = place.get(e.to) as { x: number; y: number };
  const ay = a.y + BOX_H / 2;
  const by = b.y + BOX_H / 2;
  let d: string;
  if (a.x === b.x) {
    // within a column: a loop out to the right
    const x = a.x + BOX_W;
    const bulge = 30 + Math.min(60, Math.abs(by - ay) / 4);
    d = `M${x},${ay} C${x + bulge},${ay} ${x + bulge},${by} ${x},${by}`;
  } else {
    const forward = b.x > a.x;
    const x1 = forward ? a.x + BOX_W : a.x;
    const x2 = forward ? b.x : b.x + BOX_W;
    const mid = (x1 + x2) / 2;
    d = `M${x1},${ay} C${mid},${ay} ${mid},${by} ${x2},${by}`;
  }
  const from = (g.nodes[e.from] as GraphNode).label;
  const to = (g.nodes[e.to] as GraphNode).label;
  return svg(
    "path",
    {
      d,
      class: e.dm ? "edge dm" : "edge",
      "stroke-width": (1 + Math.log2(1 + e.ops) / 2).toFixed(1),
      "marker-end": "url(#arrow)",
    },
    svg(
      "title",
      {},
      `${from} → ${to}: ${e.ops} of ${g.privilegedOps} operations beyond XSM_HOOK${e.dm ? "; device model of its guest" : ""}`,
    ),
  );
}

function node(n: GraphNode, p: { x: number; y: number }): SVGElement {
  const roles = n.roles.length ? n.roles.join(", ") : n.count > 1 ? n.domains.join(", ") : "no role";
  return svg(
    "g",
    { class: `node col${n.column}` },
    svg("rect", { x: p.x, y: p.y, width: BOX_W, height: BOX_H, rx: 5 }),
    svg("text", { x: p.x + 8, y: p.y + 13 }, n.label),
    svg("text", { x: p.x + 8, y: p.y + 25, class: "roles" }, roles),
    svg("title", {}, `${n.label}${n.count > 1 ? `: ${n.domains.join(", ")}…` : ""}; ${roles}`),
  );
}
