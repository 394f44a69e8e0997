/** WASI preview1 `errno` values (witx `typenames.witx`, enum `errno`, u16) that our subset returns. */
export const ERRNO = {
  SUCCESS: 0,
  BADF: 8,
  FAULT: 21,
  INVAL: 28,
  IO: 29,
  NOSYS: 52,
  NOTSUP: 58,
  SPIPE: 70,
  NOTCAPABLE: 76,
} as const;

/** `clockid` */
export const CLOCK = { REALTIME: 0, MONOTONIC: 1, PROCESS_CPUTIME: 2, THREAD_CPUTIME: 3 } as const;

/** `filetype` */
export const FILETYPE = { CHARACTER_DEVICE: 2 } as const;

/** `eventtype` (subscription / event tags). */
export const EVENTTYPE = { CLOCK: 0, FD_READ: 1, FD_WRITE: 2 } as const;

/** `subclockflags`: the timeout is an absolute time. */
export const SUBSCRIPTION_CLOCK_ABSTIME = 1;
/** `eventrwflags`: the peer hung up (stdin at EOF). */
export const EVENT_FD_READWRITE_HANGUP = 1;

/** `rights` bits used for stdio. */
export const RIGHTS = {
  FD_READ: 1n << 1n,
  FD_FDSTAT_SET_FLAGS: 1n << 3n,
  FD_WRITE: 1n << 6n,
  POLL_FD_READWRITE: 1n << 27n,
} as const;
