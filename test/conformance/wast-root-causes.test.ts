/**
 * The three causes of trapcheck's own failures on the official core suite (issue 12 item 6),
 * each pinned by a test that fails without its fix:
 * - export names that end a line for readline (names.wast: U+2028 / U+2029) killed the driver;
 * - wabt.js dropped an active data segment's memory index (address0.wast: "memory 65");
 * - a failed module failed every later assertion on it (the cascade) instead of failing once.
 * Plus two text-assembler gaps found on the way: `(ref $t)` mis-encoded, duplicate field ids.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Case } from '../../src/case.ts';
import type { SpecFileResult } from '../../src/conformance/wast/index.ts';
import { BLOCKED, convertScript, initAssembler, parseScript, runSpec, SPEC_FEATURES } from '../../src/conformance/wast/index.ts';
import { assembleText, disassemble } from '../../src/conformance/wast/assemble.ts';
import { TEXT_ASSEMBLER } from '../../src/conformance/wast/convert.ts';
import { dataSegmentMemories } from '../../src/conformance/wast/data-memory.ts';
import { classifyEngineError } from '../../src/runtime/classify.ts';
import type { Runtime } from '../../src/runtimes/adapter.ts';
import { fromWire, toWire, wireLine } from '../../src/runtimes/driver/wire.ts';
import { createEngineRuntime } from '../../src/runtimes/engine.ts';
import { createReferenceRuntime } from '../../src/runtimes/reference.ts';
import { trapcheck } from '../cli/helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'trapcheck-wast-root-'));
let n = 0;
function scriptFile(text: string): string {
  const file = join(dir, `r${++n}.wast`);
  writeFileSync(file, text);
  return file;
}
const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

let reference: Runtime;
beforeAll(async () => {
  reference = createReferenceRuntime({ workers: 1 });
  await initAssembler();
});
afterAll(async () => {
  await reference.close();
});

/** Names from names.wast's families: line/paragraph separators, NEL, BOM, NUL, astral, empty. */
const ODD_NAMES = ['\u2028', '\u2029', 'a\u2028b\u2029c', '\u0085', '\ufeff', '\u0000', '\n', '"\\', '\u{1f600}', '', '__proto__', '\ud800'];

async function linesOf(text: string): Promise<string[]> {
  const out: string[] = [];
  const rl = createInterface({ input: Readable.from([text]), crlfDelay: Infinity });
  for await (const line of rl) out.push(line);
  return out;
}

// Deno's and Bun's node:readline end lines at U+2028 / U+2029 too (measured: deno 2.9.6 and
// bun 1.4.5 count 3 lines in `{"a":"x\u2028y\u2029z"}`; Node 20 counts 1).
const deno = await createEngineRuntime('deno').catch((e: unknown) => String(e));
const denoMissing = typeof deno === 'string' ? `: ${deno}` : '';
afterAll(async () => {
  if (typeof deno !== 'string') await deno.close();
});

describe('the driver wire carries any export name', () => {
  it('wireLine is one readline line and JSON round-trips every name, lone surrogates included', async () => {
    const message = { t: 'run', names: ODD_NAMES };
    const line = wireLine(message);
    expect(line).not.toMatch(/[\n\r\u2028\u2029]/);
    expect(await linesOf(`${line}\n`)).toEqual([line]);
    expect(JSON.parse(line)).toEqual(message);
    // the bug: JSON.stringify alone leaves U+2028 / U+2029 raw, where Deno's and Bun's readline split
    expect(JSON.stringify(message)).toMatch(/[\u2028\u2029]/);
  });

  it('a case whose steps name such exports survives toWire → line → fromWire', () => {
    const c = { id: 'names', modules: [{ bytes: Uint8Array.of(0, 97, 115, 109, 1, 0, 0, 0) }], steps: ODD_NAMES.map((name) => ({ op: 'invoke', instance: `$m${name}`, export: name, args: [], expect: {} })) } as unknown as Case;
    const back = fromWire(JSON.parse(wireLine(toWire(c))) as ReturnType<typeof toWire>).c;
    expect(back.steps.map((s) => (s as { export: string }).export)).toEqual(ODD_NAMES);
    expect([...back.modules[0]!.bytes]).toEqual([0, 97, 115, 109, 1, 0, 0, 0]);
  });

  it.skipIf(typeof deno === 'string')(`a deno driver child runs exports named U+2028 / U+2029 (names.wast:119, :154, :162)${denoMissing}`, async () => {
    const engine = deno as Runtime;
    {
      const file = scriptFile(`(module
  (func (export "\\e2\\80\\a8") (result i32) (i32.const 1))
  (func (export "\\e2\\80\\a9") (result i32) (i32.const 2))
  (func (export "x\\e2\\80\\a8y\\c2\\85") (result i32) (i32.const 3)))
(assert_return (invoke "\\e2\\80\\a8") (i32.const 1))
(assert_return (invoke "\\e2\\80\\a9") (i32.const 2))
(assert_return (invoke "x\\e2\\80\\a8y\\c2\\85") (i32.const 3))
`);
      const r = await runSpec([file], engine);
      expect(r.files[0]!.results.map((a) => `${a.line}:${a.verdict}`)).toEqual(['5:pass', '6:pass', '7:pass']);
      expect(r.files[0]!.commands).toEqual([]);
    }
  }, 30_000);
});

describe('multi-memory data segments keep their memory index', () => {
  const text = '(module (memory $m0 0) (memory $m1 1) (data (memory $m1) (i32.const 0) "ab"))';

  it('the data segment for memory 1 is flag 2, memory 1, then the offset (not "memory 65")', () => {
    const r = assembleText(ascii(text), 'mm.wat');
    expect(r.ok).toBe(true);
    const bytes = (r as { bytes: Uint8Array }).bytes;
    const hex = Buffer.from(bytes).toString('hex');
    // section 11, size 9: one segment, flags 2, memidx 1, i32.const 0 end, 2 bytes "ab"
    expect(hex.endsWith('0b0901020141000b026162')).toBe(true);
    // and a reader that knows multi-memory reads it back (it could not with index 65)
    expect(disassemble(bytes)).toMatch(/\(data \(;0;\) \(memory 1\) \(i32\.const 0\) "ab"\)/);
  });

  it('finds each segment’s memory in field order: imports first, names, numbers, inline data, passive', () => {
    const t = '(module (import "a" "m" (memory $imp 1)) (memory $x 1) (memory (data "q")) (data (memory $x) (i32.const 0) "a") (data "p") (data (i32.const 0) "z") (data $d (memory 2) (offset (i32.const 1)) "w") (data 1 (i32.const 2) "v"))';
    expect(dataSegmentMemories(ascii(t), 't.wat')).toEqual([2, 1, undefined, 0, 2, 1]);
    const r = assembleText(ascii(t), 't.wat');
    expect(r.ok).toBe(true);
    expect(disassemble((r as { bytes: Uint8Array }).bytes)).toMatch(/\(memory 2\)[^\n]*"w"/);
  });
});

describe.skipIf(typeof deno === 'string')(`multi-memory on a real engine (deno${denoMissing})`, () => {
  it('address0.wast-style loads from the second memory see its data segment', async () => {
    const file = scriptFile(`(module
  (memory $mem0 0)
  (memory $mem1 1)
  (data (memory $mem1) (i32.const 0) "abcdefghijklmnopqrstuvwxyz")
  (func (export "8u_good1") (param $i i32) (result i32) (i32.load8_u $mem1 offset=0 (local.get $i))))
(assert_return (invoke "8u_good1" (i32.const 0)) (i32.const 97))
(assert_return (invoke "8u_good1" (i32.const 25)) (i32.const 122))
`);
    const r = await runSpec([file], deno as Runtime);
    expect(r.files[0]!.results.map((a) => `${a.line}:${a.verdict}`)).toEqual(['6:pass', '7:pass']);
  }, 30_000);
});

describe('a failed command fails once; what depends on it is blocked', () => {
  const script = `(module $bad (memory 1) (data (i32.const 65536) "x") (func (export "f") (result i32) (i32.const 1)))
(register "bad" $bad)
(assert_return (invoke $bad "f") (i32.const 1))
(assert_trap (invoke $bad "f") "unreachable")
(module $good (func (export "g") (result i32) (i32.const 2)) (func (export "t") unreachable))
(assert_return (invoke $good "g") (i32.const 2))
(invoke $good "t")
(assert_return (invoke $good "g") (i32.const 3))
`;

  async function run(runtime: Runtime): Promise<SpecFileResult> {
    const r = await runSpec([scriptFile(script)], runtime);
    return r.files[0]!;
  }

  it('the module is one failure at its line; assertions on it are skips naming it; others still run', async () => {
    const f = await run(reference);
    expect(f.results.map((a) => `${a.line}:${a.verdict}`)).toEqual(['3:skip', '4:skip', '6:pass', '8:fail']);
    expect(f.results[0]).toMatchObject({ blockedBy: expect.stringMatching(/r\d+\.wast:1$/), observed: 'not run' });
    expect(f.results[0]!.reason).toMatch(/^blocked: depends on the module at line 1 \(.*:1\), which failed there: trap "out of bounds memory access"/);
    expect(f.skippedBy).toEqual({ [BLOCKED]: 2 });
    expect(f.commands.map((c) => `${c.at.replace(/.*:/, '')}:${c.verdict}`)).toEqual(['1:fail', '2:skip', '7:fail']);
    // the register of the failed module is blocked, not a second failure
    expect(f.commands[1]!.blockedBy).toMatch(/:1$/);
    expect(f.commandsFailed).toBe(2);
    expect(f.failed).toBe(1);
  });

  it('a command failure that is a filed known divergence is not counted as a failure', async () => {
    const profile = { ...reference.profile, knownDivergences: [{ id: 'test-oob-data', match: { family: 'spec', expected: 'return' as const, observed: 'trap' as const, observedMessage: 'out of bounds' }, reason: 'test divergence', link: 'https://example.invalid' }] };
    const f = await run({ ...reference, profile });
    expect(f.commands[0]).toMatchObject({ verdict: 'known-divergence', divergence: 'test-oob-data' });
    expect(f.commandsFailed).toBe(1); // the bare invoke at line 7 still fails
  });
});

describe('`trapcheck spec` prints a failed command once and exits 1', () => {
  it('one FAIL row at the module line, the blocked assertion counted as a skip', () => {
    const file = scriptFile(`(module (memory 1) (data (i32.const 65536) "x") (func (export "f") (result i32) (i32.const 1)))
(assert_return (invoke "f") (i32.const 1))
(module (func (export "g") (result i32) (i32.const 2)))
(assert_return (invoke "g") (i32.const 2))
`);
    const out = mkdtempSync(join(tmpdir(), 'trapcheck-spec-cli-'));
    const r = trapcheck(['spec', file, '--out', out]);
    expect(r.code).toBe(1);
    const fails = r.stdout.split('\n').filter((l) => l.startsWith('FAIL '));
    expect(fails).toHaveLength(1);
    expect(fails[0]).toMatch(/^FAIL .*r\d+\.wast:1: module \(text\) did not succeed: trap "out of bounds memory access"/);
    expect(r.stdout).toContain('2 assertions in 1 files: 1 pass, 0 fail, 0 imprecise, 1 skipped');
    expect(r.stdout).toContain('1 script command(s) failed (module, register, invoke: each counted once, at its line); 1 assertion(s) they block are skipped as "blocked by a failed command"');
  }, 60_000);
});

describe('text the assembler cannot encode faithfully is skipped, never sent wrong', () => {
  const all = new Set(SPEC_FEATURES);
  const convert = (text: string) => convertScript(parseScript('t.wast', ascii(text)), { supported: all });

  it('`(ref $t)` (wabt writes 0x6b, an engine reads structref) goes to wasm-tools: 0x64 (func.wast:659)', () => {
    const text = '(module (type $t (func)) (func (local $x (ref $t)) (drop (local.get $x))))';
    const r = assembleText(ascii(text), 't.wat');
    expect(r).toMatchObject({ ok: true, by: 'wasm-tools' });
    // code section body: one local group of 1 × (ref 0) = 0x64 0x00
    expect(Buffer.from((r as { bytes: Uint8Array }).bytes).toString('hex')).toContain('0101640020001a0b');
    const c = convert(`(assert_invalid ${text} "uninitialized local")`);
    expect(c.assertions[0]!.decided).toBeUndefined();
    expect(c.case.steps[c.assertions[0]!.step!]).toMatchObject({ op: 'compile', expect: { outcome: { kind: 'rejected', stage: 'invalid' } } });
  });

  it('an assert_invalid module no assembler reads is a named skip, never a text-parser pass', () => {
    const c = convert(`(assert_invalid (module (func (no.such.instruction))) "type mismatch")
(assert_malformed (module quote "(func (no.such.instruction))") "unknown operator")`);
    expect(c.assertions[0]!.decided).toMatchObject({ verdict: 'skip', feature: TEXT_ASSEMBLER });
    expect(c.assertions[1]!.decided).toMatchObject({ verdict: 'pass' });
  });

  it('duplicate struct field ids are the text parser’s rejection (struct.wast:15)', () => {
    const c = convert(`(assert_malformed (module quote "(type (struct (field $x i32) (field $x i32)))") "duplicate field")
(assert_malformed (module quote "(type (struct (field $x i32) (field $y i32)))") "duplicate field")`);
    expect(c.assertions[0]!.decided).toMatchObject({ verdict: 'pass' });
    expect(c.assertions[0]!.decided!.reason).toMatch(/duplicate field \$x/);
    expect(c.assertions[1]!.decided?.verdict).not.toBe('pass');
  });
});

describe('instantiation messages with numbers in them are classified', () => {
  it.each([
    ['v8', 'WebAssembly.Instance(): data segment 0 is out of bounds (offset 0, length 1, memory size 0)', 'out of bounds memory access'],
    ['jsc', 'Invalid data segment initialization: segment of 1 bytes memory of 0 bytes, at offset 0, segment is too big', 'out of bounds memory access'],
    ['jsc', 'Invalid data segment initialization: segment of 0 bytes memory of 0 bytes, at offset 1, segment writes outside of memory', 'out of bounds memory access'],
    ['jsc', 'Element is trying to set an out of bounds table index', 'out of bounds table access'],
  ] as const)('%s: %s', (engine, message, kind) => {
    expect(classifyEngineError(engine, 'RuntimeError', message)).toMatchObject({ kind: 'trap', trap: [kind] });
  });

  it.each([
    ['v8', 'illegal cast'],
    ['v8', 'array element access out of bounds'],
    ['jsc', 'ref.cast failed to cast reference to target heap type'],
    ['jsc', 'Out of bounds array.get'],
  ] as const)('GC trap with no TrapKind (%s: %s) is a trap with an empty kind set, not a crash', (engine, message) => {
    expect(classifyEngineError(engine, 'RuntimeError', message)).toEqual({ kind: 'trap', trap: [], message });
  });
});
