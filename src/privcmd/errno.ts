/**
 * The errno values privcmd and the filters return, as Linux numbers them
 * (include/uapi/asm-generic/errno-base.h and errno.h; Xen's public errno.h uses the same values).
 */
export const ERRNO: Readonly<Record<string, number>> = {
  EPERM: 1,
  ENOENT: 2,
  EFAULT: 14,
  EACCES: 13,
  ENODEV: 19,
  EINVAL: 22,
  ENOTTY: 25,
  E2BIG: 7,
  ENOSYS: 38,
  ELOOP: 40,
  ENODATA: 61,
  EOPNOTSUPP: 95,
  ENOKEY: 126,
  EKEYREJECTED: 129,
  EBADMSG: 74,
};

/** The number of an errno name; unknown names are a bug in the facts, which their tests catch. */
export function errnoNumber(name: string): number {
  const n = ERRNO[name];
  if (n === undefined) throw new Error(`unknown errno ${name}`);
  return n;
}

/** The name of an errno number (the first, for aliases). */
export function errnoName(n: number): string {
  return Object.entries(ERRNO).find(([, v]) => v === n)?.[0] ?? String(n);
}
