/**
 * wasi-exit: WASI preview1 commands that end through `proc_exit` from every site (bug-catalog
 * #14–22, wasi-and-exit-codes.md §6): `_start`, a nested call chain, the start section (the
 * `instantiate` step exits), an export invoked after instantiation, a plain return from
 * `_start` (exit 0), and an export called again after the exit (#22: the instance is dead and
 * the later step observes the same exit). Output written with `fd_write` before the exit,
 * with and without a trailing newline, must be observable exactly (#21).
 *
 * Issue #18: the function that calls proc_exit sits inside a transparent context (7 cases in 8),
 * and may itself have results (one, or several: the exit then leaves multi-value blocks, loops
 * with parameters, br_table targets … that never complete); the text, iovecs and `nwritten` lie
 * anywhere in memory, up to its last byte (./wasi-exit/buffers.ts); codes reach the u32 edges.
 *
 * The expected code is the raw u32 the guest passed; profiles map it per runtime (≥126, >255).
 */
import fc from 'fast-check';
import type { Case } from '../src/case.ts';
import type { Feature } from '../src/features.ts';
import { FEATURES } from '../src/features.ts';
import type { BModule, BType, Expr } from '../src/wasm/builder.ts';
import { binaryen, binaryenType, buildModule } from '../src/wasm/builder.ts';
import type { ContextParams } from './contexts/index.ts';
import { CONTEXT_DECLARES, contextArbitrary, contextTags, NO_CONTEXT, wrapInContext } from './contexts/index.ts';
import type { Family, Origin } from './family.ts';
import { caseId, generatorProvenance } from './family.ts';
import type { Drawn } from './values.ts';
import type { BufferPlacement } from './wasi-exit/buffers.ts';
import { BLOCKS, blockOrder, BUFFER_END_CLASSES, bufferPlacementArbitrary } from './wasi-exit/buffers.ts';
import { CODE_CLASSES, codeClass, EXIT_CODE_CLASSES, exitCodeArbitrary } from './wasi-exit/codes.ts';
import type { WasiWrite } from './wasi-exit/output.ts';
import { expectedOutput, outputLayout, writeArbitrary } from './wasi-exit/output.ts';
import type { ExitSite } from './wasi-exit/steps.ts';
import { EXIT_SITES, stepsFor } from './wasi-exit/steps.ts';
import { addWriteAll, settleWriteAll } from './wasi-exit/write-all.ts';

export { SPECIAL_CODES } from './wasi-exit/codes.ts';
export type { WasiWrite } from './wasi-exit/output.ts';
export { EXIT_SITES } from './wasi-exit/steps.ts';
export type { ExitSite } from './wasi-exit/steps.ts';

const NAME = 'wasi-exit';
const WASI = 'wasi_snapshot_preview1';

/** The results of the function that calls proc_exit (it never returns them). */
export const EXIT_RESULTS: ReadonlyArray<ReadonlyArray<'i32' | 'i64' | 'f32' | 'f64'>> = [[], ['i32'], ['i64'], ['f32'], ['f64'], ['i32', 'i64'], ['f64', 'f32', 'i32']];
const resultsTag = (r: readonly string[]): string => (r.length === 0 ? 'none' : r.length === 1 ? r[0]! : 'multi');

export interface WasiExitParams {
  site: ExitSite;
  /** The guest's `proc_exit` argument as a u32, with its value class (ignored for `return`, which exits 0). */
  code: Drawn<number>;
  /** Call-chain length for `nested` (1..5). */
  depth: number;
  /** `fd_write`s before the exit (none for `start-section`: no JS host can reach memory before instantiation ends). */
  writes: WasiWrite[];
  /** Where the writes' buffers lie, and the memory's size. */
  buffers: BufferPlacement;
  /** Index into EXIT_RESULTS: the exiting function's results (`_start` itself has none). */
  results: number;
  /** The context the exiting function (for `return`: `_start`) runs in. */
  context: ContextParams;
}

/** The module's imports (`proc_exit`, `fd_write`): the first defined function's index. */
const IMPORTED = 2;

/** Defined functions in the order they are added: a name's index follows the two imports. */
class Functions {
  private readonly names: string[] = [];
  constructor(private readonly m: BModule) {}
  /** Records a function added by someone else. */
  track(name: string): void {
    this.names.push(name);
  }
  add(name: string, results: BType, body: Expr[]): void {
    this.track(name);
    this.m.addFunction(name, binaryen.none, results, [], body.length === 1 ? body[0]! : this.m.block(null, body));
  }
  index(name: string): number {
    return IMPORTED + this.names.indexOf(name);
  }
}

const featureOrder = (fs: Iterable<Feature>): Feature[] => {
  const set = new Set(fs);
  return FEATURES.filter((f) => set.has(f));
};

function build(p: WasiExitParams, origin: Origin): Case {
  const writes = p.site === 'start-section' ? [] : p.writes;
  const code = p.site === 'return' ? 0 : p.code.value >>> 0;
  const results = p.site === 'return' ? [] : EXIT_RESULTS[p.results % EXIT_RESULTS.length]!;
  const out = outputLayout(writes, p.buffers);
  const features = featureOrder(['wasi', ...(results.length > 1 ? (['multi-value'] as const) : [])]);
  const i32 = binaryen.i32;
  const R = binaryen.createType(results.map(binaryenType));
  /** The function put in the context. */
  let target = 0;
  /** write_all's index among the defined functions, when there are writes. */
  let writeAll: number | undefined;

  let bytes = buildModule(NAME, features, (m: BModule) => {
    m.addFunctionImport('proc_exit', WASI, 'proc_exit', binaryen.createType([i32]), binaryen.none);
    m.addFunctionImport('fd_write', WASI, 'fd_write', binaryen.createType([i32, i32, i32, i32]), i32);
    m.setMemory(
      p.buffers.pages,
      p.buffers.pages,
      'memory',
      out.segments.map((s) => ({ ...s, passive: false, offset: m.i32.const(s.offset) })),
      false,
    );
    const fns = new Functions(m);
    if (writes.length) {
      addWriteAll(m);
      fns.track('write_all');
      writeAll = fns.index('write_all') - IMPORTED;
    }
    const writeStmts = (): Expr[] =>
      writes.map((w, i) =>
        m.call('write_all', [m.i32.const(w.fd), m.i32.const(out.iovs[i]!.ptr), m.i32.const(out.iovs[i]!.count), m.i32.const(out.scratch), m.i32.const(out.nwritten)], binaryen.none),
      );
    // proc_exit never returns: a runtime that returns from it hits `unreachable` (a visible trap).
    const exitStmts = (): Expr[] => [m.call('proc_exit', [m.i32.const(code | 0)], binaryen.none), m.unreachable()];
    /** Calls `name` (results R), drops what it would return, and never goes on. */
    const callExiting = (name: string): Expr[] => {
      const call = m.call(name, [], R);
      return [results.length ? m.drop(call) : call, m.unreachable()];
    };
    /** `site` (no results) exits after `before`: itself when R is empty, else through `exit_with` (results R). */
    const exitFrom = (site: string, before: Expr[]): void => {
      if (results.length === 0) {
        fns.add(site, binaryen.none, [...before, ...exitStmts()]);
        target = fns.index(site);
        return;
      }
      fns.add('exit_with', R, exitStmts());
      fns.add(site, binaryen.none, [...before, ...callExiting('exit_with')]);
      target = fns.index('exit_with');
    };

    switch (p.site) {
      case 'start':
      case 'reuse':
        exitFrom('_start', writeStmts());
        break;
      case 'nested': {
        fns.add(`f${p.depth}`, R, exitStmts());
        target = fns.index(`f${p.depth}`);
        for (let d = p.depth - 1; d >= 1; d--) fns.add(`f${d}`, binaryen.none, d === p.depth - 1 ? callExiting(`f${d + 1}`) : [m.call(`f${d + 1}`, [], binaryen.none), m.unreachable()]);
        fns.add('_start', binaryen.none, [...writeStmts(), ...(p.depth === 1 ? callExiting('f1') : [m.call('f1', [], binaryen.none), m.unreachable()])]);
        break;
      }
      case 'start-section':
        exitFrom('init', []);
        m.setStart(m.getFunction('init'));
        fns.add('_start', binaryen.none, [m.nop()]);
        break;
      case 'export':
        fns.add('_start', binaryen.none, [m.nop()]);
        fns.add('exit_now', R, [...writeStmts(), ...exitStmts()]);
        target = fns.index('exit_now');
        m.addFunctionExport('exit_now', 'exit_now');
        break;
      case 'return':
        fns.add('_start', binaryen.none, writes.length ? writeStmts() : [m.nop()]);
        target = fns.index('_start');
        break;
    }
    if (p.site === 'reuse') {
      // Called after the exit: it would write and return 7 if the instance were still alive.
      m.addFunction('again', binaryen.none, i32, [], m.i32.const(7));
      m.addFunctionExport('again', 'again');
    }
    m.addFunctionExport('_start', '_start');
  });
  if (writeAll !== undefined) bytes = settleWriteAll(bytes, writeAll);
  const inContext = p.context.root.k !== 'hole';
  let contextFeatures: Feature[] = [];
  // the context's tags: the wrap computes them anyway
  let ctxTags: Record<string, string>;
  if (inContext) {
    const wrapped = wrapInContext(bytes, target, p.context);
    bytes = wrapped.bytes;
    contextFeatures = wrapped.features;
    ctxTags = wrapped.tags;
  } else ctxTags = contextTags(p.context);

  const stdout = expectedOutput(writes, 1);
  const stderr = expectedOutput(writes, 2);
  const steps = stepsFor(p.site, code, stdout, stderr);

  const streams = (stdout ? 1 : 0) + (stderr ? 2 : 0);
  const tags: Record<string, string> = {
    site: p.site,
    code: String(code),
    'code-class': codeClass(code),
    stream: ['none', 'stdout', 'stderr', 'both'][streams]!,
    newline: writes.length === 0 ? 'no-output' : writes[writes.length - 1]!.newline ? 'trailing' : 'none',
    writes: String(Math.min(writes.length, 3)),
    'exit-results': resultsTag(results),
  };
  if (p.site !== 'return') tags['value:exit-code'] = p.code.class;
  if (writes.length) {
    tags['value:buffer-end'] = p.buffers.end.class;
    tags['buffer-last'] = blockOrder(p.buffers.order).at(-1)!;
  }
  if (p.site === 'nested') tags['depth'] = String(p.depth);
  return {
    id: caseId(NAME, origin),
    family: NAME,
    modules: [{ bytes }],
    features: featureOrder([...features, ...contextFeatures]),
    steps,
    provenance: generatorProvenance(wasiExit, origin, p),
    tags: { ...tags, context: inContext ? 'on' : 'none', ...ctxTags },
  };
}

/** One case in 8 has no context; the others one of depth 1 … 4 with something around the hole. */
const contextParams: fc.Arbitrary<ContextParams> = fc.oneof(
  { weight: 1, arbitrary: fc.constant(NO_CONTEXT) },
  { weight: 7, arbitrary: contextArbitrary({ maxDepth: 4, wrapped: true }) },
);

export const wasiExitArbitrary: fc.Arbitrary<WasiExitParams> = fc.record({
  site: fc.noBias(fc.nat({ max: EXIT_SITES.length - 1 })).map((i) => EXIT_SITES[i]!),
  code: exitCodeArbitrary,
  depth: fc.integer({ min: 1, max: 5 }),
  writes: fc.array(writeArbitrary, { maxLength: 3 }),
  buffers: bufferPlacementArbitrary,
  // no results in 2 cases of 8 (as `_start` and the start function themselves)
  results: fc.oneof({ weight: 1, arbitrary: fc.constant(0) }, { weight: 3, arbitrary: fc.noBias(fc.nat({ max: EXIT_RESULTS.length - 1 })) }),
  context: contextParams,
});

export const wasiExit: Family<WasiExitParams> = {
  name: NAME,
  // 3: the exiting function inside a context and with results; buffers anywhere in memory; u32 edge codes
  // 4: contexts drawn by generators/contexts/draw.ts (same shapes, other draws for a seed)
  version: 4,
  description:
    'WASI commands that exit via proc_exit from _start, a nested chain, the start section, an export, or return from _start; ' +
    'with stdout/stderr written before the exit from buffers anywhere in memory; codes 0, 1, 2..125, the contested ≥126 and the u32 edges; ' +
    'an export called after the exit; the exiting function inside transparent contexts, with or without (multi-value) results.',
  declares: {
    site: [...EXIT_SITES],
    'code-class': [...CODE_CLASSES],
    stream: ['none', 'stdout', 'stderr', 'both'],
    newline: ['no-output', 'trailing', 'none'],
    writes: ['0', '1', '2', '3'],
    'exit-results': ['none', 'i32', 'i64', 'f32', 'f64', 'multi'],
    'value:exit-code': [...EXIT_CODE_CLASSES],
    'value:buffer-end': [...BUFFER_END_CLASSES],
    'buffer-last': [...BLOCKS],
    context: ['none', 'on'],
    ...CONTEXT_DECLARES,
  },
  arbitrary: wasiExitArbitrary,
  build,
};
