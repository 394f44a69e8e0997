/**
 * Every trap kind V8 can raise, observed end to end through the pool (worker threads), with
 * the candidate set the V8 11 table gives. Modules are tiny WAT, one export per trap.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Case } from '../../src/case.ts';
import type { Outcome, TrapKind } from '../../src/outcome.ts';
import type { Runtime } from '../../src/runtimes/adapter.ts';
import { createReferenceRuntime } from '../../src/runtimes/reference.ts';
import { call, inst, mkCase } from './helpers.ts';

let rt: Runtime;
beforeAll(() => {
  rt = createReferenceRuntime({ workers: 2 });
});
afterAll(async () => {
  await rt.close();
});

const TABLE_OOB: TrapKind[] = ['undefined element', 'out of bounds table access'];
const FOLDED: TrapKind[] = ['uninitialized element', 'indirect call type mismatch'];
const TRUNC: TrapKind[] = ['invalid conversion to integer', 'integer overflow'];

const f = (body: string, decls = ''): string => `(module ${decls} (func (export "f") ${body}))`;
const TBL = '(type $v (func)) (table $t 2 funcref) (elem $e func $g) (elem (i32.const 0) $g $h) (func $g) (func $h (param i32))';

/** [name, module, expected candidate set, V8 11 message] */
const INVOKE_TRAPS: Array<[string, string, TrapKind[], string]> = [
  ['unreachable', f('unreachable'), ['unreachable'], 'unreachable'],
  ['i32.div_s by zero', f('(drop (i32.div_s (i32.const 1) (i32.const 0)))'), ['integer divide by zero'], 'divide by zero'],
  ['i64.rem_u by zero', f('(drop (i64.rem_u (i64.const 1) (i64.const 0)))'), ['integer divide by zero'], 'remainder by zero'],
  ['i32.div_s overflow', f('(drop (i32.div_s (i32.const 0x80000000) (i32.const -1)))'), ['integer overflow'], 'divide result unrepresentable'],
  ['i64.div_s overflow', f('(drop (i64.div_s (i64.const 0x8000000000000000) (i64.const -1)))'), ['integer overflow'], 'divide result unrepresentable'],
  ['trunc NaN', f('(drop (i32.trunc_f32_s (f32.const nan)))'), TRUNC, 'float unrepresentable in integer range'],
  ['trunc overflow', f('(drop (i64.trunc_f64_u (f64.const 1e300)))'), TRUNC, 'float unrepresentable in integer range'],
  ['load OOB', f('(drop (i32.load (i32.const 65535)))', '(memory 1)'), ['out of bounds memory access'], 'memory access out of bounds'],
  ['store OOB', f('(i64.store (i32.const -1) (i64.const 0))', '(memory 1)'), ['out of bounds memory access'], 'memory access out of bounds'],
  ['memory.fill OOB', f('(memory.fill (i32.const 65000) (i32.const 0) (i32.const 1000))', '(memory 1)'), ['out of bounds memory access'], 'memory access out of bounds'],
  ['memory.copy OOB', f('(memory.copy (i32.const 65530) (i32.const 0) (i32.const 10))', '(memory 1)'), ['out of bounds memory access'], 'memory access out of bounds'],
  ['memory.init OOB', f('(memory.init $d (i32.const 65530) (i32.const 0) (i32.const 10))', '(memory 1) (data $d "0123456789")'), ['out of bounds memory access'], 'memory access out of bounds'],
  ['memory.init after data.drop', f('(data.drop $d) (memory.init $d (i32.const 0) (i32.const 0) (i32.const 1))', '(memory 1) (data $d "0123456789")'), ['out of bounds memory access'], 'memory access out of bounds'],
  ['call_indirect past the table', f('(call_indirect (type $v) (i32.const 5))', TBL), TABLE_OOB, 'table index is out of bounds'],
  ['call_indirect null slot', f('(table.set $t (i32.const 1) (ref.null func)) (call_indirect (type $v) (i32.const 1))', TBL), FOLDED, 'null function or function signature mismatch'],
  ['call_indirect signature mismatch', f('(call_indirect (type $v) (i32.const 1))', TBL), FOLDED, 'null function or function signature mismatch'],
  ['table.get OOB', f('(drop (table.get $t (i32.const 2)))', TBL), TABLE_OOB, 'table index is out of bounds'],
  ['table.set OOB', f('(table.set $t (i32.const 2) (ref.null func))', TBL), TABLE_OOB, 'table index is out of bounds'],
  ['table.fill OOB', f('(table.fill $t (i32.const 1) (ref.null func) (i32.const 5))', TBL), TABLE_OOB, 'table index is out of bounds'],
  ['table.copy OOB', f('(table.copy $t $t (i32.const 1) (i32.const 0) (i32.const 5))', TBL), TABLE_OOB, 'table index is out of bounds'],
  ['table.init OOB', f('(table.init $t $e (i32.const 2) (i32.const 0) (i32.const 1))', TBL), TABLE_OOB, 'table index is out of bounds'],
  ['table.init after elem.drop', f('(elem.drop $e) (table.init $t $e (i32.const 0) (i32.const 0) (i32.const 1))', TBL), ['out of bounds table access'], 'element segment out of bounds'],
  ['stack overflow', `(module (func $r (export "f") (call $r)))`, ['call stack exhausted'], 'Maximum call stack size exceeded'],
  ['atomic store misaligned (unshared)', f('(i64.atomic.store (i32.const 4) (i64.const 1))', '(memory 1 1)'), ['unaligned atomic'], 'operation does not support unaligned accesses'],
  ['atomic rmw misaligned (shared)', f('(drop (i32.atomic.rmw.add (i32.const 2) (i32.const 1)))', '(memory 1 1 shared)'), ['unaligned atomic'], 'operation does not support unaligned accesses'],
  ['wait32 misaligned (shared)', f('(drop (memory.atomic.wait32 (i32.const 1) (i32.const 0) (i64.const 0)))', '(memory 1 1 shared)'), ['unaligned atomic'], 'operation does not support unaligned accesses'],
  ['atomic load OOB', f('(drop (i32.atomic.load (i32.const 65536)))', '(memory 1 1 shared)'), ['out of bounds memory access'], 'memory access out of bounds'],
  ['wait32 on unshared memory', f('(drop (memory.atomic.wait32 (i32.const 0) (i32.const 0) (i64.const 0)))', '(memory 1 1)'), ['expected shared memory'], 'Atomics.wait cannot be called in this context'],
  ['wait64 on unshared memory', f('(drop (memory.atomic.wait64 (i32.const 0) (i64.const 0) (i64.const 0)))', '(memory 1 1)'), ['expected shared memory'], 'Atomics.wait cannot be called in this context'],
  ['uncaught wasm exception', f('(throw $e)', '(tag $e)'), ['uncaught exception'], 'uncaught wasm exception'],
];

/** Traps during instantiation: [name, module, expected set, message]. */
const INSTANTIATE_TRAPS: Array<[string, string, TrapKind[], string]> = [
  ['start function unreachable', '(module (func $s unreachable) (start $s))', ['unreachable'], 'unreachable'],
  ['active data segment OOB', '(module (memory 1) (data (i32.const 65535) "ab"))', ['out of bounds memory access'], 'data segment is out of bounds'],
  ['active element segment OOB', '(module (table 1 funcref) (elem (i32.const 5) $g) (func $g))', TABLE_OOB, 'table index is out of bounds'],
];

function trapOf(o: Outcome | undefined): { trap: TrapKind[]; message: string } | Outcome | undefined {
  return o?.kind === 'trap' ? { trap: o.trap, message: o.message } : o;
}

describe('V8 traps through the pool', () => {
  it('classifies every trap an invoke can raise', async () => {
    const cases: Case[] = INVOKE_TRAPS.map(([name, m]) => mkCase([m], [inst(), call('f')], { id: name }));
    const obs = await rt.executeAll(cases);
    INVOKE_TRAPS.forEach(([name, , kinds, message], i) => {
      expect(obs[i]!.steps[0]!.outcome, name).toEqual({ kind: 'return', values: [] });
      expect(trapOf(obs[i]!.steps[1]?.outcome), name).toEqual({ trap: kinds, message });
    });
  });

  it('classifies traps raised while instantiating', async () => {
    const cases = INSTANTIATE_TRAPS.map(([name, m]) => mkCase([m], [inst()], { id: name }));
    const obs = await rt.executeAll(cases);
    INSTANTIATE_TRAPS.forEach(([name, , kinds, message], i) => {
      expect(trapOf(obs[i]!.steps[0]?.outcome), name).toEqual({ trap: kinds, message });
    });
  });

  it('leaves the instance usable after a trap, with memory and globals as the trap left them', async () => {
    const m = `(module (memory (export "memory") 1) (global $g (export "g") (mut i32) (i32.const 0))
      (func (export "poke") (i32.store (i32.const 8) (i32.const 0xdeadbeef)) (global.set $g (i32.const 42)))
      (func (export "boom") (drop (i32.div_u (i32.const 1) (i32.const 0))))
      (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))`;
    const state = { memory: [{ offset: 8, hex: 'efbeadde' }], globals: { g: { type: 'i32' as const, value: '42' } } };
    const [o] = await rt.executeAll([
      mkCase([m], [inst(), call('poke', [], state), call('boom', [], state), call('add', [{ type: 'i32', value: '2' }, { type: 'i32', value: '3' }], state)]),
    ]);
    expect(o!.steps.map((s) => s.outcome.kind)).toEqual(['return', 'return', 'trap', 'return']);
    for (const s of o!.steps.slice(1)) {
      expect(s.memory).toEqual(state.memory);
      expect(s.globals).toEqual(state.globals);
    }
    expect(o!.steps[3]!.outcome).toEqual({ kind: 'return', values: [{ type: 'i32', value: '5' }] });
  });
});
