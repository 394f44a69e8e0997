/**
 * The bodies of the WASI preview1 shim (lower-wasi.ts), as binary instructions: `proc_exit` and
 * `fd_write` written in wasm, so that wabt's interpreter runs them on the guest's own memory. They
 * report to the adapter through one import, wasm-interp's `host.print(i32 tag, i32 value)`, which
 * prints each call as a line on stdout, in order with the export results.
 *
 * - `proc_exit(code)`: prints (EXIT, code), then `unreachable` unwinds the whole call stack (the
 *   adapter reads the marker as the exit and ignores the trap line that follows it).
 * - `fd_write(fd, iovs, count, nwritten)`: every byte of every iovec, in order, as (fd, byte);
 *   then the total at `nwritten`, and errno 0. It writes everything at once (WASI also allows
 *   short writes; the guest must cope with both, so one full write is a legal host).
 * What the shim cannot do exactly it does not guess: a write to an fd other than 1 or 2 prints
 * (OTHER_FD, fd), and an iovec, buffer or `nwritten` outside memory (EFAULT for a real host)
 * prints (FAULT, 0); both then stop like an exit and the adapter calls the case not evaluable.
 */
import { sleb, uleb } from '../../wasm/append.ts';

/** host.print tags (a value printed as a u32): 1 and 2 are the fd of an output byte. */
export const TAG = { exit: 0xffffffff, fault: 0xfffffffe, otherFd: 0xfffffffd, loaded: 0xfffffffc } as const;


const OP = {
  unreachable: 0x00,
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  call: 0x10,
  localGet: 0x20,
  localSet: 0x21,
  i32Load: 0x28,
  i32Load8u: 0x2d,
  i32Store: 0x36,
  memorySize: 0x3f,
  i32Const: 0x41,
  i64Const: 0x42,
  i32Ne: 0x47,
  i32GeU: 0x4f,
  i64GtU: 0x56,
  i32Add: 0x6a,
  i32And: 0x71,
  i32Shl: 0x74,
  i64Add: 0x7c,
  i64Shl: 0x86,
  i64ExtendI32U: 0xad,
} as const;
const VOID = 0x40;

const get = (l: number): number[] => [OP.localGet, ...uleb(l)];
const set = (l: number): number[] => [OP.localSet, ...uleb(l)];
const i32 = (v: number): number[] => [OP.i32Const, ...sleb(v | 0)];
const u64 = (l: number): number[] => [...get(l), OP.i64ExtendI32U];
const print = (printIndex: number, tag: number[], value: number[]): number[] => [...tag, ...value, OP.call, ...uleb(printIndex)];
/** The memory's size in bytes, as an i64 (up to 2^32 for 65,536 pages). */
const MEMORY_BYTES = [OP.memorySize, 0x00, OP.i64ExtendI32U, OP.i64Const, 16, OP.i64Shl];
/** `if (end > memory bytes) { print(FAULT, 0); unreachable }` for an i64 `end` computed by `end`. */
const faultPast = (printIndex: number, end: number[]): number[] => [...end, ...MEMORY_BYTES, OP.i64GtU, OP.if, VOID, ...print(printIndex, i32(TAG.fault), i32(0)), OP.unreachable, OP.end];

/** The body of the export run first, before any step: it marks the end of instantiation. */
export function loadedMarkerBody(printIndex: number): number[] {
  return [...print(printIndex, i32(TAG.loaded), i32(0)), OP.end];
}

/** `proc_exit(code)`: no locals. */
export function procExitBody(printIndex: number): { locals: number[]; body: number[] } {
  return { locals: [], body: [...print(printIndex, i32(TAG.exit), get(0)), OP.unreachable, OP.end] };
}

/** `fd_write(fd 0, iovs 1, count 2, nwritten 3) -> errno`, locals: i 4, ptr 5, len 6, j 7, total 8. */
export function fdWriteBody(printIndex: number): { locals: number[]; body: number[] } {
  const [FD, IOVS, COUNT, NWRITTEN, I, PTR, LEN, J, TOTAL] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const body = [
    // fd 1 or 2, else not evaluable
    ...get(FD), ...i32(1), OP.i32Ne, ...get(FD), ...i32(2), OP.i32Ne, OP.i32And,
    OP.if, VOID, ...print(printIndex, i32(TAG.otherFd), get(FD)), OP.unreachable, OP.end,
    // the iovec array and nwritten lie in memory (i64 sums: no wrap-around)
    ...faultPast(printIndex, [...u64(IOVS), ...u64(COUNT), OP.i64Const, 3, OP.i64Shl, OP.i64Add]),
    ...faultPast(printIndex, [...u64(NWRITTEN), OP.i64Const, 4, OP.i64Add]),
    OP.block, VOID,
    OP.loop, VOID,
    ...get(I), ...get(COUNT), OP.i32GeU, OP.brIf, 1,
    ...get(IOVS), ...get(I), ...i32(3), OP.i32Shl, OP.i32Add, ...set(PTR),
    ...get(PTR), OP.i32Load, 2, 4, ...set(LEN),
    ...get(PTR), OP.i32Load, 2, 0, ...set(PTR),
    ...faultPast(printIndex, [...u64(PTR), ...u64(LEN), OP.i64Add]),
    ...i32(0), ...set(J),
    OP.block, VOID,
    OP.loop, VOID,
    ...get(J), ...get(LEN), OP.i32GeU, OP.brIf, 1,
    ...print(printIndex, get(FD), [...get(PTR), ...get(J), OP.i32Add, OP.i32Load8u, 0, 0]),
    ...get(J), ...i32(1), OP.i32Add, ...set(J),
    OP.br, 0,
    OP.end,
    OP.end,
    ...get(TOTAL), ...get(LEN), OP.i32Add, ...set(TOTAL),
    ...get(I), ...i32(1), OP.i32Add, ...set(I),
    OP.br, 0,
    OP.end,
    OP.end,
    ...get(NWRITTEN), ...get(TOTAL), OP.i32Store, 2, 0,
    ...i32(0),
    OP.end,
  ];
  return { locals: [0x7f, 0x7f, 0x7f, 0x7f, 0x7f], body };
}

/** The shim functions, by WASI name, with the signature a module must import them with. */
export const SHIMS: Record<string, { params: number[]; results: number[]; code: (printIndex: number) => { locals: number[]; body: number[] } }> = {
  proc_exit: { params: [0x7f], results: [], code: procExitBody },
  fd_write: { params: [0x7f, 0x7f, 0x7f, 0x7f], results: [0x7f], code: fdWriteBody },
};
