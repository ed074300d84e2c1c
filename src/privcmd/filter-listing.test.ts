import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { packageRoot } from "../core/package-root.js";
import { builtinProfile } from "./builtin-profiles.js";
import { renderFilterListing } from "./filter-listing.js";
import { buildFilterProgram } from "./filter-program.js";
import { loadLinuxPrivcmd, loadXenServerFilter } from "./load-filter-facts.js";
import { loadHypercallCatalogue } from "./load-hypercall-catalogue.js";
import { parseProfile } from "./parse-profile.js";

const filter = loadXenServerFilter();
const linux = loadLinuxPrivcmd();
const catalogue = loadHypercallCatalogue("4.22.0");
const listing = (id: "none" | "xenserver") =>
  renderFilterListing(
    buildFilterProgram(
      builtinProfile(id, filter, () => []),
      catalogue,
      { linux },
    ),
  );

/** The lines of the block that starts with `first`, up to the next line indented as little. */
function block(text: string, first: string): string[] {
  const lines = text.split("\n");
  const i = lines.findIndex((l) => l.trim() === first);
  assert.ok(i >= 0, `no line ${first}`);
  const indent = (lines[i] as string).search(/\S/);
  const end = lines.findIndex((l, j) => j > i && l.search(/\S/) <= indent);
  return lines.slice(i + 1, end);
}

describe("renderFilterListing: the profile as pseudo filter code", () => {
  const xs = listing("xenserver");

  test("createdomain: the altp2m check, then ALLOW, each with its filter-hypercall.c line", () => {
    assert.deepEqual(block(block(xs, "if ($hypercall == 36)").join("\n"), "if ($subop == 1)"), [
      "      if ($arg.u.createdomain.altp2m_opts != 0)",
      "        action ERRNO(1);  # EPERM (drivers/xen/filter-hypercall.c:813)",
      "      action ALLOW;  # drivers/xen/filter-hypercall.c:812",
    ]);
  });

  test("multicall: ELOOP past one level, then each entry through the filter", () => {
    const lines = block(xs, "if ($hypercall == 13)");
    assert.equal(lines[0], "    if ($depth >= 1)");
    assert.equal(lines[1], "      action ERRNO(40);  # ELOOP (drivers/xen/filter-hypercall.c:1158)");
    assert.match(lines.at(-1) ?? "", /^ {4}action FILTER_ENTRIES;/);
  });

  test("inner sub-ops are compared with the constants filter-hypercall.c uses", () => {
    assert.match(
      xs,
      /if \(\$arg\.u\.livepatch\.cmd not in \{XEN_SYSCTL_LIVEPATCH_UPLOAD, XEN_SYSCTL_LIVEPATCH_GET, XEN_SYSCTL_LIVEPATCH_ACTION, XEN_SYSCTL_LIVEPATCH_LIST\}\)\n {8}action ERRNO\(95\);/,
    );
  });

  test("defaults: an unlisted hypercall ENOSYS, an unknown ioctl ENOTTY; framed as libseccomp frames PFC", () => {
    const lines = xs.trimEnd().split("\n");
    assert.deepEqual(lines.slice(0, 3), ["#", "# pseudo filter code start", "#"]);
    assert.deepEqual(lines.slice(-3), ["#", "# pseudo filter code end", "#"]);
    assert.equal(lines.at(-5), "# any other ioctl");
    assert.match(lines.at(-4) ?? "", /^action ERRNO\(25\); {2}# ENOTTY/);
    assert.match(
      xs,
      / {2}# any other hypercall\n {2}action ERRNO\(38\); {2}# ENOSYS \(drivers\/xen\/filter-hypercall\.c:1323\)/,
    );
  });

  test("no filter: every hypercall allowed, no sub-op listed", () => {
    const none = listing("none");
    assert.doesNotMatch(none, /ERRNO\((?!25)/);
    assert.doesNotMatch(none, /\$subop ==/);
  });

  test("a YAML profile's actions cite the rule that made them", () => {
    const path = join(packageRoot(), "test", "fixtures", "privcmd", "toolstack-only.yaml");
    const profile = parseProfile(readFileSync(path, "utf8"), path, catalogue, linux);
    const text = renderFilterListing(buildFilterProgram(profile, catalogue, { linux }));
    assert.match(
      text,
      /# sub-op "pausedomain" \(3\)\n {4}if \(\$subop == 3\)\n {6}action ALLOW; {2}# .*toolstack-only\.yaml:6:5/,
    );
    assert.match(text, /if \(\$ioctl == 5\)\n {2}action ALLOW; {2}# .*toolstack-only\.yaml:12:5/);
  });
});
