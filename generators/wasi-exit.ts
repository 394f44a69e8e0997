/**
 * wasi-exit: WASI preview1 commands that end through `proc_exit` from every site (bug-catalog
 * #14–22, wasi-and-exit-codes.md §6): `_start`, a nested call chain, the start section (the
 * `instantiate` step exits), an export invoked after instantiation, a plain return from
 * `_start` (exit 0), and an export called again after the exit (#22: the instance is dead and
 * the later step observes the same exit). Output written with `fd_write` before the exit,
 * with and without a trailing newline, must be observable exactly (#21).
 *
 * The expected code is the raw u32 the guest passed; profiles map it per runtime (≥126, >255).
 */
import fc from 'fast-check';
import type { Case, Step } from '../src/case.ts';
import type { Feature } from '../src/features.ts';
import type { BModule, Expr } from '../src/wasm/builder.ts';
import { binaryen, buildModule } from '../src/wasm/builder.ts';
import { SharedExpr } from '../src/wasm/shared-expr.ts';
import type { Family, Origin } from './family.ts';
import { caseId, generatorProvenance } from './family.ts';

const NAME = 'wasi-exit';
const WASI = 'wasi_snapshot_preview1';

export const EXIT_SITES = ['start', 'nested', 'start-section', 'export', 'return', 'reuse'] as const;
export type ExitSite = (typeof EXIT_SITES)[number];

export interface WasiWrite {
  fd: 1 | 2;
  text: string;
  newline: boolean;
  /** Written as two iovecs (split in the middle of the bytes) instead of one. */
  split: boolean;
}

export interface WasiExitParams {
  site: ExitSite;
  /** The guest's `proc_exit` argument as a u32 (ignored for `return`, which exits 0). */
  code: number;
  /** Call-chain length for `nested` (1..5). */
  depth: number;
  /** `fd_write`s before the exit (none for `start-section`: no JS host can reach memory before instantiation ends). */
  writes: WasiWrite[];
}

const CODE_CLASSES = ['0', '1', '2-125', '126-255', '256+'] as const;
function codeClass(code: number): string {
  const c = code >>> 0;
  return c === 0 ? '0' : c === 1 ? '1' : c < 126 ? '2-125' : c < 256 ? '126-255' : '256+';
}

const IOV_BASE = 16; // iovecs (8 bytes each) from here: at most 3 writes × 2 iovecs
const NWRITTEN = 8;
/** write_all's working copy of one write's iovecs (it advances them after a short write). */
const IOV_SCRATCH = 512;
const TEXT_BASE = 1024;

interface Layout {
  segments: { name: string; data: Uint8Array; passive: boolean; offset: number }[];
  /** Per write: iovec pointer and count. */
  iovs: { ptr: number; count: number }[];
}

function layout(writes: readonly WasiWrite[]): Layout {
  const enc = new TextEncoder();
  const iovWords: number[] = [];
  const iovs: Layout['iovs'] = [];
  const text: number[] = [];
  for (const w of writes) {
    const bytes = enc.encode(w.text + (w.newline ? '\n' : ''));
    const start = TEXT_BASE + text.length;
    text.push(...bytes);
    const ptr = IOV_BASE + iovWords.length * 4;
    if (w.split && bytes.length >= 2) {
      const half = bytes.length >> 1;
      iovWords.push(start, half, start + half, bytes.length - half);
      iovs.push({ ptr, count: 2 });
    } else {
      iovWords.push(start, bytes.length);
      iovs.push({ ptr, count: 1 });
    }
  }
  const iovBytes = new Uint8Array(iovWords.length * 4);
  const dv = new DataView(iovBytes.buffer);
  iovWords.forEach((v, i) => dv.setUint32(i * 4, v, true));
  const segments: Layout['segments'] = [];
  if (iovBytes.length) segments.push({ name: 'iovs', data: iovBytes, passive: false, offset: IOV_BASE });
  if (text.length) segments.push({ name: 'text', data: Uint8Array.from(text), passive: false, offset: TEXT_BASE });
  return { segments, iovs };
}

function expectedOutput(writes: readonly WasiWrite[], fd: 1 | 2): string {
  return writes
    .filter((w) => w.fd === fd)
    .map((w) => w.text + (w.newline ? '\n' : ''))
    .join('');
}

/**
 * `write_all(fd, iovs, count)`: fd_write until every byte is written, as wasi-libc's stdio does.
 * WASI lets fd_write write less than asked (a short write, as POSIX writev; wasmtime-wasi writes
 * only the first non-empty iovec, wasmtime#8037), so a guest that ignores `nwritten` expects
 * more than WASI promises. This one advances a copy of the iovecs past what was written and
 * writes again; it stops on an error or on a write of nothing (never spins). A runtime that
 * reports bytes as written without writing them still shows as missing output.
 *
 * The body is the same in every module: built once per binaryen module (SharedExpr).
 */
const WRITE_ALL_BODY = new SharedExpr((m: BModule): Expr => {
  const i32 = binaryen.i32;
  const [FD, IOVS, COUNT, I, N, P, LEN] = [0, 1, 2, 3, 4, 5, 6];
  const get = (l: number): Expr => m.local.get(l, i32);
  const c = (v: number): Expr => m.i32.const(v);
  return m.block(null, [
    // copy the iovecs: the originals are the module's data, and a later step may write them again
    m.local.set(I, c(0)),
    m.loop(
      'copy',
      m.if(
        m.i32.lt_u(get(I), get(COUNT)),
        m.block(null, [
          m.i64.store(0, 4, m.i32.add(c(IOV_SCRATCH), m.i32.shl(get(I), c(3))), m.i64.load(0, 4, m.i32.add(get(IOVS), m.i32.shl(get(I), c(3))))),
          m.local.set(I, m.i32.add(get(I), c(1))),
          m.br('copy'),
        ]),
      ),
    ),
    m.local.set(P, c(IOV_SCRATCH)),
    m.block('done', [
      m.loop(
        'write',
        m.block(null, [
          m.br('done', m.i32.eqz(get(COUNT))),
          m.br('done', m.i32.ne(m.call('fd_write', [get(FD), get(P), get(COUNT), c(NWRITTEN)], i32), c(0))),
          m.local.set(N, m.i32.load(0, 4, c(NWRITTEN))),
          m.br('done', m.i32.eqz(get(N))),
          // skip the iovecs written whole
          m.block('partial', [
            m.loop(
              'skip',
              m.block(null, [
                m.br('partial', m.i32.eqz(get(COUNT))),
                m.local.set(LEN, m.i32.load(4, 4, get(P))),
                m.br('partial', m.i32.lt_u(get(N), get(LEN))),
                m.local.set(N, m.i32.sub(get(N), get(LEN))),
                m.local.set(P, m.i32.add(get(P), c(8))),
                m.local.set(COUNT, m.i32.sub(get(COUNT), c(1))),
                m.br('skip'),
              ]),
            ),
          ]),
          // and the written part of the next one
          m.if(
            m.i32.ne(get(COUNT), c(0)),
            m.block(null, [m.i32.store(0, 4, get(P), m.i32.add(m.i32.load(0, 4, get(P)), get(N))), m.i32.store(4, 4, get(P), m.i32.sub(m.i32.load(4, 4, get(P)), get(N)))]),
          ),
          m.br('write'),
        ]),
      ),
    ]),
  ]);
});

function addWriteAll(m: BModule): void {
  const i32 = binaryen.i32;
  m.addFunction('write_all', binaryen.createType([i32, i32, i32]), binaryen.none, [i32, i32, i32, i32], WRITE_ALL_BODY.in(m));
}

function build(p: WasiExitParams, origin: Origin): Case {
  const writes = p.site === 'start-section' ? [] : p.writes;
  const code = p.site === 'return' ? 0 : p.code >>> 0;
  const lay = layout(writes);
  const features: Feature[] = ['wasi'];
  const i32 = binaryen.i32;

  const bytes = buildModule(NAME, features, (m: BModule) => {
    m.addFunctionImport('proc_exit', WASI, 'proc_exit', binaryen.createType([i32]), binaryen.none);
    m.addFunctionImport('fd_write', WASI, 'fd_write', binaryen.createType([i32, i32, i32, i32]), i32);
    m.setMemory(
      1,
      1,
      'memory',
      lay.segments.map((s) => ({ ...s, offset: m.i32.const(s.offset) })),
      false,
    );
    if (writes.length) addWriteAll(m);
    const writeStmts = (): Expr[] =>
      writes.map((w, i) => m.call('write_all', [m.i32.const(w.fd), m.i32.const(lay.iovs[i]!.ptr), m.i32.const(lay.iovs[i]!.count)], binaryen.none));
    // proc_exit never returns: a runtime that returns from it hits `unreachable` (a visible trap).
    const exitStmts = (): Expr[] => [m.call('proc_exit', [m.i32.const(code | 0)], binaryen.none), m.unreachable()];
    const fn = (name: string, body: Expr[]): void => {
      m.addFunction(name, binaryen.none, binaryen.none, [], body.length === 1 ? body[0]! : m.block(null, body));
    };

    switch (p.site) {
      case 'start':
      case 'reuse':
        fn('_start', [...writeStmts(), ...exitStmts()]);
        break;
      case 'nested': {
        for (let d = p.depth; d >= 1; d--) fn(`f${d}`, d === p.depth ? exitStmts() : [m.call(`f${d + 1}`, [], binaryen.none), m.unreachable()]);
        fn('_start', [...writeStmts(), m.call('f1', [], binaryen.none), m.unreachable()]);
        break;
      }
      case 'start-section':
        fn('init', exitStmts());
        m.setStart(m.getFunction('init'));
        fn('_start', [m.nop()]);
        break;
      case 'export':
        fn('_start', [m.nop()]);
        fn('exit_now', [...writeStmts(), ...exitStmts()]);
        m.addFunctionExport('exit_now', 'exit_now');
        break;
      case 'return':
        fn('_start', writeStmts().length ? writeStmts() : [m.nop()]);
        break;
    }
    if (p.site === 'reuse') {
      // Called after the exit: it would write and return 7 if the instance were still alive.
      m.addFunction('again', binaryen.none, i32, [], m.i32.const(7));
      m.addFunctionExport('again', 'again');
    }
    m.addFunctionExport('_start', '_start');
  });

  const stdout = expectedOutput(writes, 1);
  const stderr = expectedOutput(writes, 2);
  const exit = { kind: 'exit' as const, code };
  let steps: Step[];
  switch (p.site) {
    case 'start-section':
      steps = [{ op: 'instantiate', expect: { outcome: exit, stdout: '', stderr: '' } }];
      break;
    case 'export':
      steps = [
        { op: 'instantiate', expect: { outcome: { kind: 'return' }, stdout: '', stderr: '' } },
        { op: 'invoke', export: 'exit_now', expect: { outcome: exit, stdout, stderr } },
      ];
      break;
    case 'reuse':
      steps = [
        { op: 'instantiate', expect: { outcome: { kind: 'return' }, stdout: '', stderr: '' } },
        { op: 'start', expect: { outcome: exit, stdout, stderr } },
        { op: 'invoke', export: 'again', expect: { outcome: exit, stdout, stderr } },
      ];
      break;
    default:
      steps = [
        { op: 'instantiate', expect: { outcome: { kind: 'return' }, stdout: '', stderr: '' } },
        { op: 'start', expect: { outcome: exit, stdout, stderr } },
      ];
  }

  const streams = (stdout ? 1 : 0) + (stderr ? 2 : 0);
  const tags: Record<string, string> = {
    site: p.site,
    code: String(code),
    'code-class': codeClass(code),
    stream: ['none', 'stdout', 'stderr', 'both'][streams]!,
    newline: writes.length === 0 ? 'no-output' : writes[writes.length - 1]!.newline ? 'trailing' : 'none',
    writes: String(Math.min(writes.length, 3)),
  };
  if (p.site === 'nested') tags['depth'] = String(p.depth);
  return {
    id: caseId(NAME, origin),
    family: NAME,
    modules: [{ bytes }],
    features,
    steps,
    provenance: generatorProvenance(wasiExit, origin, p),
    tags,
  };
}

/** Exit codes: the ordinary range, plus 0, 1 and the contested ≥126 values (wasi-and-exit-codes.md §6). */
export const SPECIAL_CODES = [0, 1, 126, 200, 255, 256, 257, 0x7fffffff, 0xffffffff] as const;
const codeArb: fc.Arbitrary<number> = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 2, max: 125 }) },
  { weight: 2, arbitrary: fc.noBias(fc.nat({ max: SPECIAL_CODES.length - 1 })).map((i) => SPECIAL_CODES[i]!) },
);
const TEXT_UNITS = ['a', 'b', 'z', 'Q', '0', '7', ' ', '-', '>', ':', 'é', '✓', '\t', '\n'];
const writeArb: fc.Arbitrary<WasiWrite> = fc.record({
  fd: fc.constantFrom(1 as const, 2 as const),
  text: fc.string({ unit: fc.constantFrom(...TEXT_UNITS), minLength: 1, maxLength: 16 }),
  newline: fc.boolean(),
  split: fc.boolean(),
});

export const wasiExitArbitrary: fc.Arbitrary<WasiExitParams> = fc.record({
  site: fc.noBias(fc.nat({ max: EXIT_SITES.length - 1 })).map((i) => EXIT_SITES[i]!),
  code: codeArb,
  depth: fc.integer({ min: 1, max: 5 }),
  writes: fc.array(writeArb, { maxLength: 3 }),
});

export const wasiExit: Family<WasiExitParams> = {
  name: NAME,
  // 2: writes go through write_all, which retries after a short write
  version: 2,
  description:
    'WASI commands that exit via proc_exit from _start, a nested chain, the start section, an export, or return from _start; ' +
    'with stdout/stderr written before the exit; codes 0, 1, 2..125 and the contested ≥126; an export called after the exit.',
  declares: {
    site: [...EXIT_SITES],
    'code-class': [...CODE_CLASSES],
    stream: ['none', 'stdout', 'stderr', 'both'],
    newline: ['no-output', 'trailing', 'none'],
    writes: ['0', '1', '2', '3'],
  },
  arbitrary: wasiExitArbitrary,
  build,
};
