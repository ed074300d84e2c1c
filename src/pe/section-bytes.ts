import type { PeImage, PeSection } from "./read-pe.js";

/**
 * A section's contents as `objcopy -O binary --only-section=NAME` writes them: BFD's size (`section.size`)
 * of bytes from the section's file offset, for a section with contents in the file that is allocated;
 * nothing for the others (uninitialised data without raw data, sections without
 * CNT_CODE / CNT_INITIALIZED_DATA flags, debugging sections). One difference: for an allocated section
 * that is not loaded (uninitialised data that does have raw data) objcopy puts the bytes at their LMA
 * after zeros, since no loaded section gives the file a start; this gives the bytes alone.
 * The result is a view into the image's bytes.
 */
export function sectionBytes(image: PeImage, section: PeSection): Uint8Array {
  if (!section.contents || !section.alloc || section.size === 0) return image.bytes.subarray(0, 0);
  // readPe checked that the raw data is inside the file, and BFD's size is never more than the raw size
  // when the section has contents
  const end = Math.min(section.fileOffset + section.size, image.bytes.byteLength);
  return image.bytes.subarray(section.fileOffset, end);
}
