import assert from "node:assert/strict";
import { test } from "node:test";
import { loadCatalogue } from "../catalog/load-catalogue.js";
import { DEFAULT_BUILD } from "../model/build.js";
import { type Domain, makeDomain } from "../model/domain.js";
import { getPolicy } from "../policy/registry.js";
import { DecisionIndex } from "../query/decision-index.js";
import { buildModel } from "../query/model.js";
import { domainGraph, GRAPH_NODES } from "./domain-graph.js";

const graphOf = (domains: Domain[]) =>
  domainGraph(
    new DecisionIndex(
      buildModel(
        loadCatalogue("4.22.0"),
        { xen: "4.22.0", xsm: "dummy", build: DEFAULT_BUILD, domains, source: "<test>", spans: {} },
        getPolicy("dummy"),
      ),
    ),
  );
const split = [
  makeDomain({ domid: 0, name: "hwdom", caps: { hardware: true }, builtBy: "dom0" }),
  makeDomain({ domid: 1, name: "ctl", caps: { control: true }, builtBy: "dom0less" }),
  makeDomain({ domid: 2, name: "xs", caps: { xenstore: true }, builtBy: "dom0less" }),
  makeDomain({ domid: 3, name: "guest", type: "hvm" }),
  makeDomain({ domid: 4, name: "qemu", type: "pvh", target: 3 }),
];

test("each domain is a node; an arrow counts the operations beyond XSM_HOOK one domain may use on another", () => {
  const g = graphOf(split);
  assert.deepEqual(
    g.nodes.map((n) => [n.label, n.column]),
    [
      ["hwdom", 0],
      ["ctl", 0],
      ["xs", 0],
      ["guest", 2],
      ["qemu", 1],
    ],
  );
  const edge = (from: string, to: string) =>
    g.edges.find((e) => g.nodes[e.from]?.label === from && g.nodes[e.to]?.label === to);
  // the control domain acts on everyone, the device model on its guest only, a guest on no one
  assert.ok((edge("ctl", "guest")?.ops ?? 0) > (edge("qemu", "guest")?.ops ?? 0));
  assert.equal(edge("qemu", "guest")?.dm, true);
  assert.ok((edge("qemu", "guest")?.ops ?? 0) > 0);
  assert.equal(edge("qemu", "hwdom"), undefined);
  assert.equal(edge("guest", "qemu"), undefined);
  assert.ok(g.edges.every((e) => e.ops <= g.privilegedOps));
});

test("past GRAPH_NODES domains, those without a role are grouped by class, the others stay single", () => {
  const guests = Array.from({ length: GRAPH_NODES }, (_, i) =>
    makeDomain({ domid: 10 + i, name: `g${i}`, type: i % 2 ? "pv" : "hvm" }),
  );
  const g = graphOf([...split, ...guests]);
  assert.deepEqual(
    g.nodes.filter((n) => n.count === 1).map((n) => n.label),
    ["hwdom", "ctl", "xs", "qemu"],
  );
  const groups = g.nodes.filter((n) => n.count > 1);
  assert.equal(
    groups.reduce((sum, n) => sum + n.count, 0),
    GRAPH_NODES + 1,
  );
  assert.ok(
    groups.length >= 2 && groups.every((n) => n.column === 2 && n.label.endsWith(`like ${n.domains[0]}`)),
  );
});
