/**
 * The sizes xenpriv refuses to go past, so that no input can crash it, hang it or eat the machine.
 * README's "Limits" section lists them; each is checked where the input is read.
 */
export const LIMITS = {
  /** bytes of one input file, and of a device tree's `/include/` and `/incbin/` files together */
  inputBytes: 64 * 2 ** 20,
  /** bytes of one YAML or JSON document: every node is kept with its position (about 170 bytes of
   * memory per byte of YAML), and a 32,752-domain system is about 4 MiB */
  documentBytes: 16 * 2 ** 20,
  /** nested collections in a YAML or JSON document (the deepest shipped file has 14) */
  nesting: 100,
  /** nested `#if` in a C file the extractor reads (C requires 63; Xen nests a few) */
  conditionalNesting: 256,
  /** nodes that aliases (`*name`) add to a YAML document when expanded: an alias bomb stops here */
  aliasNodes: 1_000_000,
  /** words on xenpriv's own command line */
  arguments: 10_000,
  /** diagnostics printed for one run; the rest are counted ("and N more") */
  printedDiagnostics: 100,
} as const;
