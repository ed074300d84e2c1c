import type { PeImage, PeSection } from "./read-pe.js";

/** The first section with this name (long names resolved), as objcopy's `--only-section` finds it. */
export function findSection(image: PeImage, name: string): PeSection | undefined {
  return image.sections.find((s) => s.name === name);
}
