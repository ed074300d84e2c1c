import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseEfiLoadOptions } from "./efi-load-options.js";

describe("EFI load options as get_argv splits them", () => {
  test("a bare word names the section; the text after `--` is kept verbatim", () => {
    const o = parseEfiLoadOptions("xen.efi mysection -- loglvl=all  console=com1");
    assert.equal(o.section, "mysection");
    assert.equal(o.xenOptions, "loglvl=all  console=com1");
    assert.equal(o.xenOptionsAt, 21);
  });

  test("the image name is not a section; the last bare word wins", () => {
    assert.equal(parseEfiLoadOptions("xen.efi").section, undefined);
    assert.equal(parseEfiLoadOptions("xen.efi a b").section, "b");
  });

  test("TAB separates loader words, unlike Xen's own parser", () => {
    const o = parseEfiLoadOptions("xen.efi\t-mapbs\tsec\t--\tx=1\ty=2");
    assert.equal(o.mapBs, true);
    assert.equal(o.section, "sec");
    assert.equal(o.xenOptions, "x=1\ty=2");
  });

  test("-cfg=<file> and -cfg <file>; unknown dash words are reported", () => {
    assert.equal(parseEfiLoadOptions("xen.efi -cfg=alt.cfg").cfgFile, "alt.cfg");
    const o = parseEfiLoadOptions("xen.efi /cfg other.cfg -basevideo -fast");
    assert.equal(o.cfgFile, "other.cfg");
    assert.equal(o.baseVideo, true);
    assert.deepEqual(o.unknown, ["-fast"]);
  });

  test("`--` as the last word leaves no Xen options; `--x` is not the separator", () => {
    assert.equal(parseEfiLoadOptions("xen.efi sec --").xenOptions, undefined);
    const o = parseEfiLoadOptions("xen.efi --x y");
    assert.equal(o.xenOptions, undefined);
    assert.deepEqual(o.unknown, ["--x"]);
    assert.equal(o.section, "y");
  });
});
