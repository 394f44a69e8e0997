/**
 * SpiderMonkey through gjs, for real: (1) the `spidermonkey` message table against what gjs itself
 * prints for a module per trap kind (no trapcheck code in the loop but the table), (2) the adapter:
 * the bundled driver on gjs, multi-step cases, a hang that costs only its case, host layers.
 * Skipped, with the reason in the suite name, where gjs is not installed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrapKind } from '../../src/outcome.ts';
import { TRAP_KINDS } from '../../src/outcome.ts';
import { classifyEngineError, knownMessages } from '../../src/runtime/classify.ts';
import type { Runtime } from '../../src/runtimes/adapter.ts';
import { createSpiderMonkeyRuntime } from '../../src/runtimes/native/spidermonkey.ts';
import { judge } from '../../src/judge.ts';
import { generateCase } from '../../generators/index.ts';
import { call, inst, mkCase, start, wasiWriteExit, wat } from '../runtime/helpers.ts';

const GJS = (process.env['PATH'] ?? '').split(delimiter).map((d) => join(d, 'gjs')).find((p) => existsSync(p));
const suite = GJS ? `spidermonkey (${GJS})` : 'spidermonkey (skipped: no `gjs` on PATH; Debian: apt-get install gjs)';

/** Modules whose export `f` traps with the kind, each one way SpiderMonkey reports it; `i` marks a trap at instantiation. */
const TRAPPING: Record<string, { kind: TrapKind; wat: string }> = {
  unreachable: { kind: 'unreachable', wat: `(module (func (export "f") unreachable))` },
  div_s: { kind: 'integer divide by zero', wat: `(module (func (export "f") (result i32) (i32.div_s (i32.const 1) (i32.const 0))))` },
  rem_u64: { kind: 'integer divide by zero', wat: `(module (func (export "f") (result i64) (i64.rem_u (i64.const 1) (i64.const 0))))` },
  div_overflow: { kind: 'integer overflow', wat: `(module (func (export "f") (result i32) (i32.div_s (i32.const 0x80000000) (i32.const -1))))` },
  trunc_overflow: { kind: 'integer overflow', wat: `(module (func (export "f") (result i64) (i64.trunc_f64_u (f64.const -1))))` },
  trunc_nan: { kind: 'invalid conversion to integer', wat: `(module (func (export "f") (result i32) (i32.trunc_f32_s (f32.const nan))))` },
  load: { kind: 'out of bounds memory access', wat: `(module (memory 1) (func (export "f") (result i32) (i32.load (i32.const 65536))))` },
  fill: { kind: 'out of bounds memory access', wat: `(module (memory 1) (func (export "f") (memory.fill (i32.const 65530) (i32.const 0) (i32.const 10))))` },
  data_i: { kind: 'out of bounds memory access', wat: `(module (memory 1) (data (i32.const 65535) "ab"))` },
  table_get: { kind: 'out of bounds table access', wat: `(module (table 1 funcref) (func (export "f") (drop (table.get 0 (i32.const 5)))))` },
  table_set_extern: { kind: 'out of bounds table access', wat: `(module (table 1 externref) (func (export "f") (table.set 0 (i32.const 5) (ref.null extern))))` },
  table_init: { kind: 'out of bounds table access', wat: `(module (table 1 funcref) (elem $e func $g) (func $g) (func (export "f") (table.init $e (i32.const 0) (i32.const 0) (i32.const 2))))` },
  elem_i: { kind: 'out of bounds table access', wat: `(module (table 1 funcref) (func $g) (elem (i32.const 1) $g))` },
  undefined_element: { kind: 'undefined element', wat: `(module (type $t (func)) (table 1 funcref) (func (export "f") (call_indirect (type $t) (i32.const 3))))` },
  uninitialized_element: { kind: 'uninitialized element', wat: `(module (type $t (func)) (table 1 funcref) (func (export "f") (call_indirect (type $t) (i32.const 0))))` },
  signature: {
    kind: 'indirect call type mismatch',
    wat: `(module (type $t (func)) (table 1 funcref) (func $g (param i32)) (elem (i32.const 0) $g) (func (export "f") (call_indirect (type $t) (i32.const 0))))`,
  },
  recursion: { kind: 'call stack exhausted', wat: `(module (func $r (export "f") (call $r)))` },
  throw: { kind: 'uncaught exception', wat: `(module (tag $e (param i32)) (func (export "f") (throw $e (i32.const 3))))` },
};

/** Kinds SpiderMonkey 102 cannot reach, and a module showing why (the engine refuses it). */
const UNREACHABLE: Partial<Record<TrapKind, { wat: string; refusal: RegExp }>> = {
  'unaligned atomic': { wat: `(module (memory 1) (func (export "f") (result i32) (i32.atomic.load (i32.const 1))))`, refusal: /unrecognized opcode: fe 10/ },
  'expected shared memory': { wat: `(module (memory 1) (func (export "f") (result i32) (memory.atomic.wait32 (i32.const 0) (i32.const 0) (i64.const 0))))`, refusal: /unrecognized opcode: fe 1/ },
};
/** `null reference` needs function-references or gc, which SpiderMonkey 102 does not validate (checked through the adapter's features below). */
const HOST_LAYER_KINDS: readonly TrapKind[] = ['cannot enter component instance', 'cannot leave component instance', 'out of fuel', 'invalid variant discriminant'];

/** Runs each module in plain gjs and reports what was thrown, then whether the instance still answers. */
const PROBE = `
import Gio from 'gi://Gio';
import System from 'system';
const dir = Gio.File.new_for_path(System.programArgs[0]);
for (const name of System.programArgs.slice(1)) {
  const [, bytes] = dir.get_child(name + '.wasm').load_contents(null);
  const r = { name };
  let inst;
  try {
    inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
    inst.exports.f();
    r.thrown = null;
  } catch (e) {
    r.thrown = { exception: e instanceof WebAssembly.Exception, name: String(e.name), message: String(e.message) };
  }
  if (inst && inst.exports.ok) r.okAfter = inst.exports.ok();
  print(JSON.stringify(r));
}`;

interface Probed {
  name: string;
  thrown: { exception: boolean; name: string; message: string } | null;
  okAfter?: number;
}

function runInGjs(modules: Record<string, string>): Map<string, Probed> {
  const dir = mkdtempSync(join(tmpdir(), 'trapcheck-sm-'));
  try {
    writeFileSync(join(dir, 'probe.js'), PROBE);
    for (const [name, text] of Object.entries(modules)) writeFileSync(join(dir, `${name}.wasm`), wat(text));
    const r = spawnSync(GJS!, ['-m', join(dir, 'probe.js'), dir, ...Object.keys(modules)], { encoding: 'utf8', timeout: 30_000 });
    expect(r.status, r.stderr).toBe(0);
    return new Map(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Probed)
        .map((p) => [p.name, p]),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe.skipIf(!GJS)(suite, () => {
  describe('message table against gjs output', () => {
    let probed: Map<string, Probed>;
    beforeAll(() => {
      // the same modules again with an `ok` export, to see the instance after the trap
      const withOk = Object.fromEntries(Object.entries(TRAPPING).map(([n, t]) => [n, t.wat.replace(/\)$/, ' (func (export "ok") (result i32) (i32.const 42)))')]));
      probed = runInGjs({ ...withOk, ...Object.fromEntries(Object.entries(UNREACHABLE).map(([k, v]) => [k.replace(/ /g, '_'), v.wat])) });
    });

    it.each(Object.entries(TRAPPING))('%s: what gjs throws classifies as its trap kind', (name, { kind }) => {
      const p = probed.get(name)!;
      expect(p.thrown, name).not.toBeNull();
      const outcome = classifyEngineError('spidermonkey', p.thrown!.exception ? 'Exception' : p.thrown!.name, p.thrown!.message);
      expect(outcome.kind, `${name}: ${p.thrown!.name}: ${p.thrown!.message}`).toBe('trap');
      if (outcome.kind === 'trap') expect(outcome.trap).toContain(kind);
    });

    it('every trap kind is measured, refused by the engine, or raised by trapcheck host layers', () => {
      const covered = new Set<TrapKind>([...Object.values(TRAPPING).map((t) => t.kind), ...(Object.keys(UNREACHABLE) as TrapKind[]), ...HOST_LAYER_KINDS, 'null reference']);
      expect(TRAP_KINDS.filter((k) => !covered.has(k))).toEqual([]);
      for (const [kind, { refusal }] of Object.entries(UNREACHABLE)) {
        const p = probed.get(kind.replace(/ /g, '_'))!;
        expect(p.thrown?.name, kind).toBe('CompileError');
        expect(p.thrown?.message, kind).toMatch(refusal);
      }
    });

    it('every message of the table was printed by gjs (no unmeasured entries)', () => {
      const printed = new Set([...probed.values()].flatMap((p) => (p.thrown ? [p.thrown.message] : [])));
      expect([...knownMessages('spidermonkey').keys()].filter((m) => !printed.has(m))).toEqual([]);
    });

    it('the instance stays usable after every trap kind (profile instanceAfterTrap: usable)', () => {
      for (const [name, p] of probed) if (name in TRAPPING && !name.endsWith('_i')) expect(p.okAfter, name).toBe(42);
    });

    it('an unknown SpiderMonkey error is a crash naming it, never a guess', () => {
      expect(classifyEngineError('spidermonkey', 'RuntimeError', 'something new')).toMatchObject({ kind: 'crash' });
      expect(classifyEngineError('spidermonkey', 'InternalError', 'out of memory')).toMatchObject({ kind: 'crash' });
    });
  });

  describe('adapter', () => {
    let rt: Runtime;
    beforeAll(async () => {
      rt = await createSpiderMonkeyRuntime({ name: 'spidermonkey@102', kind: 'spidermonkey', binary: GJS!, version: '102', versionLine: 'gjs' });
    }, 60_000);
    afterAll(async () => {
      await rt?.close();
    });

    it('names gjs and its SpiderMonkey, and the features the engine validated', async () => {
      expect(await rt.version()).toMatch(/^gjs \d+\.\d+\.\d+ \(SpiderMonkey \d+\) at /);
      const f = rt.capabilities.features;
      for (const yes of ['mvp', 'simd', 'exceptions', 'bulk-memory', 'reference-types', 'wasi', 'fuel', 'asyncify', 'component'] as const) expect(f.has(yes), yes).toBe(true);
      // shared memory is disabled in gjs's SpiderMonkey; 102 has no function-references (so no `null reference`)
      for (const no of ['threads', 'wasi-threads', 'function-references', 'gc', 'tail-call'] as const) expect(f.has(no), no).toBe(false);
    });

    it('runs a multi-step case on one instance: traps, then the same instance answers with its memory and globals', async () => {
      const m = `(module (type $t (func)) (table 1 funcref) (memory (export "memory") 1)
        (global $g (export "g") (mut i32) (i32.const 0))
        (func (export "bump") (result i32) (global.set $g (i32.add (global.get $g) (i32.const 1))) (i32.store8 (i32.const 3) (global.get $g)) (global.get $g))
        (func (export "oob") (drop (i32.load (i32.const 65536))))
        (func (export "null") (call_indirect (type $t) (i32.const 0)))
        (func (export "f64") (result f64) (f64.const -0x1.8p+1)))`;
      const i32 = (v: string) => ({ type: 'i32' as const, value: v });
      const c = mkCase(
        [m],
        [
          inst(),
          call('bump', [], { outcome: { kind: 'return', values: [i32('1')] } }),
          call('null', [], { outcome: { kind: 'trap', trap: 'uninitialized element' } }),
          call('bump', [], { outcome: { kind: 'return', values: [i32('2')] }, globals: { g: i32('2') }, memory: [{ offset: 0, hex: '00000002' }] }),
          call('f64', [], { outcome: { kind: 'return', values: [{ type: 'f64', value: '-3' }] } }),
        ],
      );
      const oob = mkCase([m], [inst(), call('oob', [], { outcome: { kind: 'trap', trap: 'out of bounds memory access' } })]);
      const [o1, o2] = await rt.executeAll([c, oob]);
      expect(judge(c, o1!, rt.profile).verdict).toBe('pass');
      // `index out of bounds` is shared with table and element errors: right, but imprecise
      expect(o2!.steps[1]!.outcome).toMatchObject({ kind: 'trap', message: 'index out of bounds' });
      expect(judge(oob, o2!, rt.profile).verdict).toBe('imprecise');
    });

    it('a hang becomes timeout and costs only its case; WASI exits and uncaught exceptions', async () => {
      const spin = mkCase([`(module (func (export "spin") (loop (br 0))) (func (export "ok") (result i32) (i32.const 5)))`], [inst(), call('spin', [], { outcome: { kind: 'return' } })], { timeoutMs: 1500 });
      const wasi = mkCase([wasiWriteExit('hi\n', 3)], [inst(), start({ outcome: { kind: 'exit', code: 3 }, stdout: 'hi\n' })], { features: ['wasi'] });
      const thrown = mkCase([`(module (tag $e) (func (export "f") (throw $e)))`], [inst(), call('f', [], { outcome: { kind: 'trap', trap: 'uncaught exception' } })], { features: ['exceptions'] });
      const obs = await rt.executeAll([spin, wasi, thrown]);
      expect(obs[0]!.steps.map((s) => s.outcome.kind)).toEqual(['return', 'timeout']);
      expect(obs[0]!.raw).toMatchObject({ ended: 'timeout', atStep: 1 });
      expect(judge(wasi, obs[1]!, rt.profile).verdict).toBe('pass');
      expect(judge(thrown, obs[2]!, rt.profile).verdict).toBe('pass');
    }, 30_000);

    it('runs cancellation and component cases on SpiderMonkey (modules instrumented by the parent, trapcheck host layers)', async () => {
      const cs = [0, 1, 2].flatMap((i) => [generateCase('cancellation', 11, i), generateCase('component', 11, i)]);
      const obs = await rt.executeAll(cs);
      expect(cs.map((c, i) => `${c.id}: ${judge(c, obs[i]!, rt.profile).verdict}`)).toEqual(cs.map((c) => `${c.id}: pass`));
    }, 60_000);
  });

  it('a binary that is not gjs is a one-line error', async () => {
    await expect(createSpiderMonkeyRuntime({ name: 'spidermonkey@102', kind: 'spidermonkey', binary: process.execPath, version: '102', versionLine: '' })).rejects.toThrow(/^runtime spidermonkey@102: /);
  }, 30_000);
});
