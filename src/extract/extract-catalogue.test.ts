/**
 * extractCatalogue over small Xen-shaped trees, one per code pattern of reference §4.14
 * (test/fixtures/extract/patterns/<pattern>/, written for these tests, not copied from Xen).
 * Refs are computed from the fixture text (`at`), so each assertion names the exact line.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { type Catalogue, CatalogueSchema, type Check, type Operation } from "../catalog/schema.js";
import { InputError } from "../core/errors.js";
import { extractCatalogue } from "./extract-catalogue.js";

const PATTERNS = fileURLToPath(new URL("../../test/fixtures/extract/patterns/", import.meta.url));
const DUMMY_H = "xen/include/xsm/dummy.h";
const DEFS = "xen/include/hypercall-defs.c";

const cache = new Map<string, Promise<Catalogue>>();
/** The catalogue of one pattern's tree, extracted once per run. */
function extract(pattern: string): Promise<Catalogue> {
  let c = cache.get(pattern);
  if (!c) {
    c = extractCatalogue(join(PATTERNS, pattern));
    cache.set(pattern, c);
  }
  return c;
}

/**
 * `path:line` of the line of a fixture file that contains `needle`: the only one, or the `nth` (1-based).
 */
function at(pattern: string, path: string, needle: string, nth?: number): string {
  const lines = readFileSync(join(PATTERNS, pattern, path), "utf8").split("\n");
  const hits = lines.flatMap((l, i) => (l.includes(needle) ? [i + 1] : []));
  if (nth === undefined) assert.equal(hits.length, 1, `\`${needle}\` on one line of ${pattern}/${path}`);
  const line = hits[(nth ?? 1) - 1];
  assert.ok(line, `\`${needle}\` occurs ${nth} times in ${pattern}/${path}`);
  return `${path}:${line}`;
}

function op(c: Catalogue, id: string): Operation {
  const found = c.operations.filter((o) => o.id === id);
  assert.equal(found.length, 1, `one operation ${id}`);
  return found[0]!;
}

const ids = (c: Catalogue) => c.operations.map((o) => o.id);

/** An operation as the extractor writes it, with the fields most patterns share as defaults. */
function operation(
  id: string,
  ref: string,
  fields: Partial<Operation> & { checks: Check[] },
): Record<string, unknown> {
  const [hypercall, subop = null] = id.split("/");
  return {
    id,
    hypercall,
    subop,
    summary: `${id}, extracted from ${ref}`,
    arch: ["x86"],
    guards: [],
    callers: ["pv", "pvh", "hvm"],
    target: { kind: "none" },
    operands: {},
    ref,
    ...fields,
  };
}

/** An XSM check with the defaults the extractor always writes. */
function xsm(
  hook: string,
  action: string,
  args: Record<string, string>,
  ref: string,
  more: Record<string, unknown> = {},
): Check {
  return { kind: "xsm", hook, action, args, values: {}, ref, denial: "-EPERM", ...more } as Check;
}

/** Every extracted catalogue validates, and validating adds nothing (no field left to a default). */
function assertValid(c: Catalogue): void {
  assert.deepEqual(CatalogueSchema.parse(c), c);
}

/** The target of an operation whose domain `file` looks up with rcu_lock_domain_by_any_id(<x>.<field>). */
const byAnyId = (pattern: string, file: string, field = "domid"): Operation["target"] => ({
  kind: "domain",
  field,
  lookup: "rcu_lock_domain_by_any_id",
  system: [],
  ref: at(pattern, file, "rcu_lock_domain_by_any_id("),
});

/** The lookups entry of the shared fixture helper xen/common/domain.c. */
const ANY_ID_LOOKUP = {
  name: "rcu_lock_domain_by_any_id",
  domidSelf: true,
  selfAllowed: true,
  missingError: "-ESRCH",
};

describe("pattern 1: a call inside `case`, with grouped labels and fallthrough", () => {
  const P = "case-labels";
  const F = "xen/common/widget.c";

  test("each sub-op gets the hooks of its case and of the cases it falls into", async () => {
    const c = await extract(P);
    assertValid(c);
    // WIDGETOP_query reaches no check: it is no operation of the catalogue
    assert.deepEqual(ids(c), ["widget_op/attach", "widget_op/detach", "widget_op/reset", "widget_op/flush"]);
    const plug = xsm("widget_plug", "PRIV", { d: "current" }, at(P, F, "xsm_widget_plug("));
    assert.deepEqual(
      op(c, "widget_op/attach"),
      operation("widget_op/attach", at(P, F, "case WIDGETOP_attach:"), {
        constant: "WIDGETOP_attach",
        value: 1,
        checks: [plug],
      }),
    );
    assert.deepEqual(
      op(c, "widget_op/detach"),
      operation("widget_op/detach", at(P, F, "case WIDGETOP_detach:"), {
        constant: "WIDGETOP_detach",
        value: 2,
        checks: [plug],
      }),
    );
    const flush = xsm("widget_flush", "PRIV", {}, at(P, F, "xsm_widget_flush("));
    assert.deepEqual(op(c, "widget_op/reset").checks, [
      xsm("widget_reset", "HOOK", {}, at(P, F, "xsm_widget_reset(")),
      flush,
    ]);
    assert.deepEqual(op(c, "widget_op/flush").checks, [flush]);
  });

  test("call sites list the operations that reach them; nothing is unresolved", async () => {
    const c = await extract(P);
    assert.deepEqual(c.extraction?.callSites, [
      {
        hook: "widget_plug",
        action: "PRIV",
        args: ["currd"],
        function: "do_widget_op",
        ref: at(P, F, "xsm_widget_plug("),
        reachedBy: ["widget_op/attach", "widget_op/detach"],
      },
      {
        hook: "widget_reset",
        action: "HOOK",
        args: [],
        function: "do_widget_op",
        ref: at(P, F, "xsm_widget_reset("),
        reachedBy: ["widget_op/reset"],
      },
      {
        hook: "widget_flush",
        action: "PRIV",
        args: [],
        function: "do_widget_op",
        ref: at(P, F, "xsm_widget_flush("),
        reachedBy: ["widget_op/reset", "widget_op/flush"],
      },
    ]);
    assert.deepEqual(c.extraction?.mismatches, []);
    assert.deepEqual(c.extraction?.unresolved, []);
    assert.deepEqual(
      c.hooks.map((h) => [h.name, h.action, h.ref]),
      [
        ["widget_plug", "PRIV", at(P, DUMMY_H, "xsm_widget_plug(")],
        ["widget_reset", "HOOK", at(P, DUMMY_H, "xsm_widget_reset(")],
        ["widget_flush", "PRIV", at(P, DUMMY_H, "xsm_widget_flush(")],
      ],
    );
  });
});

describe("pattern 2: a call before the switch guards every sub-op", () => {
  const P = "before-switch";
  const F = "xen/common/lamp.c";

  test("identical sub-ops become one operation with subop null, referenced at the handler", async () => {
    const c = await extract(P);
    assertValid(c);
    assert.deepEqual(c.operations, [
      operation("lamp_op", at(P, F, "long do_lamp_op("), {
        checks: [xsm("lamp_control", "PRIV", {}, at(P, F, "xsm_lamp_control("))],
        // the sub-ops it stands for, so that a diff sees one come or go
        commands: ["LAMPOP_dim", "LAMPOP_off", "LAMPOP_on"],
      }),
    ]);
    assert.deepEqual(
      c.extraction?.callSites.map((s) => [s.ref, s.reachedBy]),
      [[at(P, F, "xsm_lamp_control("), ["lamp_op"]]],
    );
    assert.deepEqual(c.extraction?.unresolved, []);
  });
});

describe("pattern 3: helper chains across files and an arch boundary", () => {
  const P = "helper-arch";
  const X86 = "xen/arch/x86/sensor.c";
  const ARM = "xen/arch/arm/sensor.c";
  const READ = "xen/common/sensor-read.c";

  test("a hook two helpers down in another file, on both arches, with the looked-up target", async () => {
    const c = await extract(P);
    assertValid(c);
    assert.deepEqual(ids(c), ["sensor_op/read", "sensor_op/calibrate", "sensor_op/ports"]);
    assert.deepEqual(
      op(c, "sensor_op/read"),
      operation("sensor_op/read", at(P, "xen/common/sensor.c", "case SENSOROP_read:"), {
        constant: "SENSOROP_read",
        value: 0,
        arch: ["x86", "arm"],
        target: byAnyId(P, READ),
        checks: [
          xsm("sensor_read", "TARGET", { d: "target" }, at(P, READ, "xsm_sensor_read("), {
            note: "via do_sensor_op -> sensor_read -> sensor_may_read",
          }),
        ],
      }),
    );
    assert.deepEqual(c.lookups, [
      { ...ANY_ID_LOOKUP, ref: at(P, "xen/common/domain.c", "*rcu_lock_domain_by_any_id(") },
    ]);
  });

  test("arch_do_*() defined per arch with different hooks: checks tagged arch.x86 / arch.arm", async () => {
    const c = await extract(P);
    const via = "via do_sensor_op -> arch_do_sensor_op";
    assert.deepEqual(
      op(c, "sensor_op/calibrate"),
      operation("sensor_op/calibrate", at(P, X86, "case SENSOROP_calibrate:"), {
        constant: "SENSOROP_calibrate",
        value: 1,
        arch: ["x86", "arm"],
        checks: [
          xsm("sensor_ioport", "PRIV", {}, at(P, X86, "xsm_sensor_ioport(", 1), {
            when: "arch.x86",
            note: via,
          }),
          xsm("sensor_mmio", "PRIV", {}, at(P, ARM, "xsm_sensor_mmio("), { when: "arch.arm", note: via }),
        ],
      }),
    );
    // only x86 has the sub-op: the operation is x86's, its check needs no arch condition
    assert.deepEqual(
      op(c, "sensor_op/ports"),
      operation("sensor_op/ports", at(P, X86, "case SENSOROP_ports:"), {
        constant: "SENSOROP_ports",
        value: 2,
        checks: [xsm("sensor_ioport", "PRIV", {}, at(P, X86, "xsm_sensor_ioport(", 2), { note: via })],
      }),
    );
    assert.deepEqual(c.extraction?.unresolved, []);
  });
});

describe("pattern 4: `?:` conditional calls", () => {
  const P = "conditional-expr";
  const F = "xen/common/tile.c";

  test("`cond ? xsm_...(...) : -EXXX`: the operation fails unless cond (a gate), then the check; `x ?: y` always", async () => {
    const c = await extract(P);
    assertValid(c);
    assert.deepEqual(
      op(c, "tile_op/release"),
      operation("tile_op/release", at(P, F, "case TILEOP_release:"), {
        constant: "TILEOP_release",
        value: 0,
        target: byAnyId(P, F),
        checks: [
          {
            kind: "gate",
            require: "runtime:tile_is_mapped(d, op.gfn)",
            error: "-EACCES",
            ref: at(P, F, "xsm_tile_release("),
          },
          xsm("tile_release", "TARGET", { d: "target" }, at(P, F, "xsm_tile_release(")),
        ],
      }),
    );
    // a role test as the condition is an atom the engine evaluates
    assert.deepEqual(op(c, "tile_op/swap").checks, [
      { kind: "gate", require: "target.hvm-like", error: "-EOPNOTSUPP", ref: at(P, F, "xsm_tile_swap(") },
      xsm("tile_swap", "DM_PRIV", { d: "target" }, at(P, F, "xsm_tile_swap(")),
    ]);
    assert.deepEqual(op(c, "tile_op/clear").checks, [
      {
        kind: "gate",
        require: { not: "runtime:tile_is_busy(d)" },
        error: "-EBUSY",
        ref: at(P, F, "xsm_tile_clear("),
      },
      xsm("tile_clear", "TARGET", { d: "target" }, at(P, F, "xsm_tile_clear(")),
    ]);
    assert.deepEqual(op(c, "tile_op/pin").checks, [
      xsm("tile_pin", "PRIV", { d: "target" }, at(P, F, "xsm_tile_pin(")),
    ]);
    assert.deepEqual(c.extraction?.unresolved, []);
  });
});

describe("pattern 5: `||` / `&&` short-circuit", () => {
  const P = "short-circuit";
  const F = "xen/common/latch.c";

  test("a hook after || is made when the left side is false, after && when it is true", async () => {
    const c = await extract(P);
    assertValid(c);
    assert.deepEqual(
      op(c, "latch_op/grab"),
      operation("latch_op/grab", at(P, F, "case LATCHOP_grab:"), {
        constant: "LATCHOP_grab",
        value: 0,
        target: byAnyId(P, F),
        checks: [
          // `!ok(...) || xsm(...)`: made when !ok(...) is false
          xsm("latch_grab", "PRIV", { d: "target" }, at(P, F, "xsm_latch_grab("), {
            when: "runtime:latch_range_ok(currd, op.first, op.nr)",
          }),
        ],
      }),
    );
    assert.deepEqual(op(c, "latch_op/peek").checks, [
      xsm("latch_peek", "DM_PRIV", { d: "target" }, at(P, F, "xsm_latch_peek("), { when: "target.hvm-like" }),
    ]);
    assert.deepEqual(c.extraction?.unresolved, []);
  });
});

describe("pattern 6: conditional invocation and an early-return bypass", () => {
  const P = "conditional-bypass";
  const F = "xen/common/gizmo.c";

  test("`ret = -EPERM; if ( irq ) ret = xsm_...`: the operation fails unless irq (a gate), then the check", async () => {
    const c = await extract(P);
    assertValid(c);
    assert.deepEqual(
      op(c, "gizmo_op/route_irq"),
      operation("gizmo_op/route_irq", at(P, F, "case GIZMOOP_route_irq:"), {
        constant: "GIZMOOP_route_irq",
        value: 0,
        target: byAnyId(P, F),
        checks: [
          { kind: "gate", require: "runtime:irq", error: "-EPERM", ref: at(P, F, "if ( irq )") },
          xsm("gizmo_irq", "PRIV", { d: "target" }, at(P, F, "xsm_gizmo_irq(")),
        ],
      }),
    );
  });

  test("a branch on an argument constant that does the work and leaves before the hook is a variant without it", async () => {
    const c = await extract(P);
    assert.deepEqual(op(c, "gizmo_op/event").checks, [
      xsm("gizmo_event", "DM_PRIV", { d: "target" }, at(P, F, "xsm_gizmo_event(", 1)),
    ]);
    const variant = op(c, "gizmo_op/event/get_version");
    assert.deepEqual(variant.checks, []);
    assert.match(variant.summary, /with op\.u\.event\.op == XEN_GIZMO_EVENT_GET_VERSION$/);
  });

  test("`rc = -EINVAL; if ( left && !(rc = xsm_...) )`: the left side is a gate with the error set before", async () => {
    const c = await extract(P);
    assert.deepEqual(op(c, "gizmo_op/peek").checks, [
      {
        kind: "gate",
        require: "runtime:gizmo_is_wired(d)",
        error: "-EINVAL",
        ref: at(P, F, "if ( gizmo_is_wired(d)"),
      },
      xsm("gizmo_event", "DM_PRIV", { d: "target" }, at(P, F, "xsm_gizmo_event(", 2)),
    ]);
  });

  test("a helper that reaches no hook but tests the caller's domain is followed: its role gate is kept", async () => {
    const c = await extract(P);
    assert.deepEqual(op(c, "gizmo_op/pause").checks, [
      xsm("gizmo_event", "DM_PRIV", { d: "target" }, at(P, F, "xsm_gizmo_event(", 3)),
      {
        kind: "gate",
        require: { not: "self" },
        error: "-EINVAL",
        ref: at(P, F, "if ( d == current->domain )"),
        note: "via do_gizmo_op -> gizmo_pause",
      },
    ]);
  });

  test("`rc = -EPERM; if ( !is_hardware_domain(current->domain) ) break;`: a role gate, an operation without a hook", async () => {
    const c = await extract(P);
    assert.deepEqual(op(c, "gizmo_op/pin").checks, [
      {
        kind: "gate",
        require: "caller.hardware",
        error: "-EPERM",
        ref: at(P, F, "if ( !is_hardware_domain(current->domain) )"),
      },
    ]);
  });
});

describe("pattern 7: the result used as a filter", () => {
  const P = "filter";
  const F = "xen/common/roster.c";

  test("`if ( xsm_...(...) ) continue;` in a loop: the denial is `filtered`", async () => {
    const c = await extract(P);
    assertValid(c);
    assert.deepEqual(
      op(c, "roster_op/groups"),
      operation("roster_op/groups", at(P, F, "case ROSTEROP_groups:"), {
        constant: "ROSTEROP_groups",
        value: 1,
        checks: [xsm("roster_group", "HOOK", {}, at(P, F, "xsm_roster_group("), { denial: "filtered" })],
      }),
    );
  });

  test("over for_each_domain each listed domain is the target: a check that filters, nothing unresolved", async () => {
    const c = await extract(P);
    const list = op(c, "roster_op/list");
    assert.deepEqual(list.target, {
      kind: "domain",
      field: "each domain",
      lookup: "for_each_domain",
      system: [],
      ref: at(P, F, "for_each_domain ( d )"),
    });
    assert.deepEqual(list.checks, [
      { ...xsm("roster_info", "XS_PRIV", { d: "target" }, at(P, F, "xsm_roster_info(")), denial: "filtered" },
    ]);
    assert.deepEqual(
      c.lookups.map((l) => [l.name, l.ref, l.missingError]),
      [["for_each_domain", at(P, "xen/include/xen/sched.h", "#define for_each_domain("), "filtered"]],
    );
    assert.deepEqual(c.extraction?.unresolved, []);
  });
});

describe("pattern 8: #ifdef CONFIG_* around hooks, table rows and code", () => {
  const P = "ifdef-guards";
  const F = "xen/common/frob.c";

  test("guards of hooks come from dummy.h, guards of operations from the table row and the handler", async () => {
    const c = await extract(P);
    assertValid(c);
    assert.deepEqual(
      c.hooks.map((h) => [h.name, h.guards, h.ref]),
      [
        ["frob_twist", [], at(P, DUMMY_H, "xsm_frob_twist(")],
        ["frob_op", ["CONFIG_FROB"], at(P, DUMMY_H, "xsm_frob_op(")],
        ["frob_dump", ["CONFIG_FROB", "CONFIG_FROB_DEBUG"], at(P, DUMMY_H, "xsm_frob_dump(")],
      ],
    );
    // the row sits in #ifndef CONFIG_PV_SHIM_EXCLUSIVE / #ifdef CONFIG_FROB, do_frob_op in #ifdef CONFIG_FROB
    assert.deepEqual(op(c, "frob_op/twist").guards, ["!CONFIG_PV_SHIM_EXCLUSIVE", "CONFIG_FROB"]);
    assert.deepEqual(op(c, "frob_op/twist").target, byAnyId(P, F));
  });

  test("a hook call in #ifdef inside a case body is on the path, noted with its guard", async () => {
    const c = await extract(P);
    // tree-sitter ends the case_statement at the #ifdef: the statements after it still belong to the case
    assert.deepEqual(op(c, "frob_op/twist").checks, [
      xsm("frob_op", "PRIV", { d: "target" }, at(P, F, "xsm_frob_op(")),
      xsm("frob_twist", "PRIV", { d: "target" }, at(P, F, "xsm_frob_twist("), {
        note: "under CONFIG_FROB_AUDIT",
      }),
    ]);
    assert.deepEqual(c.extraction?.callSites.find((s) => s.hook === "frob_twist")?.reachedBy, [
      "frob_op/twist",
    ]);
  });

  test("a case label in #ifdef CONFIG_X: the sub-op only exists with CONFIG_X", async () => {
    const c = await extract(P);
    const dump = op(c, "frob_op/dump");
    assert.deepEqual(dump.checks, [xsm("frob_dump", "PRIV", {}, at(P, F, "xsm_frob_dump("))]);
    assert.deepEqual([...dump.guards].sort(), [
      "!CONFIG_PV_SHIM_EXCLUSIVE",
      "CONFIG_FROB",
      "CONFIG_FROB_DEBUG",
    ]);
  });
});

describe('pattern 9: compat re-inclusion (`#include "../knob.c"`)', () => {
  const P = "compat-include";
  const F = "xen/arch/x86/knob.c";

  test("the re-included file's call sites and checks are counted once", async () => {
    const c = await extract(P);
    assertValid(c);
    assert.deepEqual(c.extraction?.callSites, [
      {
        hook: "knob_turn",
        action: "TARGET",
        args: ["d"],
        function: "knob_may_turn",
        ref: at(P, F, "xsm_knob_turn("),
        reachedBy: ["knob_op/turn"],
      },
      {
        hook: "knob_reset",
        action: "PRIV",
        args: [],
        function: "do_knob_op",
        ref: at(P, F, "xsm_knob_reset("),
        reachedBy: ["knob_op/reset"],
      },
    ]);
    assert.deepEqual(
      op(c, "knob_op/turn"),
      operation("knob_op/turn", at(P, F, "case KNOBOP_turn:"), {
        constant: "KNOBOP_turn",
        value: 0,
        target: byAnyId(P, F),
        checks: [
          xsm("knob_turn", "TARGET", { d: "target" }, at(P, F, "xsm_knob_turn("), {
            note: "via do_knob_op -> knob_may_turn",
          }),
        ],
      }),
    );
    assert.deepEqual(op(c, "knob_op/reset").checks, [
      xsm("knob_reset", "PRIV", {}, at(P, F, "xsm_knob_reset(")),
    ]);
    assert.deepEqual(ids(c), ["knob_op/turn", "knob_op/reset"]);
    assert.deepEqual(c.extraction?.unresolved, []);
  });
});

describe("pattern 10: multi-line calls, and a src that is not current", () => {
  const P = "multiline-src";
  const F = "xen/common/borrow.c";

  test("refs are the line the call starts on; args are read across lines", async () => {
    const c = await extract(P);
    assertValid(c);
    assert.deepEqual(
      c.extraction?.callSites.map((s) => [s.hook, s.action, s.args, s.ref]),
      [
        ["borrow_prep", "TARGET", ["current->domain", "d"], at(P, F, "rc = xsm_borrow_prep(", 1)],
        ["borrow_map", "TARGET", ["d", "fd"], at(P, F, "xsm_borrow_map(")],
        ["borrow_prep", "TARGET", ["current->domain", "d"], at(P, F, "rc = xsm_borrow_prep(", 2)],
      ],
    );
  });

  test("xsm_borrow_map(XSM_TARGET, d, fd): src is the looked-up domain, the other one an operand", async () => {
    const c = await extract(P);
    assert.deepEqual(
      op(c, "borrow_op/foreign"),
      operation("borrow_op/foreign", at(P, F, "case BORROWOP_foreign:"), {
        constant: "BORROWOP_foreign",
        value: 0,
        target: byAnyId(P, F),
        operands: { fd: "target" },
        checks: [
          xsm("borrow_prep", "TARGET", { d1: "current", d2: "target" }, at(P, F, "rc = xsm_borrow_prep(", 1)),
          xsm("borrow_map", "TARGET", { d: "target", t: "fd" }, at(P, F, "xsm_borrow_map(")),
        ],
      }),
    );
    assert.deepEqual(
      c.hooks.map((h) => [h.name, h.src, h.target]),
      [
        ["borrow_prep", "d1", "d2"],
        ["borrow_map", "d", "t"],
      ],
    );
    assert.deepEqual(c.extraction?.unresolved, []);
  });
});

describe("pattern 11: a call-site action that differs from XSM_ASSERT_ACTION", () => {
  const P = "action-mismatch";
  const F = "xen/common/wand.c";

  test("listed in extraction.mismatches, reached or not; the check keeps the call-site literal", async () => {
    const c = await extract(P);
    assertValid(c);
    // XSM_ASSERT_ACTION for CONFIG_XSM=n is LINKER_BUG_ON((def) != action): neither call links
    const linkCheck = at(P, DUMMY_H, "LINKER_BUG_ON((def) != action)");
    assert.deepEqual(c.extraction?.mismatches, [
      {
        hook: "wand_wave",
        callSite: at(P, F, "xsm_wand_wave("),
        action: "PRIV",
        asserted: "DM_PRIV",
        hookRef: at(P, DUMMY_H, "xsm_wand_wave("),
        effect: "build-break",
        effectRef: linkCheck,
        ownActionRef: at(P, DUMMY_H, "xsm_default_t action = (def)"),
      },
      {
        hook: "wand_boot",
        callSite: at(P, F, "xsm_wand_boot("),
        action: "HOOK",
        asserted: "PRIV",
        hookRef: at(P, DUMMY_H, "xsm_wand_boot("),
        effect: "build-break",
        effectRef: linkCheck,
        ownActionRef: at(P, DUMMY_H, "xsm_default_t action = (def)"),
      },
    ]);
    assert.deepEqual(op(c, "wand_op/wave").checks, [
      xsm("wand_wave", "PRIV", { d: "target" }, at(P, F, "xsm_wand_wave(")),
    ]);
    assert.deepEqual(op(c, "wand_op/peek").checks, [
      xsm("wand_peek", "TARGET", { d: "target" }, at(P, F, "xsm_wand_peek(")),
    ]);
    // the boot-time caller is a call site no operation reaches
    assert.deepEqual(
      c.extraction?.callSites.find((s) => s.hook === "wand_boot"),
      {
        hook: "wand_boot",
        action: "HOOK",
        args: [],
        function: "wand_init",
        ref: at(P, F, "xsm_wand_boot("),
        reachedBy: [],
      },
    );
  });
});

describe("pattern 12: do_domctl's own lookup and its error per caller", () => {
  const P = "domctl-lookup";
  const F = "xen/common/domctl.c";

  test("lookups has `domctl` with -ESRCH for the control domain and -EPERM for others", async () => {
    const c = await extract(P);
    assertValid(c);
    assert.deepEqual(c.lookups, [
      {
        name: "domctl",
        ref: at(P, F, "if ( !d )"),
        domidSelf: false,
        selfAllowed: true,
        missingError: "-ESRCH",
        nonControlError: "-EPERM",
        note: "do_domctl's own lookup: rcu_lock_domain_by_id(op->domain) and the error after it",
      },
    ]);
    assert.deepEqual(c.extraction?.unresolved, []);
  });

  test("sub-ops: NULL for createdomain, the looked-up domain otherwise; the generic xsm_domctl", async () => {
    const c = await extract(P);
    const domctl = at(P, F, "xsm_domctl(");
    const target: Operation["target"] = {
      kind: "domain",
      field: "domain",
      lookup: "domctl",
      system: [],
      ref: at(P, F, "rcu_lock_domain_by_id("),
    };
    assert.deepEqual(ids(c), ["domctl/createdomain", "domctl/getdomaininfo", "domctl/pausedomain"]);
    assert.deepEqual(
      op(c, "domctl/createdomain"),
      operation("domctl/createdomain", at(P, F, "case XEN_DOMCTL_createdomain:", 1), {
        constant: "XEN_DOMCTL_createdomain",
        value: 1,
        arch: ["x86", "arm"],
        checks: [
          xsm("domctl", "PRIV", { d: "null" }, domctl, { values: { cmd: "XEN_DOMCTL_createdomain" } }),
        ],
      }),
    );
    assert.deepEqual(
      op(c, "domctl/getdomaininfo"),
      operation("domctl/getdomaininfo", at(P, F, "case XEN_DOMCTL_getdomaininfo:"), {
        constant: "XEN_DOMCTL_getdomaininfo",
        value: 5,
        arch: ["x86", "arm"],
        target,
        checks: [xsm("getdomaininfo", "XS_PRIV", { d: "target" }, at(P, F, "xsm_getdomaininfo("))],
      }),
    );
    assert.deepEqual(op(c, "domctl/pausedomain").target, target);
    // `d == current->domain ? -EINVAL : ...`: a domain cannot pause itself
    assert.deepEqual(op(c, "domctl/pausedomain").checks, [
      xsm("domctl", "PRIV", { d: "target" }, domctl, { values: { cmd: "XEN_DOMCTL_pausedomain" } }),
      { kind: "gate", require: { not: "self" }, error: "-EINVAL", ref: at(P, F, "d == current->domain ?") },
    ]);
  });
});

describe("pattern 13: XSM_OTHER hooks and values known only at run time", () => {
  const P = "other-runtime";
  const F = "xen/common/dial.c";

  test("the sub-op number passed to an XSM_OTHER hook is its value", async () => {
    const c = await extract(P);
    assertValid(c);
    const ctl = at(P, F, "xsm_dial_ctl(");
    assert.deepEqual(op(c, "dial_op/status").checks, [
      xsm("dial_ctl", "OTHER", { d: "target" }, ctl, { values: { cmd: "DIALOP_status" } }),
    ]);
    assert.deepEqual(op(c, "dial_op/calibrate").checks, [
      xsm("dial_ctl", "OTHER", { d: "target" }, ctl, { values: { cmd: "DIALOP_calibrate" } }),
    ]);
    assert.deepEqual(Object.keys(c.policy?.hooks ?? {}), ["dial_turn", "dial_ctl"]);
  });

  test("a value the guest chooses: no XSM check is evaluated, the unresolved entry names file:line", async () => {
    const c = await extract(P);
    const ref = at(P, F, "xsm_dial_turn(XSM_OTHER, d, op.mode)");
    const reason = "xsm_dial_turn decides on `mode`, known only at run time";
    // the check is not evaluated as an XSM check; it stays a run-time condition (never a silent allow)
    assert.deepEqual(op(c, "dial_op/turn").checks, [
      { kind: "gate", require: `runtime:${reason}`, error: "-EPERM", ref },
    ]);
    assert.ok(
      c.extraction?.unresolved.some((u) => u.ref === ref && u.what === "dial_op/turn: xsm_dial_turn"),
      "an unresolved entry at the call",
    );
  });

  test("a constant passed to an XSM_OTHER hook is its value (`DIAL_MODE_peek`)", async () => {
    const c = await extract(P);
    assert.deepEqual(op(c, "dial_op/peek").checks, [
      xsm("dial_turn", "OTHER", { d: "target" }, at(P, F, "xsm_dial_turn(XSM_OTHER, d, DIAL_MODE_peek)"), {
        values: { mode: "DIAL_MODE_peek" },
      }),
    ]);
    assert.deepEqual(
      c.extraction?.unresolved.map((u) => u.what),
      ["dial_op/turn: xsm_dial_turn"],
    );
  });
});

describe("pattern 14: hooks on the domain the operation builds", () => {
  const P = "new-domain";
  const F = "xen/common/forge.c";

  test("the new domain is no operand (bound to null); a hook that only leaves a feature off denies with 0; an early return on the domain conditions the rest of the helper", async () => {
    const c = await extract(P);
    assertValid(c);
    assert.deepEqual(op(c, "forge_op/create").checks, [
      xsm("forge_create", "HOOK", { d: "null" }, at(P, F, "xsm_forge_create("), {
        note: "via do_forge_op -> forge_domain_create",
      }),
      xsm("argo_enable", "HOOK", { d: "null" }, at(P, F, "xsm_argo_enable("), {
        denial: "0",
        when: "runtime:opt_argo",
        note: "via do_forge_op -> forge_domain_create -> forge_feature_init",
      }),
      xsm("forge_hwdom", "HOOK", { d: "null" }, at(P, F, "xsm_forge_hwdom(", 1), {
        when: { not: "runtime:d != hardware_domain" },
        note: "via do_forge_op -> forge_domain_create -> forge_late_init",
      }),
    ]);
    // the early return ends with its helper: the next sub-op's hook is unconditional
    assert.deepEqual(op(c, "forge_op/count").checks, [
      xsm("forge_hwdom", "HOOK", { d: "current" }, at(P, F, "xsm_forge_hwdom(", 2)),
    ]);
    assert.deepEqual(c.extraction?.unresolved, []);
  });
});

describe("pattern 15: what each arch's Kconfig lets a build have", () => {
  const P = "kconfig-arch";
  const F = "xen/common/knob.c";

  test("a sub-op behind IS_ENABLED() of a symbol the arch lacks, under an #ifdef the arch cannot have, or missing from the arch's dispatcher is not the arch's", async () => {
    const c = await extract(P);
    assertValid(c);
    const check = (cmd: string) =>
      xsm("knob_op", "PRIV", {}, at(P, F, "xsm_knob_op("), { values: { cmd } }) as Check;
    assert.deepEqual(
      c.operations.map((o) => [o.id, o.arch, o.guards]),
      [
        ["knob_op/turn", ["x86", "arm"], []],
        ["knob_op/reset", ["x86"], []],
        // KNOB_STATS is the user's choice on x86: the guard stays
        ["knob_op/stats", ["x86"], ["CONFIG_KNOB_STATS"]],
        ["knob_op/wide", ["x86"], []],
      ],
    );
    assert.deepEqual(
      c.operations.map((o) => o.checks),
      ["KNOBOP_turn", "KNOBOP_reset", "KNOBOP_stats", "KNOBOP_wide"].map((k) => [check(k)]),
    );
  });
});

describe("pattern 16: helpers that look domains up into structures, switches, argument choices, module-only calls", () => {
  const P = "batch-helpers";
  const F = "xen/common/ferry.c";

  test("a helper writes the looked-up domain into the caller's structure; a cache of the last lookup conditions nothing", async () => {
    const c = await extract(P);
    const copy = op(c, "ferry_op/copy");
    assert.deepEqual(copy.target, byAnyId(P, F, "from_domid"));
    assert.deepEqual(copy.operands, { to_domain: "target" });
    assert.deepEqual(copy.checks, [
      xsm("ferry_copy", "HOOK", { from: "target", to: "to_domain" }, at(P, F, "xsm_ferry_copy("), {
        note: "via do_ferry_op -> ferry_copy_one -> ferry_lock_ends",
      }),
    ]);
  });

  test("a hook every valid case of a run-time switch makes is unconditional; the other values fail", async () => {
    const c = await extract(P);
    const via = "via do_ferry_op -> ferry_bind";
    assert.deepEqual(op(c, "ferry_op/bind").checks, [
      xsm("ferry_bind", "DM_PRIV", { d: "target" }, at(P, F, "int rc = xsm_ferry_bind("), {
        note: `${via} -> ferry_bind_line`,
      }),
      {
        kind: "gate",
        require: {
          any: [
            "runtime:kind == FERRY_BIND_LINE",
            "runtime:kind == FERRY_BIND_EDGE",
            "runtime:kind == FERRY_BIND_PULSE",
          ],
        },
        error: "-EINVAL",
        ref: at(P, F, "default:", 1),
        note: via,
      },
    ]);
  });

  test("a hook chosen by an argument constant: the constant's case is a variant of its own", async () => {
    const c = await extract(P);
    assert.deepEqual(op(c, "ferry_op/dock").checks, [
      xsm("ferry_dock_one", "TARGET", { d: "current", t: "target" }, at(P, F, "xsm_ferry_dock_one(")),
    ]);
    const any = op(c, "ferry_op/dock/any");
    assert.deepEqual(any.checks, [
      xsm("ferry_dock_any", "PRIV", { d: "current" }, at(P, F, "xsm_ferry_dock_any(")),
    ]);
    assert.match(any.summary, /with op\.u\.dock\.partner == FERRY_DOMID_ANY$/);
  });

  test("a dummy.h function that only fails is a gate only an XSM module of its own passes", async () => {
    const c = await extract(P);
    assert.deepEqual(op(c, "ferry_op/module").checks, [
      {
        kind: "gate",
        require: `runtime:an XSM module with its own xsm_ferry_module_op (dummy.h's returns -ENOSYS, ${at(P, DUMMY_H, "xsm_ferry_module_op(")})`,
        error: "-ENOSYS",
        ref: at(P, F, "rc = xsm_ferry_module_op("),
      },
    ]);
  });

  test("a header's flag macro, false where Kconfig cannot have the feature, takes the sub-op off that arch", async () => {
    const c = await extract(P);
    const fast = op(c, "ferry_op/fast");
    assert.deepEqual(fast.arch, ["arm"]);
    assert.deepEqual(fast.checks, [
      // `if ( ferry_fast_enabled ) rc = xsm_...; else rc = -EOPNOTSUPP;`: refused while the flag is off
      {
        kind: "gate",
        require: "runtime:ferry_fast_enabled",
        error: "-EOPNOTSUPP",
        ref: at(P, F, "if ( ferry_fast_enabled )"),
      },
      xsm("ferry_bind", "DM_PRIV", { d: "current" }, at(P, F, "rc = xsm_ferry_bind(XSM_DM_PRIV, current"), {
        when: "runtime:ferry_fast_enabled",
      }),
    ]);
  });

  test("a helper that jumps to its exit with the result still 0 leaves with success: the hook after it is conditional", async () => {
    const c = await extract(P);
    const [check] = op(c, "ferry_op/ping").checks;
    assert.equal(check?.kind, "xsm");
    assert.deepEqual(check?.when, { not: { any: [{ not: "runtime:dst" }, { not: "runtime:dst->ferry" }] } });
  });
});

describe("call sites of checks kept as run-time gates", () => {
  test("are still reached by their operation (reachedBy)", async () => {
    const filter = await extract("filter");
    assert.deepEqual(filter.extraction?.callSites.find((s) => s.hook === "roster_info")?.reachedBy, [
      "roster_op/list",
    ]);
    const other = await extract("other-runtime");
    const turn = at("other-runtime", "xen/common/dial.c", "xsm_dial_turn(XSM_OTHER, d, op.mode)");
    assert.deepEqual(other.extraction?.callSites.find((s) => s.ref === turn)?.reachedBy, ["dial_op/turn"]);
  });
});

describe("bad input", () => {
  const tmp = mkdtempSync(join(tmpdir(), "xenpriv-extract-"));
  after(() => rmSync(tmp, { recursive: true, force: true }));

  async function inputError(root: string): Promise<InputError> {
    try {
      await extractCatalogue(root);
    } catch (e) {
      assert.ok(e instanceof InputError, `an InputError, not ${String(e)}`);
      return e;
    }
    assert.fail(`${root} was extracted`);
  }

  test("a directory that is not a Xen tree: extract/not-a-xen-tree naming the missing file", async () => {
    const empty = join(tmp, "empty");
    mkdirSync(empty);
    const e = await inputError(empty);
    assert.equal(e.diagnostics.length, 1);
    assert.equal(e.diagnostics[0]?.code, "extract/not-a-xen-tree");
    assert.match(e.diagnostics[0]?.message ?? "", /`xen\/include\/xsm\/dummy\.h` is missing/);
    assert.equal(e.diagnostics[0]?.span?.file, join(empty, DUMMY_H));

    // everything but xen/common/domctl.c
    const partial = join(tmp, "partial");
    for (const f of [DUMMY_H, DEFS]) {
      mkdirSync(dirname(join(partial, f)), { recursive: true });
      copyFileSync(join(PATTERNS, "case-labels", f), join(partial, f));
    }
    const p = await inputError(partial);
    assert.equal(p.diagnostics[0]?.code, "extract/not-a-xen-tree");
    assert.match(p.diagnostics[0]?.message ?? "", /`xen\/common\/domctl\.c` is missing/);
  });

  test("a path that does not exist", async () => {
    const e = await inputError(join(tmp, "nowhere"));
    assert.equal(e.diagnostics[0]?.code, "extract/not-a-directory");
  });

  test("hypercall-defs.c without `table:`: an InputError naming that file", async () => {
    const root = join(PATTERNS, "bad-no-table");
    const e = await inputError(root);
    assert.equal(e.diagnostics.length, 1);
    assert.equal(e.diagnostics[0]?.code, "extract/hypercall-defs");
    assert.equal(e.diagnostics[0]?.severity, "error");
    assert.match(e.diagnostics[0]?.message ?? "", /no `table:` line/);
    assert.equal(e.diagnostics[0]?.span?.file, join(root, DEFS));
  });

  /** A copy of a pattern tree with one file rewritten. */
  function treeWith(name: string, file: string, edit: (text: string) => string): string {
    const root = join(tmp, name);
    cpSync(join(PATTERNS, "case-labels"), root, { recursive: true });
    writeFileSync(join(root, file), edit(readFileSync(join(root, file), "utf8")));
    return root;
  }

  test("dummy.h without xsm_default_action(): extract/no-default-action, not a catalogue that fails later", async () => {
    const root = treeWith("no-default", DUMMY_H, (t) =>
      t.replace(/xsm_default_action\(\n/, "xsm_other_action(\n"),
    );
    const e = await inputError(root);
    assert.equal(e.diagnostics[0]?.code, "extract/no-default-action");
    assert.equal(e.diagnostics[0]?.span?.file, join(root, DUMMY_H));
    assert.match(e.diagnostics[0]?.message ?? "", /defines no xsm_default_action/);
  });

  test("a policy it cannot read whole is refused, located, before the C files are parsed", async () => {
    const jumps = readFileSync(
      new URL(
        "../../test/fixtures/extract/hooks-default-inner-label/xen/include/xsm/dummy.h",
        import.meta.url,
      ),
      "utf8",
    ).replace(
      "    if ( evaluate_nospec(src == target) )\n",
      "    while ( evaluate_nospec(src == target) )\n",
    );
    const root = treeWith("unread-policy", DUMMY_H, () => jumps);
    // a C file that would fail the parse (extract/too-deep): the policy's refusal comes first
    writeFileSync(join(root, "xen/common/deep.c"), `long x = ${"(".repeat(20000)}1${")".repeat(20000)};\n`);
    const e = await inputError(root);
    assert.deepEqual(
      e.diagnostics.map((d) => [d.code, d.span?.line, d.span?.column]),
      [
        ["extract/default-action-unread", 13, 9],
        ["extract/default-action-unread", 16, 5],
        // and so the hook that asserts XSM_XS_PRIV has no case to go to
        ["extract/action-without-case", 37, 23],
      ],
    );
    assert.equal(e.diagnostics[0]?.span?.file, join(root, DUMMY_H));
    assert.match(e.diagnostics[1]?.message ?? "", /`case XSM_XS_PRIV:` inside a block is a jump/);
  });

  test("a `table:` without rows: extract/hypercall-defs", async () => {
    const root = treeWith("no-rows", DEFS, (t) => t.replace(/^widget_op .*$/m, ""));
    const e = await inputError(root);
    assert.equal(e.diagnostics[0]?.code, "extract/hypercall-defs");
    assert.match(e.diagnostics[0]?.message ?? "", /has no rows/);
  });

  test("a case label that makes no operation id is said in extraction.unresolved, not written", async () => {
    const root = treeWith("bad-label", "xen/common/widget.c", (t) =>
      t.replace("case WIDGETOP_reset:", "case WIDGETOP_reset + 1:"),
    );
    const c = await extractCatalogue(root);
    assertValid(c);
    assert.ok(!c.operations.some((o) => o.id.includes("+")));
    assert.ok(
      c.extraction?.unresolved.some((u) => /not a valid operation/.test(u.reason) && u.what.includes("+")),
    );
  });

  test("a FIFO named like a C file is not read (it would block forever)", async () => {
    const root = treeWith("fifo", DEFS, (t) => t);
    execFileSync("mkfifo", [join(root, "xen/common/pipe.c")]);
    const c = await extractCatalogue(root);
    assert.deepEqual(ids(c), ids(await extract("case-labels")));
  });

  test("expressions nested too deep to follow: extract/too-deep naming the function", async () => {
    const deep = `${"(".repeat(20000)}1${")".repeat(20000)}`;
    const root = treeWith("deep", "xen/common/widget.c", (t) =>
      t.replace("long ret;", `long ret = ${deep};`),
    );
    const e = await inputError(root);
    assert.equal(e.diagnostics[0]?.code, "extract/too-deep");
    assert.equal(e.diagnostics[0]?.span?.file, join(root, "xen/common/widget.c"));
  });
});

describe("refusals outside XSM that decide (decision-gates)", () => {
  const P = "decision-gates";
  const F = "xen/common/domctl.c";
  const op = async (id: string) => {
    const found = (await extract(P)).operations.find((o) => o.id === id);
    assert.ok(found, `${id} extracted`);
    return found;
  };
  const gates = async (id: string) =>
    (await op(id)).checks.filter((c) => c.kind === "gate").map((c) => [c.require, c.error, c.ref]);

  test("a label inside the lookup's block starts there: createdomain looks nothing up", async () => {
    const c = await op("domctl/createdomain");
    assert.deepEqual(c.target, { kind: "none" });
    assert.deepEqual(c.checks[0]?.kind === "xsm" && c.checks[0].args, { d: "null" });
  });

  test("a lookup failure for every sub-op but getdomaininfo is the lookup's error", async () => {
    const c = await extract(P);
    assert.deepEqual(
      c.lookups.map((l) => [l.name, l.missingError, l.ref]),
      [["domctl", "-ESRCH", at(P, F, "if ( !d && op->cmd")]],
    );
    assert.deepEqual(c.extraction?.unresolved, []);
  });

  test("DOMID_IO named by the guest makes dom_io a target of assign_device only", async () => {
    assert.deepEqual((await op("domctl/assign_device")).target, {
      kind: "domain",
      field: "domain",
      lookup: "domctl",
      system: ["dom_io"],
      ref: at(P, F, "d = rcu_lock_domain_by_id"),
    });
    const pause = (await op("domctl/pausedomain")).target;
    assert.deepEqual(pause.kind === "domain" && pause.system, []);
  });

  test("an error left standing unless the target is another domain is a gate on self", async () => {
    assert.deepEqual(await gates("domctl/pausedomain"), [
      [{ not: "self" }, "-EINVAL", at(P, F, "if ( d != current->domain )")],
    ]);
  });

  test("the static part of a failing disjunction is a gate; its run-time part is not", async () => {
    assert.deepEqual(await gates("domctl/max_vcpus"), [
      [{ not: "self" }, "-EINVAL", at(P, F, "if ( (d == current->domain) ||")],
    ]);
  });

  test("a one-expression predicate is read through with its parameter bound to the target", async () => {
    assert.deepEqual(await gates("domctl/access_check"), [
      ["target.hvm-like", "-EINVAL", at(P, F, "if ( !fixture_access_ok(d) )")],
    ]);
  });
});

test("a promise of meta that fails fails the extraction with its own error, before the tree's", async () => {
  const mismatch = () =>
    Promise.reject(
      new InputError([{ code: "extract/commit-mismatch", severity: "error", message: "not it" }]),
    );
  const codeOf = (p: Promise<unknown>) =>
    p.then(
      () => "no error",
      (e: unknown) => (e instanceof InputError ? e.diagnostics[0]?.code : String(e)),
    );
  // a tree that extracts, and one that is no tree: the meta's error either way
  assert.equal(
    await codeOf(extractCatalogue(join(PATTERNS, "case-labels"), { meta: mismatch() })),
    "extract/commit-mismatch",
  );
  assert.equal(
    await codeOf(extractCatalogue(join(PATTERNS, "no-such-tree"), { meta: mismatch() })),
    "extract/commit-mismatch",
  );
  assert.equal(
    await codeOf(extractCatalogue(join(PATTERNS, "no-such-tree"), { meta: Promise.resolve({}) })),
    "extract/not-a-directory",
  );
  // the meta a promise gives is the catalogue's
  const c = await extractCatalogue(join(PATTERNS, "case-labels"), {
    meta: Promise.resolve({ xen: "4.99.0", tag: "T" }),
  });
  assert.equal(c.meta.xen, "4.99.0");
  assert.equal(c.meta.tag, "T");
});
