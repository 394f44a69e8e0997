/**
 * wasmtime embedded in wizer: the report reader and the snapshot reader (pure), then the adapter
 * against every real wizer binary installed (npm @bytecodealliance/wizer 10.0.0 = wasmtime 36.0.2,
 * 11.0.3 = wasmtime 42.0.1, under any npm alias). A version that is not installed is skipped with
 * that reason. Extra node_modules folders to search: WIZER_NODE_MODULES (colon-separated).
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Case, Expectation } from '../../src/case.ts';
import { judge } from '../../src/judge.ts';
import type { Observation } from '../../src/observation.ts';
import type { Runtime } from '../../src/runtimes/adapter.ts';
import { createWizerRuntime } from '../../src/runtimes/native/wizer.ts';
import { WASMTIME_TRAP_TEXTS, classifyReport, splitStderr } from '../../src/runtimes/native/wizer-output.ts';
import { exportedGlobal, inspectedMemory, memoryBytes, readSnapshot } from '../../src/runtimes/native/wizer-snapshot.ts';
import type { TrapKind } from '../../src/outcome.ts';
import { call, inst, mkCase, start, wat } from '../runtime/helpers.ts';

// --- finding the installed binaries ---------------------------------------------------------------

function platformPackages(root: string): string[] {
  const out: string[] = [];
  const direct = join(root, '@bytecodealliance', `wizer-${process.platform}-${process.arch}`);
  if (existsSync(direct)) out.push(direct);
  if (!existsSync(root)) return out;
  for (const alias of readdirSync(root)) {
    const nested = join(root, alias, 'node_modules');
    if (alias.includes('wizer') && existsSync(nested)) out.push(...platformPackages(nested));
  }
  return out;
}

function installedWizers(): Map<string, string> {
  const roots = [join(import.meta.dirname, '..', '..', 'node_modules'), ...(process.env['WIZER_NODE_MODULES'] ?? '').split(':').filter(Boolean)];
  const found = new Map<string, string>();
  for (const dir of roots.flatMap(platformPackages)) {
    const version = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
    const binary = join(dir, 'wizer');
    if (existsSync(binary) && !found.has(version)) found.set(version, binary);
  }
  return found;
}

const WIZERS = installedWizers();
const VERSIONS: Array<[wizer: string, wasmtime: string]> = [
  ['10.0.0', '36.0.2'],
  ['11.0.3', '42.0.1'],
];

// --- pure parts ------------------------------------------------------------------------------------

describe('wizer report reader (texts measured on wizer 10.0.0 / 11.0.3)', () => {
  it('splits guest stderr written without a newline from the report that follows it', () => {
    const stderr = Buffer.from('err1Error: the `f` function trapped\n\nCaused by:\n    0: error while executing at wasm backtrace:\n    1: Exited with i32 exit status 0\n');
    const { guest, report } = splitStderr(stderr, 'f', true);
    expect(guest.toString()).toBe('err1');
    expect(classifyReport(report, 'f')).toEqual({ kind: 'ended', phase: 'call', outcome: { kind: 'exit', code: 0 } });
  });

  it('reads an exit from the start section (either version) as the instantiation ending', () => {
    const v10 = 'Error: failed to instantiate the Wasm module\n\nCaused by:\n    0: error while executing at wasm backtrace:\n    1: Exited with i32 exit status 7\n';
    const v11 = 'Error: error while executing at wasm backtrace:\n    0:     0x8c - <unknown>!<wasm function 1>\n\nCaused by:\n    Exited with i32 exit status 7\n';
    for (const text of [v10, v11]) expect(classifyReport(splitStderr(Buffer.from(text), 'nop', true).report, 'nop')).toEqual({ kind: 'ended', phase: 'instantiate', outcome: { kind: 'exit', code: 7 } });
  });

  it('reads proc_exit(N ≥ 126) as exit 1, the wasmtime rule', () => {
    const text = 'Error: the `f` function trapped\n\nCaused by:\n    0: error while executing at wasm backtrace:\n    1: exit with invalid exit status outside of [0..126)\n';
    expect(classifyReport(text, 'f')).toMatchObject({ kind: 'ended', outcome: { kind: 'exit', code: 1 } });
  });

  it('maps refusals to unsupported and validation errors to rejected', () => {
    expect(classifyReport('Error: unsupported `table.set` instruction\n', 'f')).toMatchObject({ kind: 'refused', outcome: { kind: 'unsupported' } });
    // wizer 10's words for a typed select (emitted by transparent contexts): a refusal, not a crash
    expect(classifyReport('Error: unsupported typed `select` instruction\n', 'f')).toMatchObject({ kind: 'refused', outcome: { kind: 'unsupported', feature: 'instruction typed select (wizer refuses any module that uses it)' } });
    expect(classifyReport('Error: imported memories are not supported\n', 'f')).toMatchObject({ kind: 'refused', outcome: { kind: 'unsupported' } });
    expect(classifyReport('Error: threads support is not enabled (at offset 0x4c)\n', 'f')).toMatchObject({ kind: 'refused', outcome: { kind: 'unsupported' } });
    const v11 = 'Error: wasm validation failed\n\nCaused by:\n    type mismatch: values remaining on stack at end of block (at offset 0x22)\n';
    expect(classifyReport(v11, 'f')).toEqual({ kind: 'refused', outcome: { kind: 'rejected', stage: 'compile', message: 'type mismatch: values remaining on stack at end of block (at offset 0x22)' } });
    expect(classifyReport('Error: the Wasm module does not have a `f` export\n', 'f')).toMatchObject({ kind: 'refused', outcome: { kind: 'crash' } });
  });
});

describe('wizer snapshot reader', () => {
  const snap = readSnapshot(
    wat(`(module
      (memory (export "memory") 1)
      (global (export "f") f32 (f32.const nan:0x200001))
      (global (export "d") f64 (f64.const -nan:0x123))
      (global (export "i") i64 (i64.const -2))
      (data (i32.const 4) "\\01\\02\\03")
      (data (i32.const 5) "\\ff")
      (data (i32.const 65534) "\\aa\\bb"))`),
  );
  it('overlays active segments in order on zeroed memory and cuts a region off at the memory end', () => {
    const m = inspectedMemory(snap)!;
    expect(Buffer.from(memoryBytes(snap, m, 3, 4)).toString('hex')).toBe('0001ff03');
    expect(Buffer.from(memoryBytes(snap, m, 65533, 8)).toString('hex')).toBe('00aabb');
  });
  it('gives globals by export name exactly, floats by their bits', () => {
    expect(exportedGlobal(snap, 'f')).toEqual({ type: 'f32', value: 'nan:0x7fa00001' });
    expect(exportedGlobal(snap, 'd')).toEqual({ type: 'f64', value: 'nan:0xfff0000000000123' });
    expect(exportedGlobal(snap, 'i')).toEqual({ type: 'i64', value: '-2' });
    expect(exportedGlobal(snap, 'nope')).toBeUndefined();
  });
});

describe('wizer adapter when the process dies', () => {
  it('a crashed wizer costs only its step: `crash` with the signal, and the next case still runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trapcheck-wizer-test-'));
    const fake = join(dir, 'wizer');
    writeFileSync(fake, '#!/bin/sh\nkill -SEGV $$\n', { mode: 0o755 });
    const rt = await createWizerRuntime({ name: 'wasmtime@0.0.0', kind: 'wasmtime', binary: fake, version: '0.0.0', versionLine: 'fake' });
    try {
      const c = () => mkCase(['(module (func (export "f")))'], [inst(), call('f', [], { outcome: { kind: 'return', values: [] } })]);
      const [a, b] = await rt.executeAll([c(), c()]);
      for (const o of [a!, b!]) expect(o.steps.at(-1)!.outcome).toEqual({ kind: 'crash', detail: 'wizer died of SIGSEGV' });
    } finally {
      await rt.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// --- the real binaries -------------------------------------------------------------------------------

const TRAPS = `(module
  (type $v (func)) (type $i (func (result i32)))
  (memory (export "memory") 1)
  (table 2 funcref) (elem (i32.const 0) $f) (func $f)
  (func (export "unreachable") unreachable)
  (func (export "div0") (drop (i32.div_s (i32.const 1) (i32.const 0))))
  (func (export "overflow") (drop (i32.div_s (i32.const 0x80000000) (i32.const -1))))
  (func (export "nan") (drop (i32.trunc_f32_s (f32.const nan))))
  (func (export "oob") (drop (i32.load (i32.const 65535))))
  (func (export "undef") (call_indirect (type $v) (i32.const 5)))
  (func (export "uninit") (call_indirect (type $v) (i32.const 1)))
  (func (export "mismatch") (drop (call_indirect (type $i) (i32.const 0))))
  (func $rec (export "stack") (call $rec)))`;
const ATOMICS = `(module (memory (export "memory") 1)
  (func (export "unaligned") (drop (i32.atomic.load (i32.const 1))))
  (func (export "wait") (drop (memory.atomic.wait32 (i32.const 0) (i32.const 0) (i64.const 0)))))`;

/** Every trap text wasmtime printed for these exports, with the kind(s) the adapter must read. */
const TRAP_EXPORTS: Array<[module: string, exportName: string, kinds: TrapKind[]]> = [
  [TRAPS, 'unreachable', ['unreachable']],
  [TRAPS, 'div0', ['integer divide by zero']],
  [TRAPS, 'overflow', ['integer overflow']],
  [TRAPS, 'nan', ['invalid conversion to integer']],
  [TRAPS, 'oob', ['out of bounds memory access']],
  [TRAPS, 'undef', ['undefined element', 'out of bounds table access']],
  [TRAPS, 'uninit', ['uninitialized element']],
  [TRAPS, 'mismatch', ['indirect call type mismatch']],
  [TRAPS, 'stack', ['call stack exhausted']],
  [ATOMICS, 'unaligned', ['unaligned atomic']],
  [ATOMICS, 'wait', ['expected shared memory']],
];

const WASI_IO = `(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 100) "out1\\n") (data (i32.const 110) "err1") (data (i32.const 120) "out2")
  (func $io
    (i32.store (i32.const 0) (i32.const 100)) (i32.store (i32.const 4) (i32.const 5))
    (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 52)))
    (i32.store (i32.const 8) (i32.const 110)) (i32.store (i32.const 12) (i32.const 4))
    (drop (call $w (i32.const 2) (i32.const 8) (i32.const 1) (i32.const 52)))
    (i32.store (i32.const 16) (i32.const 120)) (i32.store (i32.const 20) (i32.const 4))
    (drop (call $w (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 52))))
  (func (export "exit0") (call $io) (call $exit (i32.const 0)))
  (func (export "exit3") (call $exit (i32.const 3)))
  (func (export "exit200") (call $exit (i32.const 200)))
  (func (export "_start") (call $io)))`;

const STATE = `(module
  (memory (export "memory") 1 5)
  (global $a (export "a") (mut i32) (i32.const 1))
  (global $b (export "b") (mut i64) (i64.const 2))
  (global $c (export "c") (mut f32) (f32.const 3))
  (global $d (export "d") (mut f64) (f64.const 4))
  (global $n (export "n") (mut i32) (i32.const 0))
  (func (export "init")
    (global.set $a (i32.const -5))
    (global.set $b (i64.const 0x123456789abcdef0))
    (global.set $c (f32.reinterpret_i32 (i32.const 0x7fa00001)))
    (global.set $d (f64.reinterpret_i64 (i64.const 0xfff0000000000123)))
    (i32.store (i32.const 65532) (i32.const 0x01020304))
    (drop (memory.grow (i32.const 2)))
    (i32.store8 (i32.const 150000) (i32.const 7)))
  (func (export "inc") (param $by i32) (result i32 f64)
    (global.set $n (i32.add (global.get $n) (local.get $by)))
    (i32.store8 (global.get $n) (global.get $n))
    (global.get $n) (f64.const -0.5))
  (func (export "size") (result i32) (memory.size))
  (func (export "hang") (loop (br 0))))`;

const trapExpect = (trap: TrapKind): Expectation => ({ outcome: { kind: 'trap', trap } });

for (const [wizerVersion, wasmtimeVersion] of VERSIONS) {
  const binary = WIZERS.get(wizerVersion);
  describe.skipIf(!binary)(`wasmtime@${wasmtimeVersion} in wizer ${wizerVersion}${binary ? '' : ' (skipped: @bytecodealliance/wizer ' + wizerVersion + ' is not installed)'}`, () => {
    let rt: Runtime;
    beforeAll(async () => {
      rt = await createWizerRuntime({ name: `wasmtime@${wasmtimeVersion}`, kind: 'wasmtime', binary: binary!, version: wasmtimeVersion, versionLine: `wizer ${wizerVersion}` });
    }, 60_000);
    afterAll(() => rt?.close());
    const run = async (c: Case): Promise<Observation> => (await rt.executeAll([c]))[0]!;

    it('measures its features on the binary: atomics only from wizer 11 on', () => {
      expect(rt.capabilities.features.has('threads')).toBe(wizerVersion !== '10.0.0');
      expect(rt.capabilities.features.has('exceptions')).toBe(false);
      expect(rt.capabilities.features.has('wasi')).toBe(true);
    });

    it('reads every trap text wasmtime prints as its kind(s)', async () => {
      const cases = TRAP_EXPORTS.filter(([m]) => m === TRAPS || rt.capabilities.features.has('threads')).map(([m, name, kinds]) => mkCase([m], [inst(), call(name, [], trapExpect(kinds[0]!))]));
      const obs = await rt.executeAll(cases);
      const byText = new Map(WASMTIME_TRAP_TEXTS.map(([text, kinds]) => [text, kinds]));
      cases.forEach((c, i) => {
        const outcome = obs[i]!.steps[1]!.outcome;
        const expected = TRAP_EXPORTS.find(([, name]) => name === (c.steps[1] as { export: string }).export)![2];
        expect(outcome).toMatchObject({ kind: 'trap', trap: expected });
        if (outcome.kind === 'trap') expect(byText.get(outcome.message)).toEqual(expected);
        expect(judge(c, obs[i]!, rt.profile).verdict).toBe(expected.length > 1 ? 'imprecise' : 'pass');
      });
    }, 120_000);

    it('reads proc_exit(0) (reported by wasmtime as an error) as exit 0, with the output written before it', async () => {
      const c = mkCase([WASI_IO], [inst(), call('exit0', [], { outcome: { kind: 'exit', code: 0 }, stdout: 'out1\nout2', stderr: 'err1' })], { features: ['wasi'] });
      const obs = await run(c);
      expect(obs.steps[1]).toMatchObject({ outcome: { kind: 'exit', code: 0 }, stdout: 'out1\nout2', stderr: 'err1' });
      expect(judge(c, obs, rt.profile).verdict).toBe('pass');
    });

    it('reads proc_exit(3) as exit 3 and proc_exit(200) by the wasmtime rule (exit 1); later steps see the same exit', async () => {
      const three = mkCase([WASI_IO], [inst(), call('exit3', [], { outcome: { kind: 'exit', code: 3 } }), call('exit0', [], { outcome: { kind: 'exit', code: 3 } })], { features: ['wasi'] });
      const big = mkCase([WASI_IO], [inst(), call('exit200', [], { outcome: { kind: 'exit', code: 200 } })], { features: ['wasi'] });
      const [o3, o200] = await rt.executeAll([three, big]);
      expect(o3!.steps.map((s) => s.outcome)).toEqual([{ kind: 'return', values: [] }, { kind: 'exit', code: 3 }, { kind: 'exit', code: 3 }]);
      expect(o200!.steps[1]!.outcome).toEqual({ kind: 'exit', code: 1 });
      expect(judge(three, o3!, rt.profile).verdict).toBe('pass');
      expect(judge(big, o200!, rt.profile).verdict).toBe('pass');
    });

    it('runs a WASI command (`_start` returning is exit 0) and an exit in the start section', async () => {
      const cmd = mkCase([WASI_IO], [inst(), start({ outcome: { kind: 'exit', code: 0 }, stdout: 'out1\nout2', stderr: 'err1' })], { features: ['wasi'] });
      const startSection = `(module (import "wasi_snapshot_preview1" "proc_exit" (func $e (param i32))) (memory (export "memory") 1)
        (func $s (call $e (i32.const 7))) (start $s) (func (export "_start")))`;
      const sect = mkCase([startSection], [inst({ outcome: { kind: 'exit', code: 7 } }), start({ outcome: { kind: 'exit', code: 7 } })], { features: ['wasi'] });
      const [oc, os] = await rt.executeAll([cmd, sect]);
      expect(judge(cmd, oc!, rt.profile).verdict).toBe('pass');
      expect(os!.steps.map((s) => s.outcome)).toEqual([{ kind: 'exit', code: 7 }, { kind: 'exit', code: 7 }]);
    });

    it('reads memory and globals from the snapshot exactly (floats by bits, memory grown)', async () => {
      const c = mkCase([STATE], [
        inst(),
        call('init', [], {
          outcome: { kind: 'return', values: [] },
          globals: { a: { type: 'i32', value: '-5' }, b: { type: 'i64', value: '1311768467463790320' }, c: { type: 'f32', value: 'nan:0x7fa00001' }, d: { type: 'f64', value: 'nan:0xfff0000000000123' } },
          memory: [{ offset: 65532, hex: '04030201' }, { offset: 150000, hex: '07' }],
        }),
        call('size', [], { outcome: { kind: 'return', values: [{ type: 'i32', value: '3' }] } }),
      ]);
      const obs = await run(c);
      expect(obs.steps[1]!.globals).toEqual(c.steps[1]!.expect.globals);
      expect(obs.steps[1]!.memory).toEqual(c.steps[1]!.expect.memory);
      expect(judge(c, obs, rt.profile)).toEqual({ verdict: 'pass' });
    });

    it('chains two steps through the snapshot: arguments, multi-value float results, state', async () => {
      const c = mkCase([STATE], [
        inst(),
        call('inc', [{ type: 'i32', value: '2' }], { outcome: { kind: 'return', values: [{ type: 'i32', value: '2' }, { type: 'f64', value: '-0.5' }] } }),
        call('inc', [{ type: 'i32', value: '3' }], { outcome: { kind: 'return', values: [{ type: 'i32', value: '5' }, { type: 'f64', value: '-0.5' }] }, memory: [{ offset: 1, hex: '0002000005' }], globals: { n: { type: 'i32', value: '5' } } }),
      ]);
      const obs = await run(c);
      expect(obs.raw?.['wizerRuns']).toHaveLength(2); // instantiate shares the first step's process
      expect(judge(c, obs, rt.profile)).toEqual({ verdict: 'pass' });
    });

    it('after a trap, skips what it cannot observe, but still fails a wrong trap kind', async () => {
      const matched = mkCase([TRAPS], [inst(), call('div0', [], trapExpect('integer divide by zero')), call('div0', [], trapExpect('integer divide by zero'))]);
      const wrong = mkCase([TRAPS], [inst(), call('div0', [], { outcome: { kind: 'trap', trap: 'integer overflow' }, globals: {} })]);
      const [om, ow] = await rt.executeAll([matched, wrong]);
      expect(om!.steps[2]!.outcome).toMatchObject({ kind: 'unsupported' });
      expect(judge(matched, om!, rt.profile).verdict).toBe('skip');
      expect(judge(wrong, ow!, rt.profile)).toMatchObject({ verdict: 'fail', observed: 'trap "integer divide by zero"' });
    });

    it('a hang costs only its case: the watchdog kills wizer and the step is a timeout', async () => {
      const c = mkCase([STATE], [inst(), call('hang', [], { outcome: { kind: 'timeout' } })], { timeoutMs: 300 });
      const t0 = performance.now();
      const obs = await run(c);
      expect(obs.steps[1]!.outcome.kind).toBe('timeout');
      expect(performance.now() - t0).toBeLessThan(30_000);
      const after = await run(mkCase([STATE], [inst(), call('size', [], { outcome: { kind: 'return', values: [{ type: 'i32', value: '1' }] } })]));
      expect(after.steps[1]!.outcome).toEqual({ kind: 'return', values: [{ type: 'i32', value: '1' }] });
    }, 60_000);

    it('a read from a stdin that never closes blocks: killed as a timeout soon after the budget', async () => {
      const reader = `(module (import "wasi_snapshot_preview1" "fd_read" (func $r (param i32 i32 i32 i32) (result i32)))
        (memory (export "memory") 1) (data (i32.const 0) "\\10\\00\\00\\00\\04\\00\\00\\00")
        (func (export "_start") (drop (call $r (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)))))`;
      const c = mkCase([reader], [inst(), start({ outcome: { kind: 'timeout' } })], { features: ['wasi'], wasi: { stdinOpen: true }, timeoutMs: 300 });
      const t0 = performance.now();
      const obs = await run(c);
      expect(obs.steps[1]!.outcome.kind).toBe('timeout');
      expect(performance.now() - t0).toBeLessThan(10_000);
    }, 30_000);

    it('compiles without running anything: a start function that traps is not reached, an invalid module is rejected', async () => {
      const startTraps = wat('(module (func $s unreachable) (start $s))');
      const invalid = Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 5, 1, 0x60, 0, 1, 0x7f, 3, 2, 1, 0, 10, 4, 1, 2, 0, 0x0b]); // () -> i32 with an empty body
      const c = mkCase([startTraps, invalid], [
        { op: 'compile', module: 0, expect: { outcome: { kind: 'return' } } },
        { op: 'compile', module: 1, expect: { outcome: { kind: 'rejected', stage: 'invalid' } } },
      ]);
      const obs = await run(c);
      expect(obs.steps.map((s) => s.outcome.kind)).toEqual(['return', 'rejected']);
      expect(judge(c, obs, rt.profile)).toEqual({ verdict: 'pass' });
    });

    it('skips chained steps when the snapshot lost a passive data segment (wizer 10), runs them otherwise', async () => {
      const m = `(module (memory (export "memory") 1) (data $p "passive") (data (i32.const 8) "act")
        (func (export "nop")) (func (export "init") (memory.init $p (i32.const 100) (i32.const 0) (i32.const 7))))`;
      const c = mkCase([m], [inst(), call('nop'), call('init', [], { outcome: { kind: 'return', values: [] }, memory: [{ offset: 100, hex: Buffer.from('passive').toString('hex') }] })], { features: ['bulk-memory'] });
      const verdict = judge(c, await run(c), rt.profile);
      if (wizerVersion === '10.0.0') expect(verdict).toMatchObject({ verdict: 'skip', reason: expect.stringContaining('lost passive data segment 0') });
      else expect(verdict).toEqual({ verdict: 'pass' });
    });
  });
}
