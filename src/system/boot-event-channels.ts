import type { Diagnostic } from "../core/diagnostic.js";
import type { DtNode } from "../devicetree/device-tree.js";
import { nodeByPhandle } from "../devicetree/find-node.js";
import { type BootContext, bootFinding, builtWith, OPTIONS } from "./boot-context.js";
import { type BootDomain, DOMAIN_CAPS } from "./device-tree-system.js";
import { isCompatible, xenReadCells, xenReadString } from "./xen-dt-property.js";

const EVT = "xen/common/device-tree/static-evtchn.c";

/** The ports a domain may bind at boot: its max_evtchn_port and the 2-level ABI's 4096 (event_channel.c:200-203). */
function maxPort(d: BootDomain): number {
  const unlimited = !d.node || ((d.capabilities ?? 0) & (DOMAIN_CAPS.hardware | DOMAIN_CAPS.xenstore)) !== 0;
  // 1023 for other dom0less domains (dom0less-bindings.c:30), 4096 channels in the 2-level ABI
  return unlimited ? 4095 : 1023;
}

/** Whether the domain asks for xenstore, so that its store event channel takes the first free port. */
function usesXenstore(d: BootDomain): boolean {
  if (!d.node || ((d.capabilities ?? 0) & DOMAIN_CAPS.xenstore) !== 0) return false;
  const enhanced = xenReadString(d.node, "xen,enhanced");
  return enhanced === "-ENODATA" || enhanced === "-EILSEQ" || enhanced === "enabled" || enhanced === "legacy";
}

/**
 * Static event channels (`xen,evtchn-v1`), as alloc_static_evtchn() binds them after every domain is
 * built (static-evtchn.c:128-160): nodes under `/chosen` only when there is a hardware domain, nodes
 * one level below in any case; each pair must point at each other and name owned ports that are free.
 */
export function eventChannelRules(ctx: BootContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  const { dts } = ctx;
  const candidates: DtNode[] = [];
  for (const child of dts.chosen.children) {
    candidates.push(child);
    for (const c of child.children) candidates.push(c);
  }
  const channels = candidates.filter((n) => isCompatible(n, "xen,evtchn-v1"));
  for (const n of candidates)
    if (isCompatible(n, "xen,evtchn") && !isCompatible(n, "xen,evtchn-v1"))
      out.push(
        bootFinding(
          "event-channel-compatible",
          `\`${n.path}\` is \`xen,evtchn\`, which Xen does not look for: no event channel is made`,
          n,
          "compatible",
          `${EVT}:45`,
          'booting.txt says "xen,evtchn" but Xen matches only "xen,evtchn-v1": use that',
          "warning",
        ),
      );
  if (channels.length === 0) return out;
  const first = channels[0] as DtNode;
  if (!builtWith(ctx, OPTIONS.staticEvtchn, first, "compatible", out)) {
    out.push(
      bootFinding(
        "event-channel-not-built",
        `\`${first.path}\`: Xen is built without CONFIG_STATIC_EVTCHN, so its static event channels are not made`,
        first,
        "compatible",
        "xen/include/xen/static-evtchn.h:6-14",
        "build Xen with CONFIG_STATIC_EVTCHN=y (its default)",
        "warning",
      ),
    );
    return out;
  }
  const ownerOf = (parent: DtNode): BootDomain | undefined =>
    ctx.domainOf.get(parent) ??
    // `/chosen` is the hardware domain's; any other parent keeps used_by 0 (xen/include/xen/device_tree.h:85)
    (parent === dts.chosen ? ctx.hardware : ctx.dom0);
  const parentOf = new Map<DtNode, DtNode>();
  for (const child of dts.chosen.children) {
    parentOf.set(child, dts.chosen);
    for (const c of child.children) parentOf.set(c, child);
  }
  const xenstoreExists =
    !!ctx.dom0 || dts.domains.some((d) => ((d.capabilities ?? 0) & DOMAIN_CAPS.xenstore) !== 0);
  const used = new Map<BootDomain, Set<number>>();
  const portsOf = (d: BootDomain): Set<number> => {
    let s = used.get(d);
    if (!s) {
      // the xenstore channel is allocated first (dom0less-build.c:921, before setup.c:482), at port 1
      s = new Set(usesXenstore(d) && xenstoreExists ? [1] : []);
      used.set(d, s);
    }
    return s;
  };
  const done = new Set<DtNode>();
  // an end whose `xen,evtchn` is reported once, whichever side reads it
  const invalid = new Set<DtNode>();
  for (const node of channels) {
    if (done.has(node)) continue;
    if (parentOf.get(node) === dts.chosen && !ctx.hardware) {
      out.push(
        bootFinding(
          "event-channel-ignored",
          `\`${node.path}\` is directly under \`/chosen\` and there is no hardware domain to own it: Xen skips it`,
          node,
          "compatible",
          `${EVT}:135-144`,
          "event channels under `/chosen` belong to the hardware domain; put this one in a `xen,domain` node",
          "warning",
        ),
      );
      continue;
    }
    const fail = (n: DtNode, message: string, at: string, help: string) =>
      out.push(
        bootFinding("event-channel", `\`${n.path}\`: ${message}`, n, "xen,evtchn", `${EVT}:${at}`, help),
      );
    const read = (n: DtNode): number[] | undefined => {
      if (invalid.has(n)) return undefined;
      const cells = xenReadCells(n, "xen,evtchn");
      if (cells && cells.length >= 2) return cells;
      invalid.add(n);
      if (!cells)
        fail(
          n,
          'no `xen,evtchn`: Xen panics "xen,evtchn property should not be empty."',
          "16-21",
          "add `xen,evtchn = <port &other-end>;`",
        );
      else
        fail(
          n,
          '`xen,evtchn` has fewer than 2 cells: Xen panics "xen,evtchn property value is not valid."',
          "23-27",
          "give a port and the phandle of the other end",
        );
      return undefined;
    };
    const mine = read(node);
    if (!mine) continue;
    const remote = nodeByPhandle(dts.tree, mine[1] as number);
    if (!remote) {
      fail(
        node,
        'the other end\'s phandle resolves to no node: Xen panics "could not find remote evtchn phandle"',
        "59-65",
        "point at the other end's `xen,evtchn-v1` node",
      );
      continue;
    }
    const theirs = read(remote);
    if (!theirs) continue;
    if (theirs[1] !== node.phandle) {
      fail(
        node,
        `its other end \`${remote.path}\` does not point back at it: Xen panics "xen,evtchn property is not setup correctly."`,
        "71-75",
        "the two ends name each other",
      );
      continue;
    }
    done.add(node);
    done.add(remote);
    const ends: [DtNode, number][] = [
      [node, mine[0] as number],
      [remote, theirs[0] as number],
    ];
    const owners = ends.map(([n]) => {
      const parent = parentOf.get(n);
      return parent ? ownerOf(parent) : undefined;
    });
    if (owners.some((o) => !o)) {
      fail(
        node,
        'an end has no domain to belong to: Xen panics "evtchn: could not find domains"',
        "91-98",
        "put both ends in `xen,domain` nodes (or under `/chosen` for the hardware domain)",
      );
      continue;
    }
    ends.forEach(([n, port], i) => {
      const owner = owners[i] as BootDomain;
      const ports = portsOf(owner);
      const max = maxPort(owner);
      if (port > max)
        fail(
          n,
          `port ${port} is above ${max}, the highest \`${owner.domain.name}\` may bind at boot: Xen panics`,
          "100-120",
          "dom0less domains other than the hardware and xenstore domains have ports up to 1023 (dom0less-bindings.c:30)",
        );
      else if (port !== 0 && ports.has(port))
        fail(
          n,
          `port ${port} of \`${owner.domain.name}\` is taken already${port === 1 && usesXenstore(owner) ? " by its xenstore event channel" : ""}: Xen panics`,
          "100-120",
          "give each end its own port (0 picks a free one)",
        );
      if (port !== 0) ports.add(port);
    });
  }
  return out;
}
