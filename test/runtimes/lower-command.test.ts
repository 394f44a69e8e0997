/**
 * The lowering (src/runtimes/native/lower-*.ts): a core case → a WASI command whose `_start`
 * performs the steps and prints what the expectations check. Equivalence on the reference
 * runtime, over every generator family: the original case and its lowered command run there,
 * the command's run is decoded back into an observation of the original case, and
 *   - every step the command reaches is observed exactly as the original run observed it
 *     (outcome, results, memory, globals, output);
 *   - only what lies after the first trap / exit is missing, reported `not observable`;
 *   - the verdicts agree: equal, or `skip` (not observable) where the original passed; and an
 *     expectation mutated on an observed step fails both ways, at the same step.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Case, Expectation, ExpectedOutcome } from '../../src/case.ts';
import { judge } from '../../src/judge.ts';
import type { Observation, StepObservation } from '../../src/observation.ts';
import { TRAP_KINDS } from '../../src/outcome.ts';
import { WA } from '../../src/runtime/wasm-api.ts';
import { readLayout } from '../../src/wasm/layout.ts';
import type { Runtime } from '../../src/runtimes/adapter.ts';
import { createReferenceRuntime } from '../../src/runtimes/reference.ts';
import { commandCase, lowerCommand } from '../../src/runtimes/native/lower-command.ts';
import type { LoweredCommand } from '../../src/runtimes/native/lower-command.ts';
import { addFunctionImport } from '../../src/runtimes/native/lower-import.ts';
import { commandEnd, decodeLowered, splitRecords } from '../../src/runtimes/native/lower-records.ts';
import { FAMILY_NAMES, generateCase } from '../../generators/index.ts';
import { call, inst, mkCase, wat } from '../runtime/helpers.ts';

const SEED = 1;
/** Cases per family: the three families a command runtime exists for get more. */
const COUNT: Record<string, number> = { 'core-traps': 40, controls: 30, 'wasi-exit': 30 };
const OTHERS = 6;

let ref: Runtime;
beforeAll(() => {
  ref = createReferenceRuntime();
});
afterAll(async () => {
  await ref.close();
});

interface Pair {
  c: Case;
  lowered: LoweredCommand;
  original: Observation;
  decoded: Observation;
}

async function runPairs(cases: Case[]): Promise<{ pairs: Pair[]; unsupported: string[] }> {
  const lowered: Array<{ c: Case; lowered: LoweredCommand }> = [];
  const unsupported: string[] = [];
  for (const c of cases) {
    const l = lowerCommand(c);
    if ('unsupported' in l) unsupported.push(l.unsupported);
    else lowered.push({ c, lowered: l });
  }
  const originals = await ref.executeAll(lowered.map((x) => x.c));
  const commands = await ref.executeAll(lowered.map((x) => commandCase(x.c, x.lowered)));
  const pairs = lowered.map((x, i) => ({ ...x, original: originals[i]!, decoded: decodeLowered(x.c, x.lowered, commandEnd(commands[i]!)) }));
  return { pairs, unsupported };
}

const ENDS = new Set(['trap', 'exit', 'timeout', 'crash', 'deadlock']);

/** The observable content of a step, as compared between the two runs. */
function facts(s: StepObservation, e: Expectation, withState: boolean): unknown {
  return { outcome: s.outcome, ...(withState ? { memory: e.memory && s.memory, globals: e.globals && s.globals } : {}), stdout: e.stdout !== undefined ? s.stdout : undefined, stderr: e.stderr !== undefined ? s.stderr : undefined };
}

function checkPair({ c, original, decoded }: Pair): void {
  let ended = -1;
  c.steps.forEach((step, k) => {
    const low = decoded.steps[k]!;
    const orig = original.steps[k];
    if (ended >= 0) {
      expect(low.outcome, `${c.id} step ${k}`).toMatchObject({ kind: 'unsupported', feature: expect.stringMatching(/^not observable: the process ended at step/) });
      return;
    }
    expect(orig, `${c.id} step ${k} ran in the original`).toBeDefined();
    expect(facts(low, step.expect, !low.unobservable), `${c.id} step ${k}`).toEqual(facts(orig!, step.expect, !low.unobservable));
    // the process ended inside this step: its state is unobservable; a `start` that returned ends the command after its reads
    // (a `start` seen as exit 0 may have returned, state read, or called proc_exit(0) inside)
    const returnedStart = step.op === 'start' && low.outcome.kind === 'exit' && low.outcome.code === 0;
    if (!returnedStart) expect(Boolean(low.unobservable), `${c.id} step ${k}: unobservable exactly when the process ended inside the step`).toBe(ENDS.has(low.outcome.kind));
    if (ENDS.has(low.outcome.kind) || step.op === 'start') ended = k;
  });
}

/** A copy of `c` whose expectation at step k says something the original run contradicts. */
function mutate(c: Case, k: number): Case | undefined {
  const e = c.steps[k]!.expect.outcome;
  let wrong: ExpectedOutcome | undefined;
  if (e?.kind === 'trap') wrong = { kind: 'trap', trap: TRAP_KINDS.find((t) => t !== e.trap && t !== 'out of bounds table access' && t !== 'undefined element' && t !== 'uninitialized element')! };
  else if (e?.kind === 'exit') wrong = { kind: 'exit', code: e.code + 1 };
  else if (e?.kind === 'return' && e.values?.length) wrong = { kind: 'return', values: [{ ...e.values[0]!, value: e.values[0]!.value === '7' ? '8' : '7' }, ...e.values.slice(1)] };
  else if (e?.kind === 'return') wrong = { kind: 'trap', trap: 'unreachable' };
  if (!wrong) return undefined;
  return { ...c, steps: c.steps.map((s, i) => (i === k ? { ...s, expect: { ...s.expect, outcome: wrong } } : s)) };
}

describe('lowering a case to a WASI command', () => {
  for (const family of FAMILY_NAMES) {
    it(`${family}: the lowered command observes what the original run observed, up to the first trap or exit`, async () => {
      // Arrange
      const n = COUNT[family] ?? OTHERS;
      const cases = Array.from({ length: n }, (_, i) => generateCase(family, SEED, i));
      // Act
      const { pairs, unsupported } = await runPairs(cases);
      // Assert
      if (family in COUNT) expect(pairs.length, `${family}: lowered ${pairs.length} of ${n}; unsupported: ${unsupported.join('; ')}`).toBeGreaterThanOrEqual(Math.floor(n * 0.9));
      for (const p of pairs) {
        checkPair(p);
        const vo = judge(p.c, p.original, ref.profile);
        const vl = judge(p.c, p.decoded, ref.profile);
        if (vl.verdict !== vo.verdict) {
          expect(vl.verdict, `${p.c.id}: ${vl.reason}`).toBe('skip');
          expect(vl.reason).toMatch(/not observable/);
          expect(['pass', 'imprecise']).toContain(vo.verdict);
        } else expect(vl.step).toBe(vo.step);
        // an expectation contradicted on an observed step fails both ways, at that step
        const observed = p.decoded.steps.filter((s) => s.outcome.kind !== 'unsupported').length;
        const k = observed - 1;
        const m = mutate(p.c, k);
        if (!m) continue;
        const mo = judge(m, p.original, ref.profile);
        const ml = judge(m, p.decoded, ref.profile);
        expect([ml.verdict, ml.step], `${p.c.id} mutated at step ${k}`).toEqual([mo.verdict, mo.step]);
        expect(ml.verdict).toBe('fail');
      }
    }, 120_000);
  }
});

describe('lowering: the pieces', () => {
  it('renumbers calls, ref.func, exports, elements and start when it imports fd_write', async () => {
    // Arrange: calls through every place a function index lives
    const c = mkCase(
      [
        `(module (type $v (func (result i32)))
          (table 2 funcref) (elem (i32.const 0) $a $b) (elem declare func $b)
          (global $gf funcref (ref.func $a))
          (global $g (export "g") (mut i32) (i32.const 0))
          (func $a (result i32) (i32.const 40))
          (func $b (result i32) (i32.add (call $a) (i32.const 2)))
          (func $s (global.set $g (call_indirect (type $v) (i32.const 1))))
          (start $s)
          (func (export "f") (result i32) (i32.add (call $b) (call_indirect (type $v) (i32.const 0))))
          (func (export "r") (result i32) (ref.is_null (ref.func $b))))`,
      ],
      [inst({ globals: { g: { type: 'i32', value: '42' } } }), call('f', [], { outcome: { kind: 'return', values: [{ type: 'i32', value: '82' }] } }), call('r', [], { outcome: { kind: 'return', values: [{ type: 'i32', value: '0' }] } })],
      { features: ['reference-types', 'bulk-memory'] },
    );
    // Act
    const l = lowerCommand(c) as LoweredCommand;
    const [obs] = await ref.executeAll([commandCase(c, l)]);
    const decoded = decodeLowered(c, l, commandEnd(obs!));
    // Assert
    expect(WA.validate(l.bytes)).toBe(true);
    expect(judge(c, decoded, ref.profile)).toEqual({ verdict: 'pass' });
  });

  it('walks SIMD, bulk-memory, table and select-t immediates without losing the calls after them', async () => {
    // Arrange: every immediate shape the walker skips sits before a call it must renumber
    const c = mkCase(
      [
        `(module (memory 1) (table 2 funcref) (data $d "\\01\\02") (elem $e func $one)
          (func $one (result i32) (i32.const 1))
          (func (export "f") (result i32) (local v128)
            (local.set 0 (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 (v128.const i32x4 1 2 3 4) (v128.load offset=3 align=1 (i32.const 0))))
            (local.set 0 (v128.load8_lane 1 (i32.const 0) (local.get 0)))
            (v128.store32_lane align=1 0 (i32.const 64) (local.get 0))
            (memory.init $d (i32.const 8) (i32.const 0) (i32.const 2)) (data.drop $d)
            (table.init $e (i32.const 1) (i32.const 0) (i32.const 1)) (elem.drop $e)
            (table.fill (i32.const 0) (ref.func $one) (i32.const 1))
            (drop (select (result i32) (i32.const 5) (i32.const 6) (i32.const 1)))
            (drop (i32.trunc_sat_f32_s (f32.const 1.5)))
            (i32.add (i32.add (i32x4.extract_lane 1 (local.get 0)) (call $one))
              (i32.add (call_indirect (result i32) (i32.const 1)) (i32.load8_u (i32.const 9))))))`,
      ],
      [inst(), call('f', [], { outcome: { kind: 'return', values: [{ type: 'i32', value: '6' }] }, memory: [{ offset: 8, hex: '0102' }] })],
      { features: ['simd', 'bulk-memory', 'reference-types', 'nontrapping-fptoint'] },
    );
    // Act
    const l = lowerCommand(c) as LoweredCommand;
    const [obs] = await ref.executeAll([commandCase(c, l)]);
    // Assert
    expect(judge(c, decodeLowered(c, l, commandEnd(obs!)), ref.profile)).toEqual({ verdict: 'pass' });
  });

  it('reuses an fd_write the module already imports (nothing renumbered)', () => {
    const bytes = wat(`(module (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32))) (func (export "f")))`);
    const added = addFunctionImport(bytes, { module: 'wasi_snapshot_preview1', name: 'fd_write', params: [0x7f, 0x7f, 0x7f, 0x7f], results: [0x7f] });
    expect(added.bytes).toBe(bytes);
    expect(added.index).toBe(0);
  });

  it('restores its scratch bytes: memory 0..47 reads back as the guest left it, every step', async () => {
    const c = mkCase(
      [`(module (memory 1) (data (i32.const 0) "\\01\\02\\03\\04\\05\\06\\07\\08\\09\\0a\\0b\\0c\\0d\\0e\\0f\\10\\11\\12\\13\\14\\15\\16\\17\\18\\19\\1a\\1b\\1c\\1d\\1e\\1f\\20")
         (func (export "sum") (result i64) (i64.add (i64.load (i32.const 0)) (i64.load (i32.const 40)))))`],
      [inst({ memory: [{ offset: 0, hex: '0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20' }] }), call('sum', [], { outcome: { kind: 'return', values: [{ type: 'i64', value: '578437695752307201' }] }, memory: [{ offset: 30, hex: '1f200000' }] })],
    );
    const l = lowerCommand(c) as LoweredCommand;
    const [obs] = await ref.executeAll([commandCase(c, l)]);
    expect(judge(c, decodeLowered(c, l, commandEnd(obs!)), ref.profile)).toEqual({ verdict: 'pass' });
  });

  it('refuses a zero-page memory and non-WASI imports, with the reason', () => {
    expect(lowerCommand(mkCase(['(module (memory 0) (func (export "f")))'], [inst(), call('f')]))).toEqual({ unsupported: expect.stringMatching(/0 pages/) });
    expect(lowerCommand(mkCase(['(module (import "env" "h" (func)) (func (export "f")))'], [inst(), call('f')]))).toEqual({ unsupported: expect.stringMatching(/imports from "env"/) });
  });

  it('gives a memory-less module a memory of its own, exported as `memory`', () => {
    const l = lowerCommand(mkCase(['(module (func (export "f") (result i32) (i32.const 1)))'], [inst(), call('f')])) as LoweredCommand;
    expect(WA.validate(l.bytes)).toBe(true);
    const exports = readLayout(l.bytes).exports;
    expect([exports.get('memory')?.kind, exports.get('_start')?.kind]).toEqual(['memory', 'func']);
  });

  it('splits records from the guest output and keeps the guest bytes in order', () => {
    const s = splitRecords('hi\u0001tc:E00000000:\nthere\u0001tc:R00010000:0000002a\n!');
    expect(s.text).toBe('hithere!');
    expect(s.endAt.get(0)).toBe(2);
    expect(s.records[1]).toEqual({ tag: 'R', step: 1, index: 0, value: 42n });
  });
});
