import { z } from "zod";
import { type Diagnostic, error } from "../core/diagnostic.js";
import { InputError } from "../core/errors.js";
import { parseSource, type SourceDoc } from "../core/source-doc.js";
import { formatSpan } from "../core/span.js";
import { didYouMean } from "../core/suggest.js";
import { ERRNO } from "./errno.js";
import type { LinuxPrivcmd } from "./filter-facts.js";
import type { HypercallCatalogue } from "./hypercall-catalogue.js";
import type { Profile, ProfileRule } from "./profile.js";

const Errno = z.string();
const RuleSchema = z.strictObject({
  /** a privcmd ioctl; `HYPERCALL` when a hypercall is named */
  ioctl: z.string().optional(),
  hypercall: z.string().optional(),
  subops: z.array(z.string()).min(1).optional(),
  action: z.enum(["allow", "deny"]),
  errno: Errno.optional(),
});

/** A filter profile written by a user, in YAML or JSON. */
export const ProfileFileSchema = z.strictObject({
  profile: z.string().min(1),
  title: z.string().optional(),
  default: z.enum(["allow", "deny"]).default("deny"),
  errno: Errno.default("EPERM"),
  rules: z.array(RuleSchema),
});

const KEYS: Record<string, readonly string[]> = {
  "": Object.keys(ProfileFileSchema.shape),
  rules: Object.keys(RuleSchema.shape),
};

function zodDiagnostics(err: z.ZodError, doc: SourceDoc): Diagnostic[] {
  return err.issues.flatMap((issue): Diagnostic[] => {
    const path = issue.path.filter((p): p is string | number => typeof p !== "symbol");
    const keys = KEYS[typeof path[0] === "string" && path[0] === "rules" ? "rules" : ""] ?? [];
    if (issue.code === "unrecognized_keys")
      return issue.keys.map((k) =>
        error(
          "privcmd-profile/unknown-key",
          `unknown key \`${k}\``,
          doc.spanOf([...path, k], true),
          didYouMean(k, keys) ?? `known keys: ${keys.join(", ")}`,
        ),
      );
    const where = path.length ? `\`${path.join(".")}\`: ` : "";
    const message = issue.message.replace(/^Invalid input: /, "").replace(/^./, (c) => c.toLowerCase());
    return [error("privcmd-profile/invalid", `${where}${message}`, doc.spanOf(path))];
  });
}

/**
 * A user's filter profile, checked against the hypercall catalogue and privcmd's ioctls: every
 * problem is reported at its line and column, with suggestions for misspelt names.
 */
export function parseProfile(
  text: string,
  file: string,
  catalogue: HypercallCatalogue,
  linux: LinuxPrivcmd,
): Profile {
  const { doc, diagnostics } = parseSource(text, file, "privcmd-profile");
  if (!doc) throw new InputError(diagnostics);
  const parsed = ProfileFileSchema.safeParse(doc.value);
  if (!parsed.success) throw new InputError(zodDiagnostics(parsed.error, doc));
  const p = parsed.data;
  const problems: Diagnostic[] = [];
  const known = (what: string, name: string, names: readonly string[], path: (string | number)[]) => {
    if (names.includes(name)) return true;
    problems.push(
      error(
        `privcmd-profile/unknown-${what}`,
        `unknown ${what} \`${name}\``,
        doc.spanOf(path),
        didYouMean(name, names),
      ),
    );
    return false;
  };
  const errnos = Object.keys(ERRNO);
  known("errno", p.errno, errnos, ["errno"]);
  const rules = p.rules.map((r, i): ProfileRule => {
    const ioctl = r.ioctl ?? "HYPERCALL";
    known(
      "ioctl",
      ioctl,
      linux.ioctls.map((x) => x.name),
      ["rules", i, "ioctl"],
    );
    if (r.errno) known("errno", r.errno, errnos, ["rules", i, "errno"]);
    if (ioctl !== "HYPERCALL" && (r.hypercall || r.subops))
      problems.push(
        error(
          "privcmd-profile/invalid",
          `a rule for \`${ioctl}\` names no hypercall`,
          doc.spanOf(["rules", i]),
        ),
      );
    if (r.subops && !r.hypercall)
      problems.push(
        error("privcmd-profile/invalid", "`subops` needs a `hypercall`", doc.spanOf(["rules", i, "subops"])),
      );
    if (r.hypercall) {
      const h = catalogue.hypercalls.find((x) => x.name === r.hypercall);
      if (
        known(
          "hypercall",
          r.hypercall,
          catalogue.hypercalls.map((x) => x.name),
          ["rules", i, "hypercall"],
        ) &&
        h
      )
        for (const [j, s] of (r.subops ?? []).entries())
          known(
            "sub-op",
            s,
            h.subops.map((x) => x.name),
            ["rules", i, "subops", j],
          );
    }
    return {
      ioctl,
      ...(r.hypercall && { hypercall: r.hypercall }),
      ...(r.subops && { subops: r.subops }),
      action: r.action,
      errno: r.errno ?? p.errno,
      at: formatSpan(doc.spanOf(["rules", i])),
    };
  });
  if (problems.length) throw new InputError(problems);
  return {
    kind: "rules",
    id: p.profile,
    title: p.title ?? `${p.profile} (${file})`,
    rules,
    defaultAction: p.default,
    defaultErrno: p.errno,
    file,
  };
}
