import assert from "node:assert/strict";
import { test } from "node:test";
import { extractedVersions, loadCatalogue, shippedVersions } from "./load-catalogue.js";
import { loadFlaskHooks } from "./load-flask-hooks.js";

// What each shipped version's flask_ops holds, read from its xen/xsm/flask/hooks.c (master: the
// XSM_HOOK lines of xen/include/xsm/hooks.h): the hooks that come and go between the versions, each
// with the line of its flask_ops member (null: the version has no such member), and the line of
// `case XEN_DOMCTL_pausedomain:`'s `current_has_perm(d, SECCLASS_DOMAIN, DOMAIN__PAUSE)` in flask_domctl.
const HOOKS_C = "xen/xsm/flask/hooks.c";
const FACTS: Record<
  string,
  {
    profile: number | null;
    readconsole: number | null;
    getDomainState: string | null;
    pause: number;
    hooks: number;
  }
> = {
  "4.17.7": { profile: 1948, readconsole: null, getDomainState: null, pause: 715, hooks: 86 },
  "4.18.6": { profile: 1955, readconsole: null, getDomainState: null, pause: 715, hooks: 87 },
  "4.19.6": { profile: 1958, readconsole: null, getDomainState: null, pause: 715, hooks: 87 },
  "4.20.0": { profile: 1915, readconsole: 1882, getDomainState: null, pause: 718, hooks: 98 },
  "4.20.4": { profile: 1969, readconsole: null, getDomainState: null, pause: 718, hooks: 87 },
  "4.21.0": {
    profile: 1933,
    readconsole: 1899,
    getDomainState: `${HOOKS_C}:2028`,
    pause: 721,
    hooks: 99,
  },
  "4.21.2": { profile: 1990, readconsole: null, getDomainState: `${HOOKS_C}:2071`, pause: 726, hooks: 88 },
  "4.22.0": { profile: null, readconsole: null, getDomainState: `${HOOKS_C}:2032`, pause: 693, hooks: 87 },
  "master-2026-08-20": {
    profile: null,
    readconsole: null,
    getDomainState: "xen/include/xsm/hooks.h:22",
    pause: 699,
    hooks: 87,
  },
};

test("every shipped version has its Flask hooks, read from its own tree, with the members its flask_ops has", () => {
  const versions = [...new Set([...shippedVersions(), ...extractedVersions()])].sort();
  assert.deepEqual(versions, Object.keys(FACTS).sort());
  for (const v of versions) {
    const c = loadCatalogue(v);
    const flask = loadFlaskHooks(c);
    assert.ok(flask, `${v}: no Flask hooks`);
    // read from the tree the catalogue was: its tag, or master's commit
    assert.equal(flask.source, c.meta.tag || c.meta.commit, v);
    const byName = new Map(flask.hooks.map((h) => [h.name, h]));
    assert.deepEqual(
      c.hooks.map((h) => h.name).filter((n) => !byName.has(n)),
      [],
      `${v}: dummy hooks without a Flask hook`,
    );
    const f = FACTS[v] as (typeof FACTS)[string];
    const line = (n: number | null) => (n === null ? undefined : `${HOOKS_C}:${n}`);
    assert.equal(flask.hooks.length, f.hooks, `${v}: flask_ops members`);
    assert.equal(byName.get("profile")?.opsRef, line(f.profile), `${v}: profile`);
    assert.equal(byName.get("readconsole")?.opsRef, line(f.readconsole), `${v}: readconsole`);
    assert.equal(
      byName.get("get_domain_state")?.opsRef,
      f.getDomainState ?? undefined,
      `${v}: get_domain_state`,
    );
    const pause = byName
      .get("domctl")
      ?.checks.filter((k) =>
        k.when.some((w) => w.kind === "case" && w.labels.includes("XEN_DOMCTL_pausedomain")),
      );
    assert.deepEqual(
      pause?.map((k) => [k.class, k.permissions.map((p) => [p.name, p.ref])]),
      [["domain", [["pause", `${HOOKS_C}:${f.pause}`]]]],
      `${v}: XEN_DOMCTL_pausedomain`,
    );
  }
});
