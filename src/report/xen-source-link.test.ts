import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { XEN_SOURCE_URL, xenSourceLink } from "./xen-source-link.js";

const commit = "d45d5687f1441495f4ee20d5e9940066c5fa5beb";

describe("xenSourceLink", () => {
  test("a path:line opens that line at the catalogue's commit in xenbits' gitweb", () => {
    assert.equal(
      xenSourceLink("xen/common/domctl.c:370", { template: XEN_SOURCE_URL, commit }),
      `https://xenbits.xen.org/gitweb/?p=xen.git;a=blob;f=xen/common/domctl.c;hb=${commit}#l370`,
    );
  });

  test("a range opens its first line; another template is filled the same way", () => {
    assert.equal(
      xenSourceLink("xen/include/xsm/dummy.h:97-100", {
        template: "https://gitlab.com/xen-project/xen/-/blob/{commit}/{path}#L{line}",
        commit: "RELEASE-4.22.0",
      }),
      "https://gitlab.com/xen-project/xen/-/blob/RELEASE-4.22.0/xen/include/xsm/dummy.h#L97",
    );
  });

  test("a line of a proposal's patched file opens the posting, not the commit", () => {
    assert.equal(
      xenSourceLink("xen/include/xsm/dummy.h:101 (20250306220343.203047-16-jason.andryuk@amd.com)", {
        template: XEN_SOURCE_URL,
        commit,
      }),
      "https://lore.kernel.org/xen-devel/20250306220343.203047-16-jason.andryuk@amd.com/",
    );
  });

  test("no link for what is not a path:line, nor without a commit", () => {
    assert.equal(
      xenSourceLink("20250306220343.203047-16-jason.andryuk@amd.com", { template: XEN_SOURCE_URL, commit }),
      undefined,
    );
    assert.equal(xenSourceLink("the hypercall table", { template: XEN_SOURCE_URL, commit }), undefined);
    assert.equal(
      xenSourceLink("xen/common/domctl.c:370", { template: XEN_SOURCE_URL, commit: "" }),
      undefined,
    );
  });
});
