/**
 * The wasm3 adapter against the real binaries in ../shared/runtimes/bin (each suite skips, with
 * the reason, when its binary is absent): the message table for every trap kind wasm3 can raise
 * (through `--func` and the REPL), the features each version is claimed to have, multi-step REPL
 * cases (a trap, then a probe still answers; state read back), exact floats, WASI commands, the
 * findings kept in corpus/regressions, and a hang or a crash costing only its case. Pure parts
 * run everywhere.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCaseFile } from '../../src/conformance/corpus.ts';
import { judge } from '../../src/judge.ts';
import type { TrapKind } from '../../src/outcome.ts';
import type { Runtime } from '../../src/runtimes/adapter.ts';
import { missingCapability } from '../../src/runtimes/adapter.ts';
import { planProbes } from '../../src/runtimes/native/probe-plan.ts';
import type { ProbePlan } from '../../src/runtimes/native/probe-plan.ts';
import { ReplSession, runOnce } from '../../src/runtimes/native/repl-session.ts';
import { createWasm3Runtime } from '../../src/runtimes/native/wasm3.ts';
import { processOutcome, splitTrailer } from '../../src/runtimes/native/wasm3-command.ts';
import type { Wasm3Line } from '../../src/runtimes/native/wasm3-messages.ts';
import { WASM3_FEATURES, replErrorText, wasm3ErrorOutcome, wasm3Line } from '../../src/runtimes/native/wasm3-messages.ts';
import { parseReplReply, runReplCase, WASM3_PROMPT } from '../../src/runtimes/native/wasm3-repl.ts';
import { call, inst, mkCase, start, wat } from '../runtime/helpers.ts';

const BIN = new URL('../../../shared/runtimes/bin/', import.meta.url).pathname;
const REGRESSIONS = new URL('../../corpus/regressions/', import.meta.url).pathname;
const BINARIES = ['wasm3-0.5.0', 'wasm3-head'];

/** One export per trap kind, and the kinds each line's text must name. */
const TRAPS_WAT = `(module
 (type $ri (func (result i32)))
 (type $v (func))
 (memory (export "memory") 1)
 (table 4 funcref)
 (elem (i32.const 0) $ok)
 (elem (i32.const 2) $ok)
 (func $ok (result i32) i32.const 1)
 (func (export "unreachable") unreachable)
 (func (export "div0") (result i32) i32.const 1 i32.const 0 i32.div_s)
 (func (export "rem0") (result i64) i64.const 1 i64.const 0 i64.rem_u)
 (func (export "overflow") (result i32) i32.const 0x80000000 i32.const -1 i32.div_s)
 (func (export "truncnan") (result i32) f32.const nan i32.trunc_f32_s)
 (func (export "truncbig") (result i64) f64.const 1e300 i64.trunc_f64_u)
 (func (export "oobload") (result i32) i32.const 65535 i32.load)
 (func (export "oob33") (result i32) i32.const 1 i32.load offset=0xffffffff)
 (func (export "ci_oob") (result i32) i32.const 9 call_indirect (type $ri))
 (func (export "ci_null") (result i32) i32.const 1 call_indirect (type $ri))
 (func (export "ci_null_tail") (result i32) i32.const 3 call_indirect (type $ri))
 (func (export "ci_type") i32.const 0 call_indirect (type $v))
 (func $rec (export "recurse") (result i32) call $rec i32.const 1 i32.add))`;

type Expected = Record<Wasm3Line, TrapKind[]>;
const both = (...kinds: TrapKind[]): Expected => ({ '0.5': kinds, head: kinds });
const TRAP_ROWS: Array<[string, Expected]> = [
  ['unreachable', both('unreachable')],
  ['div0', both('integer divide by zero')],
  ['rem0', both('integer divide by zero')],
  ['overflow', both('integer overflow')],
  ['truncnan', both('invalid conversion to integer')],
  ['truncbig', both('integer overflow')],
  ['oobload', both('out of bounds memory access')],
  ['oob33', both('out of bounds memory access')],
  ['ci_oob', { '0.5': ['undefined element', 'uninitialized element'], head: ['undefined element'] }],
  // a null slot before the last element segment: 0.5.0 `null table element`
  ['ci_null', both('uninitialized element')],
  // a null slot after the last segment: 0.5.0 ends its table there (`undefined element`)
  ['ci_null_tail', { '0.5': ['undefined element', 'uninitialized element'], head: ['uninitialized element'] }],
  ['ci_type', both('indirect call type mismatch')],
  ['recurse', both('call stack exhausted')],
];

/** Traps only a line with reference types / bulk memory can raise. */
const HEAD_TRAPS_WAT = `(module
 (memory 1)
 (table $t 2 funcref)
 (func (export "tget") (result i32) i32.const 5 table.get $t ref.is_null)
 (func (export "tfill") i32.const 1 ref.null func i32.const 5 table.fill $t)
 (func (export "fill") i32.const 65530 i32.const 0 i32.const 10 memory.fill))`;
const HEAD_TRAP_ROWS: Array<[string, TrapKind]> = [
  ['tget', 'out of bounds table access'],
  ['tfill', 'out of bounds table access'],
  ['fill', 'out of bounds memory access'],
];

/** One module per feature: `f` returns 1 when the feature works. */
const FEATURE_WAT: Array<[string, string]> = [
  ['sign-ext', '(module (func (export "f") (result i32) (i32.eq (i32.extend8_s (i32.const 0x80)) (i32.const -128))))'],
  ['nontrapping-fptoint', '(module (func (export "f") (result i32) (i32.eq (i32.trunc_sat_f32_s (f32.const 1e30)) (i32.const 0x7fffffff))))'],
  ['multi-value', '(module (func $p (result i32 i32) (i32.const 3) (i32.const 2)) (func (export "f") (result i32) (call $p) (i32.sub)))'],
  ['bulk-memory', '(module (memory 1) (data $d "\\01") (func (export "f") (result i32) (memory.init $d (i32.const 0) (i32.const 0) (i32.const 1)) (data.drop $d) (i32.load8_u (i32.const 0))))'],
  ['reference-types', '(module (table $t 2 funcref) (func $a) (elem declare func $a) (func (export "f") (result i32) (table.set $t (i32.const 1) (ref.func $a)) (i32.eqz (ref.is_null (table.get $t (i32.const 1))))))'],
  ['extended-const', '(module (global i32 (i32.sub (i32.const 3) (i32.const 2))) (func (export "f") (result i32) (global.get 0)))'],
  // tail calls must not grow the stack: a million of them in a loop
  ['tail-call', '(module (func $loop (param i32) (result i32) (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 1)) (else (return_call $loop (i32.sub (local.get 0) (i32.const 1)))))) (func (export "f") (result i32) (call $loop (i32.const 1000000))))'],
  ['simd', '(module (func (export "f") (result i32) (i32x4.extract_lane 1 (v128.const i32x4 0 1 0 0))))'],
  ['threads', '(module (memory 1 1 shared) (func (export "f") (result i32) (i32.atomic.store (i32.const 0) (i32.const 1)) (i32.atomic.load (i32.const 0))))'],
];

/** A WASI command writing `text` to `fd` (iovec at 8, so 0.5.0's address-0 bug stays out) and then doing `then`. */
function wasiWrite(fd: number, text: string, then: string, exportName = '_start'): string {
  const bytes = new TextEncoder().encode(text);
  const data = Array.from(bytes, (b) => `\\${b.toString(16).padStart(2, '0')}`).join('');
  return `(module
    (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
    (memory (export "memory") 1)
    (data (i32.const 8) "\\20\\00\\00\\00\\${bytes.length.toString(16).padStart(2, '0')}\\00\\00\\00")
    (data (i32.const 32) "${data}")
    (func (export "${exportName}") (drop (call $fd_write (i32.const ${fd}) (i32.const 8) (i32.const 1) (i32.const 16))) ${then})
    ${exportName === '_start' ? '' : '(func (export "_start"))'})`;
}

describe('wasm3 adapter (pure parts)', () => {
  it('maps a version to the measured line', () => {
    expect(wasm3Line('0.5.0')).toBe('0.5');
    expect(wasm3Line('0.8.1')).toBe('0.5');
    expect(wasm3Line('0.9.0')).toBe('head');
    expect(wasm3Line('1.0.0')).toBe('head');
  });

  it('reads REPL replies exactly: unsigned raw bits, several results, no result, an error line', () => {
    expect(parseReplReply('Result: 4294967295:i32\n', 'head')).toEqual({ raw: [4294967295n] });
    expect(parseReplReply('Result: 1:i32, 18446744073709551615:i64\n', 'head')).toEqual({ raw: [1n, 18446744073709551615n] });
    expect(parseReplReply('Result: <Empty Stack>\n', '0.5')).toEqual({ raw: [] });
    expect(parseReplReply('Error: [trap] integer overflow ()\n', '0.5')).toEqual({ outcome: { kind: 'trap', trap: ['integer overflow'], message: '[trap] integer overflow' } });
    expect(parseReplReply('Result: 1:i32\nResult: 2:i32\n', 'head')).toMatchObject({ outcome: { kind: 'crash' } });
    expect(replErrorText("Error: function lookup failed ('x') ()")).toBe("function lookup failed ('x')");
    expect(replErrorText("Error: missing imported function ('env.nope')")).toBe("missing imported function ('env.nope')");
    // a WASI guest's own output before the reply, and an exit the REPL dropped (no reply line)
    expect(parseReplReply('guest\nabcResult: 7:i32\n', 'head', true)).toEqual({ raw: [7n] });
    expect(parseReplReply('abc', 'head', true)).toMatchObject({ outcome: { kind: 'crash', detail: expect.stringContaining('REPL printed nothing') } });
    expect(parseReplReply('abcResult: 7:i32\n', 'head')).toMatchObject({ outcome: { kind: 'crash' } });
  });

  it('classifies texts per line: folds only where the line folds, load traps, lazy failures', () => {
    expect(wasm3ErrorOutcome('[trap] undefined element', '0.5', 'call')).toMatchObject({ trap: ['undefined element', 'uninitialized element'] });
    expect(wasm3ErrorOutcome('[trap] undefined element', 'head', 'call')).toMatchObject({ trap: ['undefined element'] });
    expect(wasm3ErrorOutcome('[trap] null table element', '0.5', 'call')).toMatchObject({ trap: ['uninitialized element'] });
    expect(wasm3ErrorOutcome('[trap] null table element', 'head', 'call')).toMatchObject({ kind: 'crash' });
    expect(wasm3ErrorOutcome('data segment out of bounds', '0.5', 'load')).toMatchObject({ trap: ['out of bounds memory access'] });
    expect(wasm3ErrorOutcome('out of bounds table access', 'head', 'load')).toMatchObject({ trap: ['out of bounds table access'] });
    expect(wasm3ErrorOutcome('[trap] program called exit', 'head', 'call')).toMatchObject({ kind: 'crash', detail: expect.stringContaining('lost the exit code') });
    expect(wasm3ErrorOutcome('incorrect type on stack', 'head', 'call')).toMatchObject({ kind: 'rejected', stage: 'compile' });
    expect(wasm3ErrorOutcome("missing imported function ('wasi_snapshot_preview1.sched_yield')", '0.5', 'call')).toMatchObject({ kind: 'unsupported' });
    expect(wasm3ErrorOutcome("function lookup failed ('x')", 'head', 'call')).toMatchObject({ kind: 'crash' });
  });

  it("cuts wasm3's own trailer off the guest's stderr, also when the guest wrote no newline", () => {
    expect(splitTrailer('abcError: [trap] unreachable executed\n', 'error')).toEqual({ guest: 'abc', trailer: ['Error: [trap] unreachable executed'] });
    expect(splitTrailer('x\nError: [Fatal] repl_load: [trap] program called exit\nError: [trap] program called exit\n', 'error')).toEqual({
      guest: 'x\n',
      trailer: ['Error: [Fatal] repl_load: [trap] program called exit', 'Error: [trap] program called exit'],
    });
    expect(splitTrailer('zzResult: 1\nResult: -2\n', 'results', 2)).toEqual({ guest: 'zz', trailer: ['Result: 1', 'Result: -2'] });
    expect(splitTrailer('no trailer', 'error')).toBeUndefined();
    const end = (code: number | null, stderr: string) => ({ code, signal: null, timedOut: false, stdout: '', stderr });
    expect(processOutcome(end(3, 'e'), 'head', 100)).toEqual({ outcome: { kind: 'exit', code: 3 }, stderr: 'e', load: false });
    expect(processOutcome(end(1, 'eError: [trap] integer overflow\n'), 'head', 100)).toMatchObject({ outcome: { trap: ['integer overflow'] }, stderr: 'e' });
    expect(processOutcome(end(0, 'Result: -5\n'), 'head', 100, 1)).toMatchObject({ raw: [-5n], stderr: '' });
  });

  it('claims per line exactly the measured features, never threads, SIMD or tail calls', () => {
    for (const line of ['0.5', 'head'] as const) for (const f of ['threads', 'simd', 'tail-call', 'exceptions'] as const) expect(WASM3_FEATURES[line]).not.toContain(f);
    expect(WASM3_FEATURES['0.5']).not.toContain('reference-types');
    expect(WASM3_FEATURES['0.5']).not.toContain('bulk-memory');
    expect(WASM3_FEATURES.head).toEqual(expect.arrayContaining(['reference-types', 'bulk-memory', 'multi-value', 'wasi']));
  });
});

for (const file of BINARIES) {
  const binary = join(BIN, file);
  const present = existsSync(binary);
  describe.skipIf(!present)(`${file} (real binary${present ? '' : `: skipped, ${binary} is absent`})`, () => {
    let version = '';
    let line: Wasm3Line = 'head';
    let rt: Runtime;
    let dir = '';

    beforeAll(async () => {
      const v = await runOnce({ command: binary, args: ['--version'], budgetMs: 10_000 });
      const m = /^Wasm3 v(\d+\.\d+\.\d+)/m.exec(v.stdout);
      if (!m) throw new Error(`${binary} --version printed ${JSON.stringify(v.stdout)}`);
      version = m[1]!;
      line = wasm3Line(version);
      rt = await createWasm3Runtime({ name: `wasm3@${version}`, kind: 'wasm3', binary, version, versionLine: v.stdout.split('\n')[0]! });
      dir = mkdtempSync(join(tmpdir(), 'wasm3-test-'));
    });
    afterAll(async () => {
      await rt?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    const writeModule = (name: string, text: string): string => {
      const path = join(dir, name);
      writeFileSync(path, wat(text));
      return path;
    };

    it('message table: every trap kind prints the same text through --func and :invoke, classified as measured', async () => {
      const path = writeModule('traps.wasm', TRAPS_WAT);
      const { session } = await ReplSession.start({ command: binary, args: ['--repl', path], prompt: WASM3_PROMPT, budgetMs: 20_000, mergeStderr: true });
      try {
        for (const [name, expected] of TRAP_ROWS) {
          const r = await runOnce({ command: binary, args: ['--func', name, path], budgetMs: 10_000 });
          expect(r.code, name).toBe(1);
          const text = /Error: (.*)\n$/.exec(r.stderr)?.[1];
          expect(wasm3ErrorOutcome(text ?? '', line, 'call'), name).toMatchObject({ kind: 'trap', trap: expected[line] });
          const reply = await session.send(`:invoke ${name}`);
          expect(reply.kind).toBe('reply');
          expect(replErrorText(reply.kind === 'reply' ? reply.text : ''), name).toBe(text);
        }
      } finally {
        session.kill();
        await session.close();
      }
    });

    it.skipIf(file !== 'wasm3-head')('message table, reference types and bulk memory (head only): out of bounds table / memory access', async () => {
      const path = writeModule('head-traps.wasm', HEAD_TRAPS_WAT);
      for (const [name, kind] of HEAD_TRAP_ROWS) {
        const r = await runOnce({ command: binary, args: ['--func', name, path], budgetMs: 10_000 });
        expect(r.code, name).toBe(1);
        expect(wasm3ErrorOutcome(/Error: (.*)\n$/.exec(r.stderr)?.[1] ?? '', line, 'call'), name).toMatchObject({ kind: 'trap', trap: [kind] });
      }
    });

    it('load-time traps: a data segment out of bounds fails the load (both); an element segment only on head', async () => {
      const data = await runOnce({ command: binary, args: ['--repl', writeModule('data.wasm', '(module (memory 1) (data (i32.const 65535) "xy"))')], budgetMs: 10_000 });
      expect(data.code).toBe(1);
      expect(data.stderr).toContain('Error: [Fatal] repl_load: data segment out of bounds');
      const elem = await runOnce({ command: binary, args: ['--repl', writeModule('elem.wasm', '(module (table 2 funcref) (func $f) (elem (i32.const 1) $f $f))')], budgetMs: 10_000 });
      if (line === 'head') expect(elem.stderr).toContain('Error: [Fatal] repl_load: out of bounds table access');
      else expect([elem.code, elem.stdout]).toEqual([0, WASM3_PROMPT]); // the 0.5.0 finding: the load succeeds
    });

    it('validation: head (run with --compile) rejects an invalid module at instantiation; 0.5.0 only when the function is called', async () => {
      const invalid = wat('(module (func (export "ok") (result i32) (i32.const 1)) (func (export "bad") (result i32) (i64.const 1)))');
      const c = mkCase([invalid], [inst(), call('ok', [], { outcome: { kind: 'return', values: [{ type: 'i32', value: '1' }] } }), call('bad')]);
      const [obs] = await rt.executeAll([c]);
      if (line === 'head') expect(obs!.steps.map((s) => s.outcome)).toEqual([{ kind: 'rejected', stage: 'compile', message: 'incorrect type on stack' }]);
      else expect(obs!.steps.map((s) => s.outcome.kind)).toEqual(['return', 'return', 'rejected']);
    });

    it('features: each module runs exactly when its feature is claimed', async () => {
      for (const [feature, text] of FEATURE_WAT) {
        const path = writeModule(`feature-${feature}.wasm`, text);
        const r = await runOnce({ command: binary, args: ['--repl', path], input: ':invoke f\n', budgetMs: 20_000 });
        const works = r.code === 0 && r.stderr === 'Result: 1:i32\n';
        expect(works, `${feature}: ${r.stderr.trim()}`).toBe(rt.capabilities.features.has(feature as never));
      }
    });

    it('multi-step REPL: a trap, then the instance answers, with state read after each step', async () => {
      const mod = `(module (memory (export "memory") 1) (global $g (export "g") (mut i32) (i32.const 5))
        (func (export "poke") (param i32) (global.set $g (local.get 0)) (i32.store8 (i32.const 3) (i32.const 0xab)) (i32.store (i32.const 65534) (i32.const -1)))
        (func (export "probe") (result i32) (i32.add (global.get $g) (i32.load8_u (i32.const 3)))))`;
      const c = mkCase([mod], [
        inst({ outcome: { kind: 'return' }, globals: { g: { type: 'i32', value: '5' } } }),
        call('poke', [{ type: 'i32', value: '9' }], { outcome: { kind: 'trap', trap: 'out of bounds memory access' }, globals: { g: { type: 'i32', value: '9' } }, memory: [{ offset: 2, hex: '00ab00' }, { offset: 65528, hex: '0000000000000000' }] }),
        call('probe', [], { outcome: { kind: 'return', values: [{ type: 'i32', value: String(9 + 0xab) }] } }),
      ]);
      const [obs] = await rt.executeAll([c]);
      expect(obs!.steps.map((s) => s.outcome.kind)).toEqual(['return', 'trap', 'return']);
      expect(obs!.steps[1]!.memory).toEqual([{ offset: 2, hex: '00ab00' }, { offset: 65528, hex: '0000000000000000' }]);
      expect(judge(c, obs!, rt.profile)).toEqual({ verdict: 'pass' });
      // and the same case with a wrong expectation fails: the reads are real
      const wrong = { ...c, steps: [c.steps[0]!, { ...c.steps[1]!, expect: { ...c.steps[1]!.expect, globals: { g: { type: 'i32' as const, value: '5' } } } }, c.steps[2]!] };
      expect(judge(wrong, obs!, rt.profile).verdict).toBe('fail');
    });

    it('exact floats and integers: NaN payloads, -0, values %f would round, negative i64', async () => {
      // a quiet f32 NaN with a payload: wasm3 quiets signalling f32 NaNs (a finding, below)
      const mod = `(module
        (func (export "nan32") (result f32) (f32.reinterpret_i32 (i32.const 0x7fc00001)))
        (func (export "nan64") (result f64) (f64.reinterpret_i64 (i64.const 0xfff0000000000123)))
        (func (export "tenth") (param f64) (result f64) (local.get 0))
        (func (export "negzero") (result f32) (f32.const -0))
        (func (export "both") (param f32 i64) (result f32 i64) (local.get 0) (local.get 1)))`;
      const v = (type: 'i32' | 'i64' | 'f32' | 'f64', value: string) => ({ type, value });
      const c = mkCase([mod], [
        inst(),
        call('nan32', [], { outcome: { kind: 'return', values: [v('f32', 'nan:0x7fc00001')] } }),
        call('nan64', [], { outcome: { kind: 'return', values: [v('f64', 'nan:0xfff0000000000123')] } }),
        call('tenth', [v('f64', '0.1')], { outcome: { kind: 'return', values: [v('f64', '0.1')] } }),
        call('negzero', [], { outcome: { kind: 'return', values: [v('f32', '-0')] } }),
        call('both', [v('f32', '1.0000001192092896'), v('i64', '-9223372036854775808')], { outcome: { kind: 'return', values: [v('f32', '1.0000001192092896'), v('i64', '-9223372036854775808')] } }),
      ]);
      const [obs] = await rt.executeAll([c]);
      expect(judge(c, obs!, rt.profile)).toEqual({ verdict: 'pass' });
      expect(obs!.steps[1]!.outcome).toEqual({ kind: 'return', values: [v('f32', 'nan:0x7fc00001')] });
      expect(obs!.steps[2]!.outcome).toEqual({ kind: 'return', values: [v('f64', 'nan:0xfff0000000000123')] });
    });

    it('WASI commands: exit codes (N & 255), exact output, a trap after output without a newline', async () => {
      const exits = mkCase([wasiWrite(1, 'hi\n', '(call $proc_exit (i32.const 300))')], [inst(), start({ outcome: { kind: 'exit', code: 300 }, stdout: 'hi\n', stderr: '' })], { features: ['wasi'] });
      const traps = mkCase([wasiWrite(2, 'abc', 'unreachable')], [inst(), start({ outcome: { kind: 'trap', trap: 'unreachable' }, stdout: '', stderr: 'abc' })], { features: ['wasi'] });
      const returns = mkCase([wasiWrite(1, 'ok', '')], [inst(), start({ outcome: { kind: 'exit', code: 0 }, stdout: 'ok' })], { features: ['wasi'] });
      const obs = await rt.executeAll([exits, traps, returns]);
      expect(obs[0]!.steps[1]!.outcome).toEqual({ kind: 'exit', code: 44 });
      expect(obs[1]!.steps[1]!.stderr).toBe('abc');
      expect([exits, traps, returns].map((c, i) => judge(c, obs[i]!, rt.profile).verdict)).toEqual(['pass', 'pass', 'pass']);
    });

    it('a WASI case without exits or output expectations runs on the REPL: trap, then the instance answers', async () => {
      const mod = wasiWrite(1, 'x', 'unreachable', 'run').replace('(func (export "_start"))', '(func (export "alive") (result i32) (i32.const 1))');
      const c = mkCase([mod], [inst(), call('run', [], { outcome: { kind: 'trap', trap: 'unreachable' } }), call('alive', [], { outcome: { kind: 'return', values: [{ type: 'i32', value: '1' }] } })], { features: ['wasi'] });
      const [obs] = await rt.executeAll([c]);
      expect(obs!.raw?.['transcript']).toBeDefined();
      expect(judge(c, obs!, rt.profile)).toEqual({ verdict: 'pass' });
    });

    it('finding: proc_exit in an export run with --func loses its code (both versions)', async () => {
      const c = await loadCaseFile(join(REGRESSIONS, 'wasm3-export-proc-exit-code-lost.json'));
      const [obs] = await rt.executeAll([c]);
      expect(obs!.steps[1]!.outcome).toMatchObject({ kind: 'crash', detail: expect.stringContaining('lost the exit code') });
      expect(judge(c, obs!, rt.profile).verdict).toBe('fail');
    });

    it('finding: an f32 signalling NaN is quieted by reinterpret, load/store and neg (both versions)', async () => {
      const c = await loadCaseFile(join(REGRESSIONS, 'wasm3-f32-signalling-nan-quieted.json'));
      const [obs] = await rt.executeAll([c]);
      expect(obs!.steps[1]!.memory).toEqual([{ offset: 0, hex: '0100a07f0100e07f' }]);
      expect(obs!.steps[2]!.outcome).toEqual({ kind: 'return', values: [{ type: 'i32', value: String(0x7fe00001) }] });
      expect(judge(c, obs!, rt.profile)).toMatchObject({ verdict: 'fail', step: 1 });
    });

    it('findings of 0.5.0 fail there and pass on head (start function, element segment, WASI pointer 0)', async () => {
      const names = ['wasm3-start-function-zero-never-runs', 'wasm3-start-trap-deferred', 'wasm3-elem-segment-past-table', 'wasm3-wasi-pointer-at-address-zero'];
      const cases = await Promise.all(names.map((n) => loadCaseFile(join(REGRESSIONS, `${n}.json`))));
      const obs = await rt.executeAll(cases);
      const verdicts = cases.map((c, i) => judge(c, obs[i]!, rt.profile).verdict);
      expect(verdicts).toEqual(names.map(() => (line === '0.5' ? 'fail' : 'pass')));
    });

    it('a hang is a timeout that costs only its case, and its process group is killed', async () => {
      const hang = mkCase(['(module (func (export "spin") (loop (br 0))))'], [inst(), call('spin', [], { outcome: { kind: 'return' } })], { timeoutMs: 1500 });
      const fine = mkCase(['(module (func (export "one") (result i32) (i32.const 1)))'], [inst(), call('one', [], { outcome: { kind: 'return', values: [{ type: 'i32', value: '1' }] } })]);
      const obs = await rt.executeAll([hang, fine, fine]);
      // the timeout is the confirming run's, alone with twice the budget (confirm-timeout.ts)
      expect(obs[0]!.steps[1]!.outcome).toEqual({ kind: 'timeout', budgetMs: 3000 });
      expect(obs[0]!.raw?.['firstRunTimedOut']).toEqual({ step: 1, confirmed: true, budgetScale: 2 });
      expect(judge(fine, obs[1]!, rt.profile)).toEqual({ verdict: 'pass' });
      expect(judge(fine, obs[2]!, rt.profile)).toEqual({ verdict: 'pass' });
      const left = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n').filter((a) => a.startsWith(binary) && a.includes('trapcheck-wasm3-'));
      expect(left).toEqual([]);
    });

    it.skipIf(file !== 'wasm3-head')('a crash (head segfaults on an imported memory in its REPL) costs only its case', async () => {
      // measured: the prompt comes, then the first command crashes it (rc 139)
      const c = mkCase(['(module (import "env" "mem" (memory 1)) (func (export "f") (result i32) (i32.const 1)))'], [inst({ outcome: { kind: 'return' } }), call('f', [], { outcome: { kind: 'return' } })]);
      const plan = planProbes(c, { mode: 'return' }) as ProbePlan;
      const caseDir = mkdtempSync(join(dir, 'crash-'));
      const obs = await runReplCase({ binary, line, dir: caseDir, budgetMs: 5000 }, c, plan);
      expect(obs.steps.map((s) => s.outcome.kind)).toEqual(['return', 'crash']);
      expect(obs.steps[1]!.outcome).toMatchObject({ detail: expect.stringContaining('SIGSEGV') });
      // the runtime itself never hands such a case to wasm3, and goes on
      expect(missingCapability(c, rt.capabilities)).toBeUndefined();
      const [skipped] = await rt.executeAll([c]);
      expect(skipped!.steps[0]!.outcome).toMatchObject({ kind: 'unsupported' });
    });
  });
}
