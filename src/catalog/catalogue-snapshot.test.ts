import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { test } from "node:test";
import { packageRoot } from "../core/package-root.js";
import { catalogueDigest, readSnapshot, snapshotPath } from "./catalogue-snapshot.js";
import { catalogueParts, loadCataloguePath } from "./load-catalogue.js";
import { flaskHooksPath, loadFlaskHooksFile } from "./load-flask-hooks.js";
import { writeCatalogueSnapshots } from "./write-catalogue-snapshots.js";

const curated = join(packageRoot(), "catalogues", "xen-4.22.0");

test("a validated catalogue survives the snapshot's JSON round trip unchanged", () => {
  const validated = loadCataloguePath(curated, { snapshot: false });
  assert.deepStrictEqual(JSON.parse(JSON.stringify(validated)), validated);
});

test("the snapshots the build writes equal validating the parts", () => {
  // the build (npm test runs it first) writes them; after editing a catalogue, `npm run build`
  const files = writeCatalogueSnapshots();
  assert.ok(files.length >= 2, `${files.length} snapshots`);
  for (const path of [curated, join(packageRoot(), "catalogues", "extracted", "xen-4.22.0.json")]) {
    const snapshot = readSnapshot(snapshotPath(path), catalogueDigest(catalogueParts(path)));
    assert.ok(snapshot, `no current snapshot for ${path}`);
    assert.deepStrictEqual(snapshot, loadCataloguePath(path, { snapshot: false }));
  }
});

test("the Flask hooks' snapshot equals validating the shipped file", () => {
  writeCatalogueSnapshots();
  const path = flaskHooksPath("4.22.0");
  const digest = catalogueDigest([{ name: basename(path), bytes: readFileSync(path) }]);
  const snapshot = readSnapshot(snapshotPath(path), digest);
  assert.ok(snapshot, "no current snapshot of the 4.22.0 Flask hooks");
  assert.deepStrictEqual(snapshot, loadFlaskHooksFile(path, { snapshot: false }));
  assert.deepStrictEqual(loadFlaskHooksFile(path), snapshot);
});

test("a snapshot of other parts, or a damaged one, is not used", () => {
  const dir = mkdtempSync(join(tmpdir(), "xenpriv-snapshot-"));
  const file = join(dir, "s.json");
  const digest = catalogueDigest(catalogueParts(curated));
  writeFileSync(file, JSON.stringify({ digest, catalogue: { meta: "x" } }));
  assert.deepStrictEqual(readSnapshot(file, digest), { meta: "x" });
  assert.equal(
    readSnapshot(
      file,
      digest.replace(/^./, (c) => (c === "0" ? "1" : "0")),
    ),
    undefined,
  );
  writeFileSync(file, '{"digest": "');
  assert.equal(readSnapshot(file, digest), undefined);
  assert.equal(readSnapshot(join(dir, "absent.json"), digest), undefined);
});

test("a part that changes changes the digest; only shipped catalogues have a snapshot path", () => {
  const parts = catalogueParts(curated);
  const changed = parts.map((p, i) =>
    i === 0 ? { ...p, bytes: Buffer.concat([p.bytes, Buffer.from(" ")]) } : p,
  );
  assert.notEqual(catalogueDigest(changed), catalogueDigest(parts));
  assert.equal(snapshotPath(join(tmpdir(), "xen-4.22.0")), null);
  assert.match(snapshotPath(curated) ?? "", /dist[/\\]catalogues[/\\]xen-4\.22\.0\.json$/);
});
