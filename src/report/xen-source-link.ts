/**
 * Where a reader opens a line of Xen's source: the public repository browser, at a commit, with its
 * line anchor. `{path}`, `{line}` and `{commit}` are replaced; another browser (a GitLab or GitHub
 * mirror, a local cgit) is another template.
 */
export const XEN_SOURCE_URL = "https://xenbits.xen.org/gitweb/?p=xen.git;a=blob;f={path};hb={commit}#l{line}";

/** Where a proposal's message-id is read: the xen-devel archive. */
export const POSTING_URL = "https://lore.kernel.org/xen-devel/{id}/";

/** The fields a source URL template must name. */
export const SOURCE_URL_FIELDS = ["{path}", "{line}"] as const;

/** A `path:line` of a step, or `path:line (message-id)` when the line is in a proposal's patched file. */
const REF = /^([\w./+-]+):(\d+)(?:-\d+)?(?: \(([^()\s]+@[^()\s]+)\))?$/;

export interface SourceLinkOptions {
  /** the URL template (`XEN_SOURCE_URL` by default) */
  readonly template: string;
  /** the catalogue's commit (or tag) the lines are read at; empty when unknown */
  readonly commit: string;
}

/**
 * The address of a step's reference: its line at the catalogue's commit, or the posting of the
 * proposal it belongs to (whose lines are not at that commit); undefined when it is neither, or
 * when the commit is unknown.
 */
export function xenSourceLink(ref: string, o: SourceLinkOptions): string | undefined {
  const m = REF.exec(ref);
  if (!m) return undefined;
  const [, path, line, posting] = m as unknown as [string, string, string, string | undefined];
  if (posting) return POSTING_URL.replace("{id}", encodeURIComponent(posting).replaceAll("%40", "@"));
  if (!o.commit) return undefined;
  return o.template
    .replaceAll("{path}", path.split("/").map(encodeURIComponent).join("/"))
    .replaceAll("{line}", line)
    .replaceAll("{commit}", encodeURIComponent(o.commit));
}
