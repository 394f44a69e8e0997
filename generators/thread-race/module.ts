/**
 * The module of a thread-race case (binaryen), compiled action by action from its program
 * (./program.ts): `_start` runs main's actions, `wasi_thread_start(tid, n)` runs spawned thread
 * n's. Shared memory imported as `env.memory` and exported as `memory` (the WASI ABI); the helper
 * bodies are thread-panic's (generators/thread-panic/helpers.ts: same layout of FOREVER and scratch).
 */
import type { Feature } from '../../src/features.ts';
import type { BModule, Expr } from '../../src/wasm/builder.ts';
import { binaryen, buildModule, i64c } from '../../src/wasm/builder.ts';
import { AWAIT_BODY, FOREVER, FOREVER_BODY, PAGE, READ_BODY, SCRATCH, TEXT, WRITE_BODY } from '../thread-panic/helpers.ts';
import type { Action, RaceProgram } from './program.ts';

const NAME = 'thread-race';
const WASI = 'wasi_snapshot_preview1';
export const FEATURES: readonly Feature[] = ['threads', 'wasi', 'wasi-threads'];
/** Flag n is the word at FLAGS + 4n (never in a data segment: every thread's instantiation re-applies them). */
const FLAGS = 16;

/** Where each distinct text sits in the TEXT area. */
function layoutTexts(program: RaceProgram): Map<string, number> {
  const at = new Map<string, number>();
  let next = TEXT;
  for (const a of [program.main, ...program.threads].flat())
    if (a.op === 'write' && !at.has(a.text)) {
      at.set(a.text, next);
      next += new TextEncoder().encode(a.text).length;
    }
  return at;
}

export function raceModule(program: RaceProgram): Uint8Array {
  const texts = layoutTexts(program);
  const i32 = binaryen.i32;
  const none = binaryen.none;
  return buildModule(NAME, FEATURES, (m: BModule) => {
    m.addFunctionImport('spawn', 'wasi', 'thread-spawn', binaryen.createType([i32]), i32);
    m.addFunctionImport('proc_exit', WASI, 'proc_exit', binaryen.createType([i32]), none);
    m.addFunctionImport('fd_write', WASI, 'fd_write', binaryen.createType([i32, i32, i32, i32]), i32);
    m.addFunctionImport('fd_read', WASI, 'fd_read', binaryen.createType([i32, i32, i32, i32]), i32);
    m.addFunctionImport('poll_oneoff', WASI, 'poll_oneoff', binaryen.createType([i32, i32, i32, i32]), i32);
    const segments = [...texts].map(([text, offset], i) => ({ name: `t${i}`, data: new TextEncoder().encode(text), passive: false, offset: m.i32.const(offset) }));
    m.setMemory(1, 1, null, segments, true);
    m.addMemoryImport('0', 'env', 'memory', true);
    m.addMemoryExport('0', 'memory');
    const c = (v: number): Expr => m.i32.const(v | 0);
    m.addFunction('forever', none, none, [], FOREVER_BODY.in(m));
    m.addFunction('await', binaryen.createType([i32, i32]), none, [i32], AWAIT_BODY.in(m));
    m.addFunction('write', binaryen.createType([i32, i32, i32, i32]), none, [], WRITE_BODY.in(m));
    m.addFunction('read', binaryen.createType([i32]), none, [], READ_BODY.in(m));
    // sleep(scratch, ns): poll_oneoff with one relative monotonic clock subscription
    const sub = (): Expr => m.i32.add(m.local.get(0, i32), c(16));
    m.addFunction(
      'sleep',
      binaryen.createType([i32, binaryen.i64]),
      none,
      [],
      m.block(null, [
        m.i64.store(0, 8, sub(), i64c(m, 0n)),
        m.i32.store8(8, 1, sub(), c(0)),
        m.i32.store(16, 4, sub(), c(1)),
        m.i64.store(24, 8, sub(), m.local.get(1, binaryen.i64)),
        m.i64.store(32, 8, sub(), i64c(m, 0n)),
        m.i32.store16(40, 2, sub(), c(0)),
        m.drop(m.call('poll_oneoff', [sub(), m.i32.add(m.local.get(0, i32), c(64)), c(1), m.i32.add(m.local.get(0, i32), c(12))], i32)),
      ]),
    );

    const compile = (a: Action, thread: number): Expr[] => {
      const scratch = SCRATCH + 128 * thread;
      const flag = (n: number): Expr => c(FLAGS + 4 * n);
      switch (a.op) {
        case 'spawn':
          // a refused spawn is a visible trap, never a silent change of the program
          return [m.if(m.i32.le_s(m.call('spawn', [c(a.thread)], i32), c(0)), m.unreachable())];
        case 'write':
          return [m.call('write', [c(a.fd), c(texts.get(a.text)!), c(new TextEncoder().encode(a.text).length), c(scratch)], none)];
        case 'set':
          return [m.i32.atomic.store(0, flag(a.flag), c(1)), m.drop(m.memory.atomic.notify(flag(a.flag), c(-1)))];
        case 'await':
          return [m.call('await', [flag(a.flag), c(1)], none)];
        case 'sit':
          return a.how === 'poll' ? [m.call('sleep', [c(scratch), i64c(m, a.ns)], none)] : [m.drop(m.memory.atomic.wait32(c(FOREVER), c(0), i64c(m, a.ns)))];
        case 'block':
          return a.how === 'fd-read' ? [m.call('read', [c(scratch)], none), m.call('forever', [], none)] : [m.call('forever', [], none)];
        case 'end':
          return terminate(m, a);
        case 'return':
          return [m.return()];
      }
    };
    const body = (actions: readonly Action[], thread: number): Expr => m.block(null, actions.flatMap((a) => compile(a, thread)));
    program.threads.forEach((actions, j) => m.addFunction(`thread${j + 1}`, none, none, [], body(actions, j + 1)));
    const dispatch = program.threads.map((_, j) => m.if(m.i32.eq(m.local.get(1, i32), c(j + 1)), m.call(`thread${j + 1}`, [], none)));
    m.addFunction('wasi_thread_start', binaryen.createType([i32, i32]), none, [], dispatch.length ? m.block(null, dispatch) : m.nop());
    m.addFunctionExport('wasi_thread_start', 'wasi_thread_start');
    m.addFunction('_start', none, none, [], body(program.main, 0));
    m.addFunctionExport('_start', '_start');
  });
}

/** The terminating instruction; never falls through. */
function terminate(m: BModule, a: Extract<Action, { op: 'end' }>): Expr[] {
  const zero = (): Expr => m.i32.atomic.load(0, m.i32.const(FOREVER));
  switch (a.end) {
    case 'proc_exit':
      return [m.call('proc_exit', [m.i32.const(a.code | 0)], binaryen.none), m.unreachable()];
    case 'unreachable':
      return [m.unreachable()];
    case 'div-zero':
      return [m.drop(m.i32.div_u(m.i32.const(7), zero())), m.unreachable()];
    case 'oob':
      return [m.drop(m.i32.load(0, 4, m.i32.const(PAGE - 2))), m.unreachable()];
  }
}
