/**
 * The two rows of the `jspi` family whose answer exists only under JS Promise Integration: the
 * engine refuses to suspend. Spec: JS API, js-promise-integration document/js-api/index.bs,
 * "create a suspending function": when the running execution context's entry in the Execution
 * Context Status map is not active, the host function throws a SuspendError, before the wrapped
 * function runs; the map gets an active entry only in "evaluate a Promising function". The
 * Overview ("only WebAssembly frames are active between the call to a promising function and any
 * call to a Suspending wrapped import") says the engine traps; the spec text, and both engines, throw
 * the SuspendError, a JS exception: observed as `host-error`, and no guest code after the import runs.
 *
 *   through-js-frame   outer(d) [promising] → trapcheck:jspi.reenter (a plain JS import) → inner(d)
 *                      → d frames → block: the JS-to-wasm call into inner runs in an execution
 *                      context the map has no active entry for → SuspendError at block, unwound
 *                      through inner, the JS frame and outer. Then the instance still parks and
 *                      resumes a promising call, refuses again, and a fresh instance refuses alike.
 *   outside-promising  a start function (no promising export anywhere) calls down(d) → block:
 *                      SuspendError, so instantiation fails (twice: nothing is left over); then the
 *                      same host parks and resumes a call of another module inside a promising export.
 *
 * Asyncify hosts have no such refusal, so these cases declare the `jspi` feature and are skipped
 * elsewhere. Unmetered: the refusal itself is what is observed (a metered start function would run
 * as a promising export, src/runtime/hosts/jspi-start.ts).
 *
 * Defined function order: run (0), down (1), outer (2), inner (3), probe (4); the start module has
 * down (0) and its start function (1).
 */
import type { Expectation, Step } from '../../src/case.ts';
import type { Feature } from '../../src/features.ts';
import type { BModule, Expr } from '../../src/wasm/builder.ts';
import { binaryen, buildModule } from '../../src/wasm/builder.ts';
import type { Event } from '../cancellation-model.ts';
import { GUEST_PATTERN, Machine } from '../cancellation-model.ts';
import { outcomeOf } from '../cancellation/steps.ts';
import { OBSERVED_BYTES, runEvents, SLOT, UNMETERED } from './module.ts';

const NAME = 'jspi';
export const REFUSALS = ['through-js-frame', 'outside-promising'] as const;
export type Refusal = (typeof REFUSALS)[number];
export const REFUSAL_FEATURES: readonly Feature[] = ['mutable-globals', 'jspi'];
const JSPI_MODULE = 'trapcheck:jspi';

const le32 = (v: number): number[] => [v & 255, (v >>> 8) & 255, (v >>> 16) & 255, (v >>> 24) & 255];
const i32 = (v: number) => ({ type: 'i32' as const, value: String(v) });
/** What outer writes before the JS frame: a constant derived from the marker, so it differs from it. */
export const outerMark = (marker: number): number => (marker ^ 0x5a5a5a5a) | 0;

/** The shared part of both modules: imports, memory with the guest pattern, g, and down(n). */
function common(m: BModule, extraImports: (m: BModule) => void): void {
  const { i32: t, none } = binaryen;
  m.addFunctionImport('yield', 'trapcheck:host', 'yield', none, none);
  m.addFunctionImport('block', 'trapcheck:host', 'block', none, t);
  extraImports(m);
  m.setMemory(1, 1, 'memory', [{ offset: m.i32.const(0), data: new TextEncoder().encode(GUEST_PATTERN), passive: false }]);
  m.addGlobal('g', t, true, m.i32.const(0));
  m.addGlobalExport('g', 'g');
}

const g = (m: BModule): Expr => m.global.get('g', binaryen.i32);
const bump = (m: BModule): Expr => m.global.set('g', m.i32.add(g(m), m.i32.const(1)));
const store = (m: BModule, at: number, v: Expr): Expr => m.i32.store(0, 4, m.i32.const(at), v);
const local = (m: BModule, i: number): Expr => m.local.get(i, binaryen.i32);

/** down(n) as in ./module.ts: n = 0: v = block(); mem[20] = v; yield(); return v.  n > 0: down(n - 1) + 1 */
function addDown(m: BModule): void {
  const t = binaryen.i32;
  const bottom = m.block(null, [m.local.set(1, m.call('block', [], t)), store(m, SLOT.block, local(m, 1)), m.call('yield', [], binaryen.none), local(m, 1)], t);
  const deeper = m.i32.add(m.call('down', [m.i32.sub(local(m, 0), m.i32.const(1))], t), m.i32.const(1));
  m.addFunction('down', binaryen.createType([t]), t, [t], m.if(m.i32.eqz(local(m, 0)), bottom, deeper));
}

/** run / down as ./module.ts builds them, plus outer(d) → reenter(d) → inner(d) = (g += 1; down(d)). */
export function buildThroughJsModule(marker: number): Uint8Array {
  const t = binaryen.i32;
  return buildModule(NAME, REFUSAL_FEATURES, (m) => {
    common(m, (mm) => mm.addFunctionImport('reenter', JSPI_MODULE, 'reenter', binaryen.createType([t]), t));
    m.addFunction('run', binaryen.createType([t]), t, [t], m.block(null, [store(m, SLOT.before, m.i32.const(marker)), m.local.set(1, m.call('down', [local(m, 0)], t)), bump(m), store(m, SLOT.result, local(m, 1)), g(m)], t));
    m.addFunctionExport('run', 'run');
    addDown(m);
    m.addFunction('outer', binaryen.createType([t]), t, [t], m.block(null, [store(m, SLOT.boom, m.i32.const(outerMark(marker))), m.local.set(1, m.call('reenter', [local(m, 0)], t)), bump(m), local(m, 1)], t));
    m.addFunctionExport('outer', 'outer');
    m.addFunction('inner', binaryen.createType([t]), t, [], m.block(null, [bump(m), m.call('down', [local(m, 0)], t)], t));
    m.addFunctionExport('inner', 'inner');
    m.addFunction('probe', binaryen.none, t, [], g(m));
    m.addFunctionExport('probe', 'probe');
  });
}

/** A start function that writes the marker, bumps g and calls down(depth): its block is outside any promising export. */
export function buildStartModule(marker: number, depth: number): Uint8Array {
  const t = binaryen.i32;
  return buildModule(NAME, REFUSAL_FEATURES, (m) => {
    common(m, () => undefined);
    addDown(m);
    m.addFunction('start', binaryen.none, binaryen.none, [], m.block(null, [store(m, SLOT.before, m.i32.const(marker)), bump(m), m.drop(m.call('down', [m.i32.const(depth)], t))]));
    m.setStart(m.getFunction('start'));
  });
}

/** outer(d)'s events up to its first suspending import (block, d frames under inner), where the refusal stops it. */
export function outerEvents(d: number, marker: number): Event[] {
  return [{ e: 'write', at: SLOT.boom, bytes: le32(outerMark(marker)) }, { e: 'bump' }, ...runEvents(d, marker, 0, { k: 'none' }, UNMETERED).filter((ev) => ev.e === 'suspend')];
}

const REFUSED: Expectation['outcome'] = { kind: 'host-error' };

function state(mc: Machine, extra: Expectation): Expectation {
  return { ...extra, memory: [{ offset: 0, hex: mc.hex(0, OBSERVED_BYTES) }], globals: { g: i32(mc.g) } };
}

export interface RefusalChoices {
  marker: number;
  depth: number;
  suspension: 1 | 2;
  resumeValue: number;
}

/** Parks run(d) at the chosen suspension and resumes it: the engine still suspends inside a promising export. */
function parkAndResume(mc: Machine, p: RefusalChoices, instance: string | undefined, out: Step[]): void {
  const events = runEvents(p.depth, p.marker, p.suspension === 1 ? p.resumeValue : 0, { k: 'none' }, UNMETERED);
  const arg = [i32(p.depth)];
  const at = instance === undefined ? {} : { instance };
  const stop = mc.play(events, 0, { suspensions: p.suspension });
  out.push({ op: 'call', ...at, export: 'run', args: arg, call: 'c', pauseAt: { suspension: p.suspension }, expect: state(mc, { outcome: outcomeOf(stop, mc) }) });
  const end = mc.resume(events, stop.stop === 'host' ? stop.at : 0, { value: p.resumeValue });
  out.push({ op: 'resume', call: 'c', value: p.resumeValue, expect: state(mc, { outcome: outcomeOf(end, mc) }) });
}

/** Every call of outer is refused at its first suspending import: the state is as the Machine has it just before that import. */
function refusedOuter(mc: Machine, p: RefusalChoices, instance: string | undefined, call: string): Step {
  mc.play(outerEvents(p.depth, p.marker), 0, { suspensions: 1 });
  return { op: 'call', ...(instance === undefined ? {} : { instance }), export: 'outer', args: [i32(p.depth)], call, expect: state(mc, { outcome: REFUSED }) };
}

export function refusalSteps(row: Refusal, p: RefusalChoices): Step[] {
  const ok: Step['expect'] = { outcome: { kind: 'return' } };
  if (row === 'through-js-frame') {
    const mc = new Machine(false);
    const out: Step[] = [{ op: 'instantiate', expect: ok }, refusedOuter(mc, p, undefined, 'o1')];
    parkAndResume(mc, p, undefined, out);
    out.push(refusedOuter(mc, p, undefined, 'o2'));
    out.push({ op: 'instantiate', as: 'fresh', expect: ok }, refusedOuter(new Machine(false), p, 'fresh', 'o3'));
    return out;
  }
  // module 0 never instantiates; module 1 is the plain jspi module (./module.ts) with the same marker
  const out: Step[] = [
    { op: 'instantiate', module: 0, expect: { outcome: REFUSED } },
    { op: 'instantiate', module: 0, expect: { outcome: REFUSED } },
    { op: 'instantiate', module: 1, as: 'after', expect: ok },
  ];
  parkAndResume(new Machine(false), p, 'after', out);
  return out;
}
