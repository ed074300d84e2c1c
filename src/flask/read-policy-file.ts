import { readInput } from "../core/read-input.js";
import type { FlaskPolicy } from "./policydb.js";
import { readPolicy } from "./read-policy.js";

/** Reads a policy file: unreadable files and bad policies are InputErrors. */
export function readPolicyFile(path: string): FlaskPolicy {
  const bytes = readInput(path, {
    code: "flask/unreadable",
    what: "Flask policy",
    help: "a compiled policy, e.g. xenpolicy-4.22.0 (`xenpriv flask build <xen-tree>` makes one)",
  });
  return readPolicy(bytes, path);
}
