import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { renderDot } from "../src/report/render-dot.js";
import { renderHtmlPage } from "../src/report/render-html-page.js";
import { ensureBuilt, run } from "./support/cli.js";

ensureBuilt();

/** Graphviz's own reading of a DOT text: its nodes and edges (`dot -Tplain`), names unquoted. */
function graphviz(text: string): { nodes: string[]; edges: string[] } {
  const r = spawnSync("dot", ["-Tplain"], { input: text, encoding: "utf8" });
  assert.equal(r.status, 0, `dot refused the graph: ${r.stderr}`);
  const name = /^(?:"((?:[^"\\]|\\.)*)"|(\S+))/;
  const word = (s: string): [string, string] => {
    const m = name.exec(s) as RegExpExecArray;
    return [
      (m[1] ?? m[2] ?? "").replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c)),
      s.slice(m[0].length).trimStart(),
    ];
  };
  const nodes: string[] = [];
  const edges: string[] = [];
  for (const line of r.stdout.split("\n")) {
    if (line.startsWith("node ")) nodes.push(word(line.slice(5))[0]);
    if (line.startsWith("edge ")) {
      const [from, rest] = word(line.slice(5));
      edges.push(`${from} -> ${word(rest)[0]}`);
    }
  }
  return { nodes: nodes.sort(), edges: edges.sort() };
}

test("-f dot: who-can, what-can and check draw what their JSON says, and Graphviz reads it", () => {
  const whoOn = run("who-can", "domctl/pausedomain", "--on", "guest", "-f", "dot");
  assert.equal(whoOn.code, 0, whoOn.err);
  const g = graphviz(whoOn.out);
  assert.deepEqual(g.nodes, ["ctl", "guest", "hwdom", "xs"]);
  const allowed = JSON.parse(run("who-can", "domctl/pausedomain", "--on", "guest", "-f", "json").out) as {
    decisions: { src: string; decision: string }[];
  };
  assert.deepEqual(
    g.edges,
    allowed.decisions.filter((d) => d.decision === "allow").map((d) => `${d.src} -> guest`),
  );
  const what = run("what-can", "xs", "-f", "dot");
  const cells = JSON.parse(run("what-can", "xs", "-f", "json").out) as { cells: { op: string }[] };
  const table = run("what-can", "xs").out;
  const mayOps = cells.cells
    .map((c) => c.op)
    .filter((op) => new RegExp(`^${op}\\s+(?!-\\s*$)\\S`, "m").test(table));
  assert.deepEqual(graphviz(what.out).edges, mayOps.map((op) => `xs -> ${op}`).sort());
  const check = run("check", "guest", "domctl/pausedomain", "ctl", "-f", "dot");
  assert.equal(check.code, 1, "a denial is exit 1 in every format");
  assert.deepEqual(graphviz(check.out).edges, ["guest -> ctl"]);
  assert.match(check.out, /label="domctl\/pausedomain: deny \(-EPERM\)"/);
});

test("-f dot is offered only where there is a graph; -f html wherever there is a table or text", () => {
  const m = run("matrix", "-f", "dot");
  assert.equal(m.code, 2);
  assert.match(m.err, /argument 'dot' is invalid/);
  const page = run("who-can", "domctl/pausedomain", "-f", "html");
  assert.equal(page.code, 0, page.err);
  assert.match(page.out, /^<!doctype html>/);
  assert.equal((page.out.match(/<tr>/g) ?? []).length, 1 + 4, "a header row and one row per domain");
  const policies = run("policies", "-f", "html");
  assert.equal(policies.code, 0, policies.err);
  assert.match(policies.out, /<th scope="col">/);
});

test("renderDot quotes every name so that Graphviz reads back what was meant", () => {
  const odd = ['a "quoted" name', "back\\slash", "two\nlines", "digraph", "->"];
  const text = renderDot({
    name: 'g "1"',
    nodes: odd.map((id) => ({ id })),
    edges: odd.slice(1).map((to, i) => ({ from: odd[i] as string, to, label: `e${i}`, dashed: i === 0 })),
  });
  const g = graphviz(text);
  assert.deepEqual(g.nodes, [...odd].sort());
  assert.equal(g.edges.length, odd.length - 1);
  assert.match(text, /style=dashed/);
});

test("renderHtmlPage escapes what it is given", () => {
  const page = renderHtmlPage("<t>", 'a & "b"', { columns: ["<c>"], rows: [["</td><script>"]] });
  assert.doesNotMatch(page, /<script>|<t>|<c>/);
  assert.match(page, /&lt;\/td&gt;&lt;script&gt;/);
  assert.match(page, /a &amp; &quot;b&quot;/);
});
