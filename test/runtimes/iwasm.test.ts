/**
 * The iwasm adapter against the real WAMR binaries in ../shared/runtimes/bin (each suite skips,
 * with the reason, when its binary is absent): the message table for every trap kind iwasm can
 * raise, multi-step REPL cases (a trap, then a probe still answers; state read back), exact
 * floats, WASI commands, and a hang or a crash costing only its case. Pure parts run everywhere.
 */
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Case } from '../../src/case.ts';
import { judge } from '../../src/judge.ts';
import type { Outcome, TrapKind } from '../../src/outcome.ts';
import type { Runtime } from '../../src/runtimes/adapter.ts';
import { missingCapability } from '../../src/runtimes/adapter.ts';
import { createIwasmRuntime } from '../../src/runtimes/native/iwasm.ts';
import { exceptionOutcome, readReplReply, stripLogLines } from '../../src/runtimes/native/iwasm-output.ts';
import { renameMemoryImport } from '../../src/runtimes/native/iwasm-lowering.ts';
import { IWASM_PROMPT } from '../../src/runtimes/native/iwasm-repl.ts';
import { readCommandEnd } from '../../src/runtimes/native/iwasm-command.ts';
import { ReplSession, runOnce } from '../../src/runtimes/native/repl-session.ts';
import { readSignatures } from '../../src/wasm/signatures.ts';
import { call, inst, mkCase, start, wasiWriteExit, wat } from '../runtime/helpers.ts';

const BIN = new URL('../../../shared/runtimes/bin/', import.meta.url).pathname;
const BINARIES = ['iwasm-2.0.0', 'iwasm-2.4.5', 'iwasm-2.4.5-classic'];

/** One export per trap kind iwasm can raise, and the kind the spec names for it. */
const TRAPS_WAT = `(module
 (type $v (func))
 (type $ri (func (result i32)))
 (memory (export "memory") 1)
 (table $t 2 funcref)
 (elem (table $t) (i32.const 0) func $ok)
 (elem $e func $ok)
 (data $d "abc")
 (global $g (export "g") (mut i32) (i32.const 7))
 (func $ok (result i32) i32.const 1)
 (func (export "unreachable") unreachable)
 (func (export "div0") (result i32) i32.const 1 i32.const 0 i32.div_s)
 (func (export "overflow") (result i32) i32.const 0x80000000 i32.const -1 i32.div_s)
 (func (export "truncnan") (result i32) f32.const nan i32.trunc_f32_s)
 (func (export "truncbig") (result i64) f64.const 1e300 i64.trunc_f64_u)
 (func (export "oobload") (result i32) i32.const 65535 i32.load)
 (func (export "fill") i32.const 65530 i32.const 0 i32.const 10 memory.fill)
 (func (export "init") data.drop $d i32.const 0 i32.const 0 i32.const 1 memory.init $d)
 (func (export "tget") (result funcref) i32.const 5 table.get $t)
 (func (export "tcopy") i32.const 0 i32.const 1 i32.const 5 table.copy $t $t)
 (func (export "ci_oob") (result i32) i32.const 7 call_indirect $t (type $ri))
 (func (export "ci_null") (result i32) i32.const 1 call_indirect $t (type $ri))
 (func (export "ci_type") i32.const 0 call_indirect $t (type $v))
 (func $rec (export "recurse") (result i32) call $rec i32.const 1 i32.add)
 (func (export "unaligned") (result i32) i32.const 1 i32.atomic.load)
 (func (export "waitunshared") (result i32) i32.const 0 i32.const 0 i64.const 10 memory.atomic.wait32)
 (func (export "getg") (result i32) global.get $g))`;

const TRAP_TABLE: ReadonlyArray<[string, TrapKind]> = [
  ['unreachable', 'unreachable'],
  ['div0', 'integer divide by zero'],
  ['overflow', 'integer overflow'],
  ['truncnan', 'invalid conversion to integer'],
  ['truncbig', 'integer overflow'],
  ['oobload', 'out of bounds memory access'],
  ['fill', 'out of bounds memory access'],
  ['init', 'out of bounds memory access'],
  ['tget', 'out of bounds table access'],
  ['tcopy', 'out of bounds table access'],
  ['ci_oob', 'undefined element'],
  ['ci_null', 'uninitialized element'],
  ['ci_type', 'indirect call type mismatch'],
  ['recurse', 'call stack exhausted'],
  ['unaligned', 'unaligned atomic'],
  ['waitunshared', 'expected shared memory'],
];

const STATE_WAT = `(module
  (memory (export "memory") 1)
  (global $g (export "g") (mut i32) (i32.const 5))
  (func (export "poke") (param i32)
    (global.set $g (local.get 0))
    (i32.store8 (i32.const 3) (i32.const 0xab))
    (i32.store (i32.const 65534) (i32.const -1)))
  (func (export "probe") (result i32) (i32.add (global.get $g) (i32.load8_u (i32.const 3))))
  (func (export "tenth") (result f64) (f64.const 0.1))
  (func (export "nan") (result f32) (f32.reinterpret_i32 (i32.const 0x7fa00001)))
  (func (export "pair") (param f64) (result i64 f64) (i64.const -1) (f64.neg (local.get 0)))
  (func (export "spin") (loop $l (br $l))))`;

describe('iwasm output reading (pure)', () => {
  it('splits guest output from the call line, even without a newline before it', () => {
    expect(readReplReply('hi0x2a:i32\n', ['i32'])).toEqual({ guest: 'hi', result: { kind: 'values', bits: [42n] } });
    expect(readReplReply('0x10x5:i32,0xffffffffffffffff:i64\n', ['i32', 'i64'])).toEqual({ guest: '0x1', result: { kind: 'values', bits: [5n, 0xffffffffffffffffn] } });
    expect(readReplReply('ab\n\n', [])).toEqual({ guest: 'ab\n', result: { kind: 'values', bits: [] } });
    expect(readReplReply('hiException: unreachable\n', ['i32'])).toEqual({ guest: 'hi', result: { kind: 'exception', message: 'unreachable' } });
    expect(readReplReply('0x2a:i64\n', ['i32']).result.kind).toBe('unreadable');
  });

  it('removes log lines wherever they land, keeping them', () => {
    const out = stripLogLines('spawn failed\n[00:09:22:185 - 1FF5C400]: thread manager error: maximum number of threads exceeded\nok');
    expect(out).toEqual({ text: 'spawn failed\nok', logs: ['[00:09:22:185 - 1FF5C400]: thread manager error: maximum number of threads exceeded'] });
  });

  it('classifies exceptions; an unknown text is a crash, not a guessed trap', () => {
    expect(exceptionOutcome('wasm operand stack overflow')).toMatchObject({ kind: 'trap', trap: ['call stack exhausted'] });
    expect(exceptionOutcome('failed to call unlinked import function (env, f)')).toMatchObject({ kind: 'rejected', stage: 'unlinkable' });
    expect(exceptionOutcome('something new')).toMatchObject({ kind: 'crash' });
  });

  it('reads a command run back: rc 255 failures at instantiation, the lost start-function exit, log lines', () => {
    const cmd = mkCase([STATE_WAT], [inst({ stdout: '' }), start({ stdout: '' })], { features: ['wasi'] });
    const end = (stdout: string, code: number | null) => readCommandEnd(cmd, { code, signal: code === null ? 'SIGKILL' : null, timedOut: false, stdout, stderr: '' });
    expect(end('WASM module instantiate failed: Exception: integer divide by zero\n', 255).steps).toEqual([{ outcome: { kind: 'trap', trap: ['integer divide by zero'], message: 'integer divide by zero' }, stdout: '' }]);
    expect(end('hiWASM module instantiate failed: Exception: wasi proc exit\n', 255).steps[0]).toMatchObject({ outcome: { kind: 'crash', detail: expect.stringContaining('lost the exit code') }, stdout: 'hi' });
    expect(end('WASM module load failed: unexpected end\n', 255).steps[0]!.outcome).toMatchObject({ kind: 'rejected', stage: 'compile' });
    expect(end('[00:00:00:000 - 1A]: warning: x\nok\nException: out of bounds memory access\n', 1).steps[1]).toMatchObject({ outcome: { kind: 'trap', trap: ['out of bounds memory access'] }, stdout: 'ok\n' });
    expect(end('Exception: not a guest trap text\n', 0).steps[1]).toMatchObject({ outcome: { kind: 'exit', code: 0 } });
    expect(end('', null).steps[1]!.outcome).toMatchObject({ kind: 'crash', detail: expect.stringContaining('SIGKILL') });
  });

  it('renames a lone imported shared memory to env.memory and nothing else', () => {
    const bytes = wat(`(module (import "foo" "bar" (memory 1 1 shared)) (import "wasi" "thread-spawn" (func (param i32) (result i32))) (func (export "f")))`);
    const out = renameMemoryImport(bytes);
    expect(out.renamed).toBe('foo.bar');
    const imports = readSignatures(out.bytes).imports.map((i) => `${i.module}.${i.name}:${i.kind}`);
    expect(imports).toEqual(['env.memory:memory', 'wasi.thread-spawn:func']);
    const already = wat(`(module (import "env" "memory" (memory 1 1 shared)))`);
    expect(renameMemoryImport(already)).toEqual({ bytes: already });
  });
});

for (const name of BINARIES) {
  const binary = join(BIN, name);
  const present = existsSync(binary);
  describe.skipIf(!present)(`${name} (real binary${present ? '' : `: absent at ${binary}`})`, () => {
    let rt: Runtime;
    let dir: string;
    beforeAll(async () => {
      rt = await createIwasmRuntime({ name: `iwasm-test@${name}`, kind: 'iwasm', binary, version: name.slice(6), versionLine: name });
      dir = mkdtempSync(join(tmpdir(), 'iwasm-test-'));
    });
    afterAll(async () => {
      await rt?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('prints every trap kind the message table names, and the REPL goes on after each', async () => {
      // Arrange
      const file = join(dir, 'traps.wasm');
      writeFileSync(file, wat(TRAPS_WAT));
      const { session, banner } = await ReplSession.start({ command: binary, args: ['--repl', file], prompt: IWASM_PROMPT, budgetMs: 20_000 });
      expect(banner).toEqual({ kind: 'reply', text: '' });
      // Act
      const seen: Array<[string, Outcome | string]> = [];
      for (const [fn] of TRAP_TABLE) {
        const reply = await session.send(fn);
        const answer = reply.kind === 'reply' ? readReplReply(reply.text, []) : undefined;
        seen.push([fn, answer?.result.kind === 'exception' ? exceptionOutcome(answer.result.message) : JSON.stringify(reply)]);
        const probe = await session.send('getg');
        expect(probe).toEqual({ kind: 'reply', text: '0x7:i32\n' });
      }
      await session.close();
      // Assert
      for (const [fn, kind] of TRAP_TABLE) expect(seen.find(([f]) => f === fn)?.[1], fn).toMatchObject({ kind: 'trap', trap: [kind] });
    });

    it('runs a multi-step case on one instance: state after a trap, then a probe', async () => {
      // Arrange
      const c = mkCase([STATE_WAT], [
        inst(),
        call('poke', [{ type: 'i32', value: '9' }], { outcome: { kind: 'trap', trap: 'out of bounds memory access' }, globals: { g: { type: 'i32', value: '9' } }, memory: [{ offset: 2, hex: '00ab00' }] }),
        call('probe', [], { outcome: { kind: 'return', values: [{ type: 'i32', value: String(9 + 0xab) }] } }),
      ]);
      // Act
      const [obs] = await rt.executeAll([c]);
      // Assert
      expect(obs!.steps.map((s) => s.outcome.kind)).toEqual(['return', 'trap', 'return']);
      expect(obs!.steps[1]!.memory).toEqual([{ offset: 2, hex: '00ab00' }]);
      expect(judge(c, obs!, rt.profile).verdict).toBe('pass');
    });

    it('drives two independent instances, one session each, addressed by name', async () => {
      const other = '(module (global $n (export "n") (mut i32) (i32.const 40)) (func (export "bump") (result i32) (global.set $n (i32.add (global.get $n) (i32.const 2))) (global.get $n)))';
      const c = mkCase([STATE_WAT, other], [
        inst({}, { as: 'a' }),
        inst({}, { module: 1, as: 'b' }),
        call('bump', [], { outcome: { kind: 'return', values: [{ type: 'i32', value: '42' }] } }, 'b'),
        call('probe', [], { outcome: { kind: 'return', values: [{ type: 'i32', value: '5' }] } }, 'a'),
        { op: 'get', global: 'n', instance: 'b', expect: { outcome: { kind: 'return', values: [{ type: 'i32', value: '42' }] } } },
      ]);
      const [obs] = await rt.executeAll([c]);
      expect(judge(c, obs!, rt.profile)).toMatchObject({ verdict: 'pass' });
    });

    it('returns floats bit-exactly (no %.7g), multi-value included', async () => {
      const c = mkCase([STATE_WAT], [inst(), call('tenth'), call('nan'), call('pair', [{ type: 'f64', value: '-0' }])]);
      const [obs] = await rt.executeAll([c]);
      expect(obs!.steps.slice(1).map((s) => s.outcome)).toEqual([
        { kind: 'return', values: [{ type: 'f64', value: '0.1' }] },
        { kind: 'return', values: [{ type: 'f32', value: 'nan:0x7fa00001' }] },
        { kind: 'return', values: [{ type: 'i64', value: '-1' }, { type: 'f64', value: '0' }] },
      ]);
    });

    it('a hang costs only its case: timeout, and the next case runs', async () => {
      const hang = mkCase([STATE_WAT], [inst(), call('spin', [], { outcome: { kind: 'timeout' } })], { timeoutMs: 300 });
      const ok = mkCase([STATE_WAT], [inst(), call('probe', [], { outcome: { kind: 'return', values: [{ type: 'i32', value: '5' }] } })]);
      const [h, o] = await rt.executeAll([hang, ok]);
      expect(h!.steps[1]!.outcome.kind).toBe('timeout');
      // kept only because a re-run alone with twice the budget hung too (confirm-timeout.ts)
      expect(h!.raw?.['firstRunTimedOut']).toEqual({ step: 1, confirmed: true, budgetScale: 2 });
      expect(judge(ok, o!, rt.profile).verdict).toBe('pass');
      expect(o!.raw?.['firstRunTimedOut']).toBeUndefined();
    });

    it('a command: exit code, guest output before a trap line without its newline, stderr apart', async () => {
      const exit = mkCase([wasiWriteExit('hi', 300)], [inst(), start({ outcome: { kind: 'exit', code: 300 }, stdout: 'hi' })], { features: ['wasi'] });
      const trapping = mkCase(
        [
          `(module (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
            (memory (export "memory") 1) (data (i32.const 0) "\\10\\00\\00\\00\\02\\00\\00\\00") (data (i32.const 16) "hi")
            (func (export "_start") (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
              (drop (call $w (i32.const 2) (i32.const 0) (i32.const 1) (i32.const 8))) unreachable))`,
        ],
        [inst(), start({ outcome: { kind: 'trap', trap: 'unreachable' }, stdout: 'hi', stderr: 'hi' })],
        { features: ['wasi'] },
      );
      const [e, t] = await rt.executeAll([exit, trapping]);
      expect(e!.steps[1]!.outcome).toEqual({ kind: 'exit', code: 300 & 255 });
      expect(judge(exit, e!, rt.profile).verdict).toBe('pass');
      expect(t!.steps[1]).toMatchObject({ outcome: { kind: 'trap', trap: ['unreachable'] }, stdout: 'hi', stderr: 'hi' });
    });

    it('an exit from an export through the REPL keeps its code; later steps see the same exit', async () => {
      const exporting = wasiWriteExit('bye', 7).replace('(export "_start" (func $main))', '(export "go" (func $main)) (func (export "after"))');
      const c = mkCase([exporting], [inst(), call('go', [], { outcome: { kind: 'exit', code: 7 }, stdout: 'bye' }), call('after', [], { outcome: { kind: 'exit', code: 7 } })], { features: ['wasi'] });
      const [obs] = await rt.executeAll([c]);
      expect(obs!.steps.map((s) => s.outcome)).toEqual([{ kind: 'return', values: [] }, { kind: 'exit', code: 7 }, { kind: 'exit', code: 7 }]);
      expect(judge(c, obs!, rt.profile).verdict).toBe('pass');
    });

    it('skips what iwasm cannot do, by capability and by the adapter, with the reason', async () => {
      expect(missingCapability(mkCase([STATE_WAT], [inst()], { features: ['simd'] }), rt.capabilities)).toBe('feature simd');
      const imports = mkCase([`(module (import "spectest" "f" (func)) (func (export "x")))`], [inst(), call('x')]);
      const [obs] = await rt.executeAll([imports]);
      expect(obs!.steps[0]!.outcome).toMatchObject({ kind: 'unsupported', feature: expect.stringContaining('spectest.f') });
    });

    it('a killed REPL process ends its session with the signal', async () => {
      const file = join(dir, 'state.wasm');
      writeFileSync(file, wat(STATE_WAT));
      const { session } = await ReplSession.start({ command: binary, args: ['--repl', file], prompt: IWASM_PROMPT, budgetMs: 10_000 });
      const pending = session.send('spin');
      // (a SIGSEGV from outside is caught by WAMR's bounds-check handler, which aborts: SIGABRT)
      process.kill(session.pid!, 'SIGKILL');
      expect(await pending).toMatchObject({ kind: 'ended', signal: 'SIGKILL' });
    });
  });
}

describe('iwasm adapter with a binary that crashes', () => {
  let dir: string;
  let rt: Runtime;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'iwasm-crash-'));
    // prints the prompt like iwasm, then dies of SIGSEGV on the first line it reads
    const fake = join(dir, 'iwasm');
    writeFileSync(fake, `#!/bin/sh\nprintf '${IWASM_PROMPT}'\nread line\nkill -SEGV $$\n`);
    chmodSync(fake, 0o755);
    rt = await createIwasmRuntime({ name: 'iwasm-fake', kind: 'iwasm', binary: fake, version: '0', versionLine: 'fake' });
  });
  afterAll(async () => {
    await rt.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a crash becomes `crash` at the step that was running, and only that case', async () => {
    const c: Case = mkCase([STATE_WAT], [inst(), call('probe', [], { outcome: { kind: 'return' } }), call('probe')]);
    const [a, b] = await rt.executeAll([c, c]);
    for (const obs of [a!, b!]) {
      expect(obs.steps).toHaveLength(2);
      expect(obs.steps[1]!.outcome).toMatchObject({ kind: 'crash', detail: expect.stringContaining('SIGSEGV') });
    }
  });

  it('runOnce kills the whole process group at its budget', async () => {
    const r = await runOnce({ command: 'sh', args: ['-c', 'sleep 30 & sleep 30'], budgetMs: 200 });
    expect(r).toMatchObject({ timedOut: true, signal: 'SIGKILL' });
  });
});
