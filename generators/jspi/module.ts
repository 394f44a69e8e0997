/**
 * The module of a `jspi` case and the events of its calls, for the cancellation model's Machine
 * (../cancellation-model.ts). Defined function order is part of the contract (fuel plan indices):
 *
 *   run(d)    (0)  mem[16] = marker; r = down(d); g += 1; mem[24] = r; [the ending]; return g
 *   down(n)   (1)  n = 0: v = block(); mem[20] = v; yield(); return v.  n > 0: down(n - 1) + 1
 *   boom()    (2)  g += 1; mem[28] = 0xB0; unreachable
 *   forever(x)(3)  forever(x + 1) + 1: no base case, so the stack runs out
 *   probe()   (4)  g
 *
 * So the suspensions of run(d) are, in order, `block` then `yield`, both d frames deep, and
 * r = (what block returned) + d. The ending after mem[24] is nothing, a trap, or forever(0).
 * Guest bytes sit at offset 0 (GUEST_PATTERN: Asyncify borrows that region on the reference host
 * and must give it back).
 */
import type { Feature } from '../../src/features.ts';
import type { BModule, Expr } from '../../src/wasm/builder.ts';
import { binaryen, buildModule } from '../../src/wasm/builder.ts';
import type { Event, ProgramTrap } from '../cancellation-model.ts';
import { GUEST_PATTERN } from '../cancellation-model.ts';

const NAME = 'jspi';
/**
 * Pages of memory: the Asyncify host lends the whole memory to every park and copies it out and
 * back, so a small memory keeps thousands of parks cheap there; a deep stack needs room for
 * Asyncify's saved frames.
 */
export const pagesFor = (depth: number): number => (depth > 64 ? 4 : 1);
export const SLOT = { before: 16, block: 20, result: 24, boom: 28 } as const;
/** Bytes the expectations read: the guest pattern and the four slots. */
export const OBSERVED_BYTES = 32;

/** What run does after storing its result. */
export type Ending = { k: 'none' } | { k: 'trap'; trap: ProgramTrap } | { k: 'exhaust' };

/** `marker`: what run writes first (it varies the module, and shows the write survives a pause). */
export function buildJspiModule(ending: Ending, marker: number, pages: number, feats: readonly Feature[]): Uint8Array {
  const { i32, none } = binaryen;
  const memoryEnd = pages * 65536;
  return buildModule(NAME, feats, (m: BModule) => {
    m.addFunctionImport('yield', 'trapcheck:host', 'yield', none, none);
    m.addFunctionImport('block', 'trapcheck:host', 'block', none, i32);
    m.setMemory(pages, pages, 'memory', [{ offset: m.i32.const(0), data: new TextEncoder().encode(GUEST_PATTERN), passive: false }]);
    m.addGlobal('g', i32, true, m.i32.const(0));
    m.addGlobalExport('g', 'g');
    const g = (): Expr => m.global.get('g', i32);
    const bump = (): Expr => m.global.set('g', m.i32.add(g(), m.i32.const(1)));
    const store = (at: number, v: Expr): Expr => m.i32.store(0, 4, m.i32.const(at), v);
    const local = (i: number): Expr => m.local.get(i, i32);

    const end: Expr[] = [];
    if (ending.k === 'trap' && ending.trap === 'unreachable') end.push(m.unreachable());
    if (ending.k === 'trap' && ending.trap === 'div-zero') end.push(m.drop(m.i32.div_s(g(), m.i32.const(0))));
    if (ending.k === 'trap' && ending.trap === 'oob-straddle') end.push(m.i32.store(0, 1, m.i32.const(memoryEnd - 2), m.i32.const(0x01020304)));
    if (ending.k === 'exhaust') end.push(m.drop(m.call('forever', [m.i32.const(0)], i32)));
    // run(d): locals 0 = d, 1 = r
    m.addFunction(
      'run',
      binaryen.createType([i32]),
      i32,
      [i32],
      m.block(null, [store(SLOT.before, m.i32.const(marker)), m.local.set(1, m.call('down', [local(0)], i32)), bump(), store(SLOT.result, local(1)), ...end, g()], i32),
    );
    m.addFunctionExport('run', 'run');
    // down(n): locals 0 = n, 1 = v
    const bottom = m.block(null, [m.local.set(1, m.call('block', [], i32)), store(SLOT.block, local(1)), m.call('yield', [], none), local(1)], i32);
    const deeper = m.i32.add(m.call('down', [m.i32.sub(local(0), m.i32.const(1))], i32), m.i32.const(1));
    m.addFunction('down', binaryen.createType([i32]), i32, [i32], m.if(m.i32.eqz(local(0)), bottom, deeper));
    m.addFunction('boom', none, i32, [], m.block(null, [bump(), store(SLOT.boom, m.i32.const(0xb0)), m.unreachable()], i32));
    m.addFunctionExport('boom', 'boom');
    m.addFunction('forever', binaryen.createType([i32]), i32, [], m.i32.add(m.call('forever', [m.i32.add(local(0), m.i32.const(1))], i32), m.i32.const(1)));
    m.addFunction('probe', none, i32, [], g());
    m.addFunctionExport('probe', 'probe');
  });
}

const le32 = (v: number): number[] => [v & 255, (v >>> 8) & 255, (v >>> 16) & 255, (v >>> 24) & 255];

/** Entry costs of run, down and boom (0 each in an unmetered module, where nothing observes fuel). */
export interface Costs {
  run: number;
  down: number;
  boom: number;
}
export const UNMETERED: Costs = { run: 0, down: 0, boom: 0 };

/**
 * The events of run(d) when `block` returns `blockValue`. An `exhaust` ending is not an event the
 * Machine plays: its caller stops at the result write (everything before the recursion ran).
 */
export function runEvents(d: number, marker: number, blockValue: number, ending: Ending, c: Costs): Event[] {
  const out: Event[] = [{ e: 'charge', units: c.run }, { e: 'write', at: SLOT.before, bytes: le32(marker) }];
  for (let i = 0; i <= d; i++) out.push({ e: 'charge', units: c.down });
  out.push({ e: 'suspend', kind: 'block', slot: SLOT.block }, { e: 'suspend', kind: 'yield', slot: 0 }, { e: 'bump' }, { e: 'write', at: SLOT.result, bytes: le32(blockValue + d) });
  if (ending.k === 'trap') out.push({ e: 'trap', trap: ending.trap });
  return out;
}

export function boomEvents(c: Costs): Event[] {
  return [{ e: 'charge', units: c.boom }, { e: 'bump' }, { e: 'write', at: SLOT.boom, bytes: le32(0xb0) }, { e: 'trap', trap: 'unreachable' }];
}
