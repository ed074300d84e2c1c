/** One call a dom0 (or domU) process makes on /dev/xen/privcmd, as the emulator takes it. */
export interface PrivcmdCall {
  /** the ioctl without `IOCTL_PRIVCMD_`: `HYPERCALL`, `DM_OP`, `MMAPBATCH_V2`, `RESTRICT`… */
  readonly ioctl: string;
  /** for HYPERCALL: the hypercall and its sub-op, by name (`domctl`, `createdomain`) */
  readonly hypercall?: string;
  readonly subop?: string;
  /**
   * the sub-op as the number the process passed, when it gave one: a filter that masks sub-op numbers
   * (memory_op's `cmd & 0x3f`) compares its masked bits
   */
  readonly subopValue?: number;
  /**
   * The domain the call acts on: the ioctl's `dom` (DM_OP, MMAP*, RESTRICT) or, for a hypercall,
   * the domain its structure names.
   */
  readonly dom?: number;
  /** numeric fields of the argument the filters read (`altp2m_opts`) */
  readonly fields?: Readonly<Record<string, number>>;
  /** an inner sub-op (numa_op `get_node_pages`, livepatch `upload`, mmuext `pin_l1_table`) */
  readonly inner?: string;
  /** kexec_load: segment 0 carries a valid signature */
  readonly signed?: boolean;
  /** assign_device: the device is a PCI device */
  readonly pci?: boolean;
  /** a multicall's entries */
  readonly entries?: readonly PrivcmdCall[];
  /** DM_OP: the number of buffers and the largest one's size */
  readonly bufs?: number;
  readonly bufSize?: number;
}

/** Where the calling process runs, and its file descriptor's state. */
export interface PrivcmdContext {
  /** `dom0`: mainline privcmd starts unrestricted; `domU`: XSA-482 restricts every fd */
  readonly domain: "dom0" | "domU";
  /** the fd's restriction (a domid); absent: unrestricted */
  readonly restrictedTo?: number;
  /** domU: Xenstore's `target` for this domain (absent: missing or unreadable) */
  readonly xsTarget?: number;
  /** domU: the `unrestricted` module parameter */
  readonly unrestricted?: boolean;
  /** the dom0 or domU kernel is locked down (LOCKDOWN_XEN_USER_ACTIONS and above) */
  readonly lockedDown?: boolean;
  /**
   * the kernel is built with the option that lets the XenServer filter verify a kexec image
   * (CONFIG_SIGNED_PE_FILE_VERIFICATION); absent: assumed built with it
   */
  readonly kexecSignatureCheck?: boolean;
}
