/** Shared by the mutation tests: a sample of cases and the comparison of two observations. */
import type { Case, Step } from '../../src/case.ts';
import type { Observation } from '../../src/observation.ts';
import { executeCase } from '../../src/runtime/exec.ts';
import { watToBinary } from '../../src/wasm/wabt.ts';
import { generateCase } from '../../generators/index.ts';

/** Everything a case observes (outcomes with their messages, state, output), as one comparable text. */
export function observed(o: Observation): string {
  return JSON.stringify([o.steps, o.stdout, o.stderr]);
}

/** Runs both cases in this thread; the observations of the mutated one, or the first difference. */
export function compareRuns(original: Case, mutated: Case): { same: boolean; original: string; mutated: string } {
  const a = observed(executeCase(original));
  const b = observed(executeCase(mutated));
  return { same: a === b, original: a, mutated: b };
}

const i32 = (v: number): { type: 'i32'; value: string } => ({ type: 'i32', value: String(v) });
const invoke = (name: string, args: number[], value: number): Step => ({ op: 'invoke', export: name, args: args.map(i32), expect: { outcome: { kind: 'return', values: [i32(value)] } } });

/**
 * A module where every way of naming a function matters: direct calls, an active element segment
 * (MVP encoding), a declarative one and a passive one with expressions, a global holding a
 * `ref.func`, exports and a start function; no memory. Each call path returns a value that tells
 * which function ran.
 */
export const INDICES_WAT = `(module
  (type $t (func (result i32)))
  (table 4 funcref)
  (global $g funcref (ref.func $c))
  (global $started (export "started") (mut i32) (i32.const 0))
  (elem (i32.const 0) $a $b $c)
  (elem declare func $d)
  (elem funcref (ref.func $a) (ref.null func))
  (func $a (result i32) (i32.const 10))
  (func $b (result i32) (i32.add (call $a) (i32.const 1)))
  (func $c (result i32) (i32.const 30))
  (func $d (result i32) (i32.const 40))
  (func $s (global.set $started (i32.const 7)))
  (func (export "via_table") (param i32) (result i32) (call_indirect (type $t) (local.get 0)))
  (func (export "direct") (result i32) (call $b))
  (func (export "via_global") (result i32) (table.set (i32.const 3) (global.get $g)) (call_indirect (type $t) (i32.const 3)))
  (func (export "via_ref") (result i32) (table.set (i32.const 3) (ref.func $d)) (call_indirect (type $t) (i32.const 3)))
  (start $s))`;

export async function indicesCase(): Promise<Case> {
  return {
    id: 'test/mutate-indices',
    family: 'test',
    modules: [{ bytes: await watToBinary(INDICES_WAT) }],
    features: ['reference-types', 'bulk-memory', 'mutable-globals'],
    steps: [
      { op: 'instantiate', expect: { outcome: { kind: 'return' }, globals: { started: i32(7) } } },
      invoke('via_table', [0], 10),
      invoke('via_table', [1], 11),
      invoke('via_table', [2], 30),
      invoke('direct', [], 11),
      invoke('via_global', [], 30),
      invoke('via_ref', [], 40),
    ],
    provenance: { kind: 'hand-written', note: 'test/mutate' },
  };
}

/** A memoryless module without a start function (add-memory and start apply to it). */
export async function plainCase(): Promise<Case> {
  const wat = `(module
    (func $sq (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))
    (func (export "run") (param i32) (result i32) (i32.add (call $sq (local.get 0)) (i32.const 1)))
    (func (export "trap") (result i32) (i32.div_s (i32.const 1) (i32.const 0))))`;
  return {
    id: 'test/mutate-plain',
    family: 'test',
    modules: [{ bytes: await watToBinary(wat) }],
    features: [],
    steps: [{ op: 'instantiate', expect: { outcome: { kind: 'return' } } }, invoke('run', [6], 37), { op: 'invoke', export: 'trap', expect: { outcome: { kind: 'trap', trap: 'integer divide by zero' } } }],
    provenance: { kind: 'hand-written', note: 'test/mutate' },
  };
}

/** `perFamily` generated cases of each family the issue names (seed 1), then the hand-written ones. */
export async function sampleCases(perFamily: number): Promise<Case[]> {
  const out: Case[] = [];
  for (const family of ['core-traps', 'controls', 'wasi-exit']) for (let i = 0; i < perFamily; i++) out.push(generateCase(family, 1, i));
  out.push(await indicesCase(), await plainCase());
  return out;
}
