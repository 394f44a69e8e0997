/**
 * The code a lowered command adds to the guest module: a generated `_start` that performs the
 * case's steps by calling the probe plan's wrappers (probe-plan.ts) with constants, and a
 * printer that writes one record per fact on stdout through WASI `fd_write`.
 *
 * Record format (lower-records.ts reads it back): `\x01tc:` + tag + step (4 hex) + index
 * (4 hex) + `:` + value (hex, 8 or 16 digits for 32- / 64-bit bits, none for markers) + `\n`.
 *
 * Scratch space: the printer needs 48 bytes of linear memory (an iovec at 0, `nwritten` at 8, the
 * text at 16..47). It saves those bytes in locals, prints, and stores them back before returning:
 * between the save and the restore only the host's `fd_write` runs, and it only reads memory, so
 * no guest instruction can ever see the printer's bytes. A module without a memory gets one of
 * its own (lower-sections.ts); a memory with 0 initial pages has no scratch space and is not
 * lowered (growing it would change `memory.size` and make accesses below 64 KiB succeed).
 *
 * Memory reads are guarded: a read past the memory's current size is skipped (no record), so a
 * region the memory does not hold is reported missing rather than trapping the command.
 */
import type { NewFunction } from '../../wasm/append.ts';
import { VALTYPE, sleb, uleb } from '../../wasm/append.ts';
import type { IntType, ProbeArg } from './probe-plan.ts';

export const RECORD_PREFIX = '\u0001tc:';

/** What a record says. */
export const TAG = {
  /** Step k's action is about to run. */
  begin: 'B',
  /** Result j of step k's action. */
  result: 'R',
  /** Step k's action returned (instantiate: the instance exists). */
  actionDone: 'A',
  /** Read j of step k (a memory chunk or a global's bits). */
  read: 'P',
  /** Step k is complete: its action returned and every read was printed. */
  end: 'E',
  /** Every step ran; `_start` returns next. */
  done: 'Z',
} as const;

export interface CallPlan {
  func: number;
  args: ProbeArg[];
  results: IntType[];
}

export interface StepCode {
  /** Step index in the case. */
  step: number;
  /** The call performing the step (absent: instantiate, done before `_start`). */
  action?: CallPlan;
  /** Memory peeks: `[address, width]` guards the read against the memory's current size. */
  reads: Array<CallPlan & { bounds?: { address: bigint; width: number } }>;
}

export interface StartPlan {
  fdWrite: number;
  /** Index the first appended function will get. */
  firstFunction: number;
  /** Index of the first appended type. */
  firstType: number;
  steps: StepCode[];
  /** Also print end-of-step records on fd 2, so stderr can be split per step. */
  mirrorStderr: boolean;
}

const I32 = VALTYPE.i32;
const I64 = VALTYPE.i64;
const OP = {
  block: 0x02,
  loop: 0x03,
  br: 0x0c,
  brIf: 0x0d,
  end: 0x0b,
  call: 0x10,
  drop: 0x1a,
  select: 0x1b,
  localGet: 0x20,
  localSet: 0x21,
  i64Load: 0x29,
  i32Store: 0x36,
  i64Store: 0x37,
  i32Store8: 0x3a,
  memorySize: 0x3f,
  i32Const: 0x41,
  i64Const: 0x42,
  i32Eqz: 0x45,
  i32LtU: 0x49,
  i64LeU: 0x58,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32And: 0x71,
  i64Shl: 0x86,
  i64ShrU: 0x88,
  i32WrapI64: 0xa7,
  i64ExtendI32U: 0xad,
  if: 0x04,
  void: 0x40,
} as const;

const i32c = (v: number): number[] => [OP.i32Const, ...sleb(v | 0)];
const i64c = (v: bigint): number[] => [OP.i64Const, ...sleb(BigInt.asIntN(64, v))];
const memarg = (align: number, offset: number): number[] => [align, ...uleb(offset)];

/** `$hex(ptr i32, v i64, n i32)`: the low n nibbles of v as lowercase hex at ptr, most significant first. */
function hexFunction(): NewFunction & { params: number[]; results: number[] } {
  const [ptr, v, n, d] = [0, 1, 2, 3];
  const body = [
    OP.block, OP.void,
    OP.loop, OP.void,
    OP.localGet, n, OP.i32Eqz, OP.brIf, 1,
    OP.localGet, n, ...i32c(1), OP.i32Sub, OP.localSet, n,
    OP.localGet, ptr, OP.localGet, n, OP.i32Add,
    OP.localGet, v, OP.i32WrapI64, ...i32c(15), OP.i32And, OP.localSet, d,
    OP.localGet, d, ...i32c(48), OP.i32Add, // '0' + d
    OP.localGet, d, ...i32c(87), OP.i32Add, // 'a' + d - 10
    OP.localGet, d, ...i32c(10), OP.i32LtU,
    OP.select,
    OP.i32Store8, ...memarg(0, 0),
    OP.localGet, v, ...i64c(4n), OP.i64ShrU, OP.localSet, v,
    OP.br, 0,
    OP.end,
    OP.end,
    OP.end,
  ];
  return { type: -1, params: [I32, I64, I32], results: [], locals: [I32], body };
}

/** `$record(fd, tag, step, index, value i64, digits)`: one record line, scratch saved and restored. */
function recordFunction(fdWrite: number, hex: number): NewFunction & { params: number[]; results: number[] } {
  const [fd, tag, step, index, value, digits] = [0, 1, 2, 3, 4, 5];
  const saved = (i: number): number => 6 + i;
  const body: number[] = [];
  for (let i = 0; i < 6; i++) body.push(...i32c(0), OP.i64Load, ...memarg(0, 8 * i), OP.localSet, saved(i));
  body.push(
    ...i32c(16), ...i32c(0x3a637401), OP.i32Store, ...memarg(0, 0), // "\x01tc:" little-endian
    ...i32c(20), OP.localGet, tag, OP.i32Store8, ...memarg(0, 0),
    ...i32c(21), OP.localGet, step, OP.i64ExtendI32U, ...i32c(4), OP.call, ...uleb(hex),
    ...i32c(25), OP.localGet, index, OP.i64ExtendI32U, ...i32c(4), OP.call, ...uleb(hex),
    ...i32c(29), ...i32c(0x3a), OP.i32Store8, ...memarg(0, 0),
    ...i32c(30), OP.localGet, value, OP.localGet, digits, OP.call, ...uleb(hex),
    ...i32c(30), OP.localGet, digits, OP.i32Add, ...i32c(10), OP.i32Store8, ...memarg(0, 0),
    ...i32c(0), ...i32c(16), OP.i32Store, ...memarg(0, 0),
    ...i32c(4), OP.localGet, digits, ...i32c(15), OP.i32Add, OP.i32Store, ...memarg(0, 0),
    OP.localGet, fd, ...i32c(0), ...i32c(1), ...i32c(8), OP.call, ...uleb(fdWrite), OP.drop,
  );
  for (let i = 0; i < 6; i++) body.push(...i32c(0), OP.localGet, saved(i), OP.i64Store, ...memarg(0, 8 * i));
  body.push(OP.end);
  return { type: -1, params: [I32, I32, I32, I32, I64, I32], results: [], locals: [I64, I64, I64, I64, I64, I64], body };
}

function argConst(a: ProbeArg): number[] {
  return a.type === 'i32' ? i32c(Number(BigInt.asIntN(32, a.bits))) : i64c(a.bits);
}

/** The added types and functions, in order: `$hex`, `$record`, `_start` (its index is returned). */
export function startFunctions(plan: StartPlan): { types: Array<[number[], number[]]>; functions: NewFunction[]; start: number } {
  const hexIndex = plan.firstFunction;
  const recordIndex = plan.firstFunction + 1;
  const hex = hexFunction();
  const record = recordFunction(plan.fdWrite, hexIndex);
  const types: Array<[number[], number[]]> = [
    [hex.params, hex.results],
    [record.params, record.results],
    [[], []],
  ];
  const maxResults = (t: IntType): number => Math.max(0, ...plan.steps.map((s) => (s.action?.results ?? []).filter((r) => r === t).length));
  const i32Locals = maxResults('i32');
  const i64Locals = maxResults('i64');
  const body: number[] = [];
  // a record: value given as code leaving an i64 (or none: 0), digits 0..16
  const emit = (fd: number, tag: string, step: number, index: number, value: number[] = i64c(0n), digits = 0): void => {
    body.push(...i32c(fd), ...i32c(tag.charCodeAt(0)), ...i32c(step), ...i32c(index), ...value, ...i32c(digits), OP.call, ...uleb(recordIndex));
  };
  const asI64 = (t: IntType): number[] => (t === 'i32' ? [OP.i64ExtendI32U] : []);
  const digits = (t: IntType): number => (t === 'i32' ? 8 : 16);
  for (const s of plan.steps) {
    if (s.action) {
      emit(1, TAG.begin, s.step, 0);
      body.push(...s.action.args.flatMap(argConst), OP.call, ...uleb(s.action.func));
      // results come off the stack last-first into typed locals, then print in order
      const slot: number[] = [];
      let nextI32 = 0;
      let nextI64 = 0;
      for (const t of s.action.results) slot.push(t === 'i32' ? nextI32++ : i32Locals + nextI64++);
      for (let j = s.action.results.length - 1; j >= 0; j--) body.push(OP.localSet, ...uleb(slot[j]!));
      s.action.results.forEach((t, j) => emit(1, TAG.result, s.step, j, [OP.localGet, ...uleb(slot[j]!), ...asI64(t)], digits(t)));
    }
    emit(1, TAG.actionDone, s.step, 0);
    s.reads.forEach((r, j) => {
      const t = r.results[0] ?? 'i64';
      const read: number[] = [...r.args.flatMap(argConst), OP.call, ...uleb(r.func), ...asI64(t)];
      if (!r.bounds) return emit(1, TAG.read, s.step, j, read, digits(t));
      // if address + width <= memory.size * 64 KiB
      body.push(...i64c(r.bounds.address + BigInt(r.bounds.width)), OP.memorySize, 0x00, OP.i64ExtendI32U, ...i64c(16n), OP.i64Shl, OP.i64LeU, OP.if, OP.void);
      emit(1, TAG.read, s.step, j, read, digits(t));
      body.push(OP.end);
    });
    emit(1, TAG.end, s.step, 0);
    if (plan.mirrorStderr) emit(2, TAG.end, s.step, 0);
  }
  emit(1, TAG.done, 0, 0);
  if (plan.mirrorStderr) emit(2, TAG.done, 0, 0);
  body.push(OP.end);
  const locals = [...new Array<number>(i32Locals).fill(I32), ...new Array<number>(i64Locals).fill(I64)];
  const functions: NewFunction[] = [
    { type: plan.firstType, locals: hex.locals, body: hex.body },
    { type: plan.firstType + 1, locals: record.locals, body: record.body },
    { type: plan.firstType + 2, locals, body },
  ];
  return { types, functions, start: plan.firstFunction + 2 };
}
