/**
 * The protocol's codecs, without any process: value encoding (i64 as decimal text, floats as raw
 * bits, NaN payloads), the `driver:` command line, hello validation, and how a broken result
 * becomes a `crash` at the step that broke it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Case } from '../../src/case.ts';
import { TrapcheckError } from '../../src/errors.ts';
import { readHello } from '../../src/runtimes/protocol/hello.ts';
import { parseDriverSpec, splitWords } from '../../src/runtimes/protocol/driver-spec.ts';
import { toWireCase } from '../../src/runtimes/protocol/wire-case.ts';
import { readResult } from '../../src/runtimes/protocol/wire-result.ts';
import { ProtocolError, fromWireValue, toWireValue } from '../../src/runtimes/protocol/wire-value.ts';

describe('wire values', () => {
  it('carries floats as raw bits, exactly, NaN payloads and -0 included', () => {
    // Arrange
    const cases = [
      [{ type: 'f32', value: 'nan:0x7fa00001' }, '0x7fa00001'],
      [{ type: 'f64', value: 'nan:0xfff80000000000ab' }, '0xfff80000000000ab'],
      [{ type: 'f64', value: '-0' }, '0x8000000000000000'],
      [{ type: 'f64', value: '0.1' }, '0x3fb999999999999a'],
      [{ type: 'f32', value: '-inf' }, '0xff800000'],
    ] as const;
    for (const [value, bits] of cases) {
      // Act
      const wire = toWireValue(value);
      // Assert
      expect(wire.value).toBe(bits);
      expect(fromWireValue(wire, 'here')).toEqual(value);
    }
  });

  it('carries i64 as signed decimal text and refuses a JSON number, naming where', () => {
    expect(toWireValue({ type: 'i64', value: '-9223372036854775808' }).value).toBe('-9223372036854775808');
    expect(fromWireValue({ type: 'i64', value: '9007199254740993' }, 'x')).toEqual({ type: 'i64', value: '9007199254740993' });
    expect(() => fromWireValue({ type: 'i64', value: 9007199254740992 }, 'result step 1 value 0')).toThrow(/result step 1 value 0: i64 value must be a string/);
    expect(() => fromWireValue({ type: 'i32', value: '2147483648' }, 'x')).toThrow(/out of range/);
    expect(() => fromWireValue({ type: 'f32', value: '0x7fc0000' }, 'x')).toThrow(/0x \+ 8 hex digits/);
  });
});

describe('driver: command line', () => {
  it('splits words like a shell without expanding anything', () => {
    expect(splitWords(`node 'a b' "c\\"d" e\\ f $HOME`)).toEqual(['node', 'a b', 'c"d', 'e f', '$HOME']);
    expect(() => splitWords("node 'open")).toThrow(TrapcheckError);
  });

  it('reads a driver file with command, args and env; a relative command from its folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trapcheck-driver-spec-'));
    const file = join(dir, 'd.json');
    writeFileSync(file, JSON.stringify({ command: './bin/d,x', args: ['--a', 'b c'], env: { K: 'V' } }));
    expect(parseDriverSpec(`driver:${file}`)).toEqual({ command: join(dir, 'bin/d,x'), args: ['--a', 'b c'], env: { K: 'V' } });
    expect(() => parseDriverSpec('driver:')).toThrow(/name the driver command/);
  });
});

describe('hello', () => {
  const good = { t: 'hello', protocol: 'trapcheck.driver/1', name: 'x', version: '1', capabilities: { steps: ['instantiate', 'invoke'], features: ['mvp', 'wasi'], reads: ['memory'] } };

  it('turns claims into capabilities and a profile', () => {
    const h = readHello(good);
    expect([...h.capabilities.steps]).toEqual(['instantiate', 'invoke']);
    expect(h.capabilities.exactValues).toBe(true);
    expect([...h.reads]).toEqual(['memory']);
    expect(h.profile.exitCodes.exit).toBe('raw');
  });

  it('refuses another protocol version, unknown steps and host layers version 1 does not carry', () => {
    expect(() => readHello({ ...good, protocol: 'trapcheck.driver/2' })).toThrow(ProtocolError);
    expect(() => readHello({ ...good, capabilities: { steps: ['call'], features: [] } })).toThrow(/unknown step "call"/);
    expect(() => readHello({ ...good, capabilities: { steps: [], features: ['fuel'] } })).toThrow(/fuel needs trapcheck's own host layers/);
  });
});

describe('cases and results on the wire', () => {
  const c: Case = {
    id: 'x/1',
    family: 'x',
    modules: [{ bytes: new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]) }],
    features: ['mvp'],
    steps: [
      { op: 'instantiate', expect: { outcome: { kind: 'return' } } },
      { op: 'invoke', export: 'f', args: [{ type: 'f32', value: 'nan:0x7fa00001' }], expect: { outcome: { kind: 'trap', trap: 'unreachable' }, memory: [{ offset: 8, hex: '0102' }], globals: { g: { type: 'i32', value: '1' } } } },
    ],
    provenance: { kind: 'hand-written', note: 'test' },
  };

  it('sends no expectation, only what to read after each step', () => {
    const w = toWireCase(c);
    expect(JSON.stringify(w)).not.toContain('expect');
    expect(JSON.stringify(w)).not.toContain('unreachable');
    expect(w.steps[1]).toEqual({ op: 'invoke', export: 'f', args: [{ type: 'f32', value: '0x7fa00001' }], read: { memory: [{ offset: 8, length: 2 }], globals: ['g'] } });
    expect(w.modules[0]).toBe('AGFzbQEAAAA=');
  });

  it('ends the observation with a crash at the step that broke the protocol', () => {
    const raw = { t: 'result', id: 1, stdout: '', stderr: '', steps: [{ outcome: { kind: 'return', values: [] } }, { outcome: { kind: 'return', values: [{ type: 'i64', value: 5 }] } }] };
    const { obs, protocolError } = readResult(raw, toWireCase(c));
    expect(protocolError).toMatch(/result step 1 outcome value 0: i64 value must be a string/);
    expect(obs.steps.map((s) => s.outcome.kind)).toEqual(['return', 'crash']);
  });

  it('refuses an unknown trap kind and a missing step', () => {
    const trapped = { t: 'result', id: 1, stdout: '', stderr: '', steps: [{ outcome: { kind: 'return', values: [] } }, { outcome: { kind: 'trap', trap: ['segfault'], message: '' } }] };
    expect(readResult(trapped, toWireCase(c)).protocolError).toMatch(/a list of trap kinds/);
    const short = { t: 'result', id: 1, stdout: '', stderr: '', steps: [{ outcome: { kind: 'return', values: [] } }] };
    expect(readResult(short, toWireCase(c)).protocolError).toMatch(/1 step observations for a case of 2 steps/);
  });
});
