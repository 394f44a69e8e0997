/** The deterministic WASI subset, observed through the pool. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../src/runtimes/adapter.ts';
import { createReferenceRuntime } from '../../src/runtimes/reference.ts';
import { VIRTUAL_EPOCH_NS } from '../../src/runtime/wasi/wasi.ts';
import { call, inst, mkCase, start, wasiWriteExit } from './helpers.ts';

let rt: Runtime;
beforeAll(() => {
  rt = createReferenceRuntime({ workers: 2 });
});
afterAll(async () => {
  await rt.close();
});

const W = 'wasi_snapshot_preview1';
const i32 = (v: number | string) => ({ type: 'i32' as const, value: String(v) });
const i64 = (v: bigint | string) => ({ type: 'i64' as const, value: String(v) });

describe('proc_exit and _start', () => {
  const codes = [0, 3, 255, 256, -1];
  for (const text of ['hi\n', 'hi']) {
    it(`proc_exit(${codes.join('/')}) gives the raw u32 and exact stdout ${JSON.stringify(text)}`, async () => {
      const cases = codes.map((code) => mkCase([wasiWriteExit(text, code)], [inst(), start({ stdout: text }), call('_start', [], { stdout: text })]));
      const obs = await rt.executeAll(cases);
      codes.forEach((code, i) => {
        const o = obs[i]!;
        expect(o.steps[1]).toEqual({ outcome: { kind: 'exit', code: code >>> 0 }, stdout: text });
        // the process is over: later steps repeat the exit without running wasm (no second write)
        expect(o.steps[2]).toEqual({ outcome: { kind: 'exit', code: code >>> 0 }, stdout: text });
        expect(o.stdout).toBe(text);
        expect(o.stderr).toBe('');
      });
    });
  }

  it('_start returning normally is exit 0', async () => {
    const [o] = await rt.executeAll([mkCase([wasiWriteExit('ok', undefined)], [inst(), start()])]);
    expect(o!.steps[1]!.outcome).toEqual({ kind: 'exit', code: 0 });
    expect(o!.stdout).toBe('ok');
  });

  it('proc_exit in a start function ends the process at instantiate, after its output', async () => {
    const [o] = await rt.executeAll([mkCase([wasiWriteExit('boot\n', 7, 'start')], [inst({ stdout: 'boot\n' }), call('anything')])]);
    expect(o!.steps).toEqual([
      { outcome: { kind: 'exit', code: 7 }, stdout: 'boot\n' },
      { outcome: { kind: 'exit', code: 7 } },
    ]);
  });

  it('a start function that writes then traps: trap at instantiate, output kept, no instance', async () => {
    const m = wasiWriteExit('early\n', undefined, 'start').replace('(func $main (drop', '(func $main (drop').replace('(start $main)', '(func $boot (call $main) unreachable) (start $boot)');
    const [o] = await rt.executeAll([mkCase([m], [inst({ stdout: 'early\n' }), call('x')])]);
    expect(o!.steps[0]).toEqual({ outcome: { kind: 'trap', trap: ['unreachable'], message: 'unreachable' }, stdout: 'early\n' });
    expect(o!.steps[1]!.outcome).toEqual({ kind: 'crash', detail: 'invoke: no instance yet' });
  });

  it('proc_exit in the start function of a module that exports nothing', async () => {
    const m = `(module (import "${W}" "proc_exit" (func $exit (param i32))) (memory 1) (func $s (call $exit (i32.const 42))) (start $s))`;
    const [o] = await rt.executeAll([mkCase([m], [inst()])]);
    expect(o!.steps[0]!.outcome).toEqual({ kind: 'exit', code: 42 });
  });

  it('an invalid WASI module with a start function keeps its compile error (the start-as-export rewrite would make it valid)', async () => {
    // a start function must take no parameters; as an export the same function would be fine
    const m = `(module (import "${W}" "proc_exit" (func $exit (param i32))) (memory 1) (func $s (param i32) (call $exit (local.get 0))) (start $s))`;
    const [o] = await rt.executeAll([mkCase([m], [inst()])]);
    expect(o!.steps[0]!.outcome).toMatchObject({ kind: 'rejected', stage: 'compile' });
  });

  it('a trap after output keeps the output', async () => {
    const m = wasiWriteExit('partial', undefined).replace('(func $main (drop', '(func $main (drop').replace(/\(export "_start" \(func \$main\)\)/, '(func (export "_start") (call $main) unreachable)');
    const [o] = await rt.executeAll([mkCase([m], [inst(), start({ stdout: 'partial' })])]);
    expect(o!.steps[1]).toEqual({ outcome: { kind: 'trap', trap: ['unreachable'], message: 'unreachable' }, stdout: 'partial' });
  });
});

describe('imports', () => {
  it('an unimplemented WASI function is unsupported, naming it', async () => {
    const m = `(module (import "${W}" "path_open" (func (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32))))`;
    const [o] = await rt.executeAll([mkCase([m], [inst()])]);
    expect(o!.steps[0]!.outcome).toEqual({ kind: 'unsupported', feature: `import ${W}.path_open` });
  });

  it('a missing or mistyped import is rejected as unlinkable', async () => {
    const missing = '(module (import "env" "f" (func)))';
    const missingField = '(module (import "spectest" "nope" (func)))';
    const mistyped = '(module (import "spectest" "print_i32" (func (result i64))))';
    const wrongKind = '(module (import "spectest" "memory" (func)))';
    const obs = await rt.executeAll([missing, missingField, mistyped, wrongKind].map((m) => mkCase([m], [inst()])));
    for (const o of obs) expect(o.steps[0]!.outcome).toMatchObject({ kind: 'rejected', stage: 'unlinkable' });
    expect(obs[0]!.steps[0]!.outcome).toEqual({ kind: 'rejected', stage: 'unlinkable', message: 'unknown import env.f' });
  });
});

describe('WASI functions', () => {
  it('args and environ come from the case (args default to [case id])', async () => {
    const m = `(module
      (import "${W}" "args_sizes_get" (func $asg (param i32 i32) (result i32)))
      (import "${W}" "args_get" (func $ag (param i32 i32) (result i32)))
      (import "${W}" "environ_sizes_get" (func $esg (param i32 i32) (result i32)))
      (import "${W}" "environ_get" (func $eg (param i32 i32) (result i32)))
      (memory (export "memory") 1)
      (func (export "args") (result i32 i32 i32) (call $asg (i32.const 0) (i32.const 4)) (i32.load (i32.const 0)) (i32.load (i32.const 4)))
      (func (export "args_get") (result i32) (call $ag (i32.const 100) (i32.const 200)))
      (func (export "env") (result i32 i32 i32) (call $esg (i32.const 0) (i32.const 4)) (i32.load (i32.const 0)) (i32.load (i32.const 4)))
      (func (export "env_get") (result i32) (call $eg (i32.const 100) (i32.const 300))))`;
    const [a, b] = await rt.executeAll([
      mkCase([m], [inst(), call('args'), call('args_get', [], { memory: [{ offset: 100, hex: 'c8000000cd000000' }, { offset: 200, hex: '70726f67007800' }] }), call('env'), call('env_get', [], { memory: [{ offset: 100, hex: '2c010000' }, { offset: 300, hex: '413d3100' }] })], {
        wasi: { args: ['prog', 'x'], env: ['A=1'] },
      }),
      mkCase([m], [inst(), call('args'), call('env')], { id: 'abc' }),
    ]);
    expect(a!.steps[1]!.outcome).toEqual({ kind: 'return', values: [i32(0), i32(2), i32(7)] });
    expect(a!.steps[2]!.memory).toEqual([{ offset: 100, hex: 'c8000000cd000000' }, { offset: 200, hex: '70726f67007800' }]);
    expect(a!.steps[3]!.outcome).toEqual({ kind: 'return', values: [i32(0), i32(1), i32(4)] });
    expect(a!.steps[4]!.memory).toEqual([{ offset: 100, hex: '2c010000' }, { offset: 300, hex: '413d3100' }]);
    expect(b!.steps[1]!.outcome).toEqual({ kind: 'return', values: [i32(0), i32(1), i32(4)] });
    expect(b!.steps[2]!.outcome).toEqual({ kind: 'return', values: [i32(0), i32(0), i32(0)] });
  });

  const clockModule = `(module
    (import "${W}" "clock_time_get" (func $ct (param i32 i64 i32) (result i32)))
    (import "${W}" "clock_res_get" (func $cr (param i32 i32) (result i32)))
    (import "${W}" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
    (import "${W}" "sched_yield" (func $yield (result i32)))
    (memory (export "memory") 1)
    ;; one clock subscription at 64: userdata 7, tag 0, monotonic, relative timeout 1 ms
    (data (i32.const 64) "\\07\\00\\00\\00\\00\\00\\00\\00\\00\\00\\00\\00\\00\\00\\00\\00\\01\\00\\00\\00\\00\\00\\00\\00\\40\\42\\0f\\00\\00\\00\\00\\00")
    (func (export "now") (param i32) (result i32 i64) (call $ct (local.get 0) (i64.const 0) (i32.const 0)) (i64.load (i32.const 0)))
    (func (export "res") (param i32) (result i32 i64) (call $cr (local.get 0) (i32.const 0)) (i64.load (i32.const 0)))
    (func (export "sleep") (result i32 i32) (call $poll (i32.const 64) (i32.const 256) (i32.const 1) (i32.const 8)) (i32.load (i32.const 8)))
    (func (export "yield") (result i32) (call $yield)))`;

  it('clocks are virtual: a fixed start, +1 µs per read, poll_oneoff sleeps advance them', async () => {
    const steps = [
      inst(),
      call('now', [i32(1)]),
      call('now', [i32(1)]),
      call('now', [i32(0)]),
      call('res', [i32(1)]),
      call('now', [i32(9)]),
      call('sleep', [], { memory: [{ offset: 256, hex: '07000000000000000000000000000000' }] }),
      call('now', [i32(1)]),
      call('yield'),
    ];
    const [o, again] = await rt.executeAll([mkCase([clockModule], steps, { id: 'clock' }), mkCase([clockModule], steps, { id: 'clock' })]);
    const out = o!.steps.map((s) => s.outcome);
    expect(out[1]).toEqual({ kind: 'return', values: [i32(0), i64(1000n)] });
    expect(out[2]).toEqual({ kind: 'return', values: [i32(0), i64(2000n)] });
    expect(out[3]).toEqual({ kind: 'return', values: [i32(0), i64(VIRTUAL_EPOCH_NS + 3000n)] });
    expect(out[4]).toEqual({ kind: 'return', values: [i32(0), i64(1000n)] });
    expect((out[5] as { values: unknown[] }).values[0]).toEqual(i32(28)); // EINVAL: no clock 9
    expect(out[6]).toEqual({ kind: 'return', values: [i32(0), i32(1)] });
    expect(o!.steps[6]!.memory).toEqual([{ offset: 256, hex: '07000000000000000000000000000000' }]);
    expect(out[7]).toEqual({ kind: 'return', values: [i32(0), i64(1_000_000n + 3000n + 1000n)] });
    expect(out[8]).toEqual({ kind: 'return', values: [i32(0)] });
    expect(again).toEqual(o);
  });

  it('random_get is seeded by the case id: same id same bytes, another id other bytes', async () => {
    const m = `(module (import "${W}" "random_get" (func $rg (param i32 i32) (result i32))) (memory (export "memory") 1)
      (func (export "rand") (result i32) (call $rg (i32.const 0) (i32.const 16))))`;
    const want = { memory: [{ offset: 0, hex: '00'.repeat(16) }] };
    const obs = await rt.executeAll(['r1', 'r1', 'r2'].map((id) => mkCase([m], [inst(), call('rand', [], want)], { id })));
    const bytes = obs.map((o) => o.steps[1]!.memory![0]!.hex);
    expect(obs[0]!.steps[1]!.outcome).toEqual({ kind: 'return', values: [i32(0)] });
    expect(bytes[0]).toHaveLength(32);
    expect(bytes[0]).not.toBe('00'.repeat(16));
    expect(bytes[1]).toBe(bytes[0]);
    expect(bytes[2]).not.toBe(bytes[0]);
  });

  it('fd_read serves the case stdin then EOF; bad descriptors are EBADF; stdio cannot seek', async () => {
    const m = `(module
      (import "${W}" "fd_read" (func $fr (param i32 i32 i32 i32) (result i32)))
      (import "${W}" "fd_write" (func $fw (param i32 i32 i32 i32) (result i32)))
      (import "${W}" "fd_seek" (func $fs (param i32 i64 i32 i32) (result i32)))
      (import "${W}" "fd_close" (func $fc (param i32) (result i32)))
      (import "${W}" "fd_prestat_get" (func $pg (param i32 i32) (result i32)))
      (import "${W}" "fd_fdstat_get" (func $fdstat (param i32 i32) (result i32)))
      (memory (export "memory") 1)
      (data (i32.const 0) "\\64\\00\\00\\00\\03\\00\\00\\00")
      (func (export "read") (param i32) (result i32 i32) (call $fr (local.get 0) (i32.const 0) (i32.const 1) (i32.const 8)) (i32.load (i32.const 8)))
      (func (export "write") (param i32) (result i32) (call $fw (local.get 0) (i32.const 0) (i32.const 1) (i32.const 8)))
      (func (export "seek") (param i32) (result i32) (call $fs (local.get 0) (i64.const 0) (i32.const 0) (i32.const 8)))
      (func (export "close") (param i32) (result i32) (call $fc (local.get 0)))
      (func (export "prestat") (param i32) (result i32) (call $pg (local.get 0) (i32.const 8)))
      (func (export "fdstat") (param i32) (result i32 i32) (call $fdstat (local.get 0) (i32.const 16)) (i32.load8_u (i32.const 16))))`;
    const r = (n: number, bytes: number) => ({ kind: 'return', values: [i32(n), i32(bytes)] });
    const [o] = await rt.executeAll([
      mkCase(
        [m],
        [
          inst(),
          call('read', [i32(0)], { memory: [{ offset: 100, hex: '68656c' }] }),
          call('read', [i32(0)], { memory: [{ offset: 100, hex: '6c6f6c' }] }),
          call('read', [i32(0)]),
          call('read', [i32(1)]),
          call('write', [i32(5)]),
          call('seek', [i32(1)]),
          call('seek', [i32(7)]),
          call('prestat', [i32(3)]),
          call('fdstat', [i32(1)]),
          call('close', [i32(2)]),
          call('write', [i32(2)]),
          call('write', [i32(1)], { stdout: 'lol' }),
        ],
        { wasi: { stdin: 'hello' } },
      ),
    ]);
    const out = o!.steps.map((s) => s.outcome);
    expect(out.slice(1, 5)).toEqual([r(0, 3), r(0, 2), r(0, 0), { kind: 'return', values: [i32(8), i32(0)] }]);
    expect(o!.steps[1]!.memory).toEqual([{ offset: 100, hex: '68656c' }]);
    expect(o!.steps[2]!.memory).toEqual([{ offset: 100, hex: '6c6f6c' }]);
    expect(out.slice(5, 9)).toEqual([8, 70, 8, 8].map((e) => ({ kind: 'return', values: [i32(e)] })));
    expect(out[9]).toEqual(r(0, 2)); // character device
    expect(out.slice(10, 13)).toEqual([0, 8, 0].map((e) => ({ kind: 'return', values: [i32(e)] })));
    expect(o!.steps[12]!.stdout).toBe('lol');
  });

  it('a WASI pointer outside memory is EFAULT, not a trap', async () => {
    const m = `(module (import "${W}" "random_get" (func $rg (param i32 i32) (result i32))) (memory (export "memory") 1)
      (func (export "rand") (result i32) (call $rg (i32.const 65530) (i32.const 16))))`;
    const [o] = await rt.executeAll([mkCase([m], [inst(), call('rand')])]);
    expect(o!.steps[1]!.outcome).toEqual({ kind: 'return', values: [i32(21)] });
  });
});
