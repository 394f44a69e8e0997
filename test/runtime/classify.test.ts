import { describe, expect, it } from 'vitest';
import type { TrapKind } from '../../src/outcome.ts';
import { classifyEngineError, knownMessages } from '../../src/runtime/classify.ts';
import type { Engine } from '../../src/runtime/classify.ts';

const FOLDED: TrapKind[] = ['uninitialized element', 'indirect call type mismatch'];
const TABLE_OOB: TrapKind[] = ['undefined element', 'out of bounds table access'];
const TRUNC: TrapKind[] = ['invalid conversion to integer', 'integer overflow'];

/** Every row, written out: [engine, error class, message, candidate kinds]. */
const ROWS: Array<[Engine, string, string, TrapKind[]]> = [
  ['v8-11', 'RuntimeError', 'unreachable', ['unreachable']],
  ['v8-11', 'RuntimeError', 'divide by zero', ['integer divide by zero']],
  ['v8-11', 'RuntimeError', 'remainder by zero', ['integer divide by zero']],
  ['v8-11', 'RuntimeError', 'divide result unrepresentable', ['integer overflow']],
  ['v8-11', 'RuntimeError', 'float unrepresentable in integer range', TRUNC],
  ['v8-11', 'RuntimeError', 'memory access out of bounds', ['out of bounds memory access']],
  ['v8-11', 'RuntimeError', 'WebAssembly.Instance(): data segment is out of bounds', ['out of bounds memory access']],
  ['v8-11', 'RuntimeError', 'data segment out of bounds', ['out of bounds memory access']],
  ['v8-11', 'RuntimeError', 'table index is out of bounds', TABLE_OOB],
  ['v8-11', 'RuntimeError', 'WebAssembly.Instance(): table index is out of bounds', TABLE_OOB],
  ['v8-11', 'RuntimeError', 'element segment out of bounds', ['out of bounds table access']],
  ['v8-11', 'RuntimeError', 'element segment is out of bounds', ['out of bounds table access']],
  ['v8-11', 'RuntimeError', 'operation does not support unaligned accesses', ['unaligned atomic']],
  ['v8-11', 'RuntimeError', 'Atomics.wait cannot be called in this context', ['expected shared memory']],
  ['v8-11', 'RuntimeError', 'dereferencing a null pointer', ['null reference']],
  ['v8-11', 'RuntimeError', 'null function or function signature mismatch', FOLDED],
  ['v8-11', 'RangeError', 'Maximum call stack size exceeded', ['call stack exhausted']],
  ['v8-11', 'Exception', '', ['uncaught exception']],
  ['v8', 'RuntimeError', 'unreachable', ['unreachable']],
  ['v8', 'RuntimeError', 'divide by zero', ['integer divide by zero']],
  ['v8', 'RuntimeError', 'remainder by zero', ['integer divide by zero']],
  ['v8', 'RuntimeError', 'divide result unrepresentable', ['integer overflow']],
  ['v8', 'RuntimeError', 'float unrepresentable in integer range', TRUNC],
  ['v8', 'RuntimeError', 'memory access out of bounds', ['out of bounds memory access']],
  ['v8', 'RuntimeError', 'data segment is out of bounds', ['out of bounds memory access']],
  ['v8', 'RuntimeError', 'data segment out of bounds', ['out of bounds memory access']],
  ['v8', 'RuntimeError', 'table index is out of bounds', TABLE_OOB],
  ['v8', 'RuntimeError', 'element segment out of bounds', ['out of bounds table access']],
  ['v8', 'RuntimeError', 'element segment is out of bounds', ['out of bounds table access']],
  ['v8', 'RuntimeError', 'operation does not support unaligned accesses', ['unaligned atomic']],
  ['v8', 'RuntimeError', 'Atomics.wait cannot be called in this context', ['expected shared memory']],
  ['v8', 'RuntimeError', 'dereferencing a null pointer', ['null reference']],
  ['v8', 'RuntimeError', 'null function or function signature mismatch', FOLDED],
  ['v8', 'RuntimeError', 'null function', ['uninitialized element']],
  ['v8', 'RuntimeError', 'function signature mismatch', ['indirect call type mismatch']],
  ['v8', 'RangeError', 'Maximum call stack size exceeded', ['call stack exhausted']],
  ['jsc', 'RuntimeError', 'Unreachable code should not be executed', ['unreachable']],
  ['jsc', 'RuntimeError', "Unreachable code should not be executed (evaluating 'inst.exports[n]()')", ['unreachable']],
  ['jsc', 'RuntimeError', "Division by zero (evaluating 'run()')", ['integer divide by zero']],
  ['jsc', 'RuntimeError', 'Integer overflow', ['integer overflow']],
  ['jsc', 'RuntimeError', "Out of bounds Trunc operation (evaluating 'instance')", TRUNC],
  ['jsc', 'RuntimeError', 'Out of bounds memory access', ['out of bounds memory access']],
  ['jsc', 'RuntimeError', 'call_indirect to a signature that does not match', FOLDED],
  ['jsc', 'RuntimeError', 'Out of bounds call_indirect', ['undefined element']],
  ['jsc', 'RuntimeError', 'Out of bounds table access', ['out of bounds table access']],
  ['jsc', 'RuntimeError', 'Unaligned memory access', ['unaligned atomic']],
  ['jsc', 'RangeError', 'Maximum call stack size exceeded.', ['call stack exhausted']],
  ['jsc', 'RangeError', 'Maximum call stack size exceeded', ['call stack exhausted']],
  // GC / typed function references (Bun 1.4.5, measured by `trapcheck spec` on the core suite)
  ['jsc', 'RuntimeError', 'ref.as_non_null to a null reference', ['null reference']],
  ['jsc', 'RuntimeError', 'call_ref to a null reference', ['null reference']],
  ['jsc', 'RuntimeError', 'access to a null reference', ['null reference']],
  ['jsc', 'RuntimeError', 'array.init_data to a null reference', ['null reference']],
  ['jsc', 'RuntimeError', 'array.init_elem to a null reference', ['null reference']],
  ['jsc', 'RuntimeError', 'i31.get_<sx> to a null reference', ['null reference']],
  ['jsc', 'RuntimeError', 'Out of bounds array.init_data', ['out of bounds memory access']],
  ['jsc', 'RuntimeError', 'Out of bounds array.init_elem', ['out of bounds table access']],
  ['jsc', 'RuntimeError', 'Out of bounds or failed to allocate in array.new_data', ['out of bounds memory access']],
];

describe('classifyEngineError', () => {
  it.each(ROWS)('%s %s %j → %j', (engine, name, message, kinds) => {
    const o = classifyEngineError(engine, name, message);
    expect(o.kind).toBe('trap');
    if (o.kind === 'trap') expect(o.trap).toEqual(kinds);
  });

  it('covers every table row with an explicit test row', () => {
    for (const engine of ['v8-11', 'v8', 'jsc'] as const)
      for (const msg of knownMessages(engine).keys())
        expect(ROWS.some(([e, , m]) => e === engine && m.replace(/^WebAssembly\.Instance\(\): /, '').replace(/ \(evaluating '.*'\)$/, '') === msg), `${engine}: ${msg}`).toBe(true);
  });

  it('strips the API prefix and the Bun suffix from the reported message', () => {
    expect(classifyEngineError('v8-11', 'RuntimeError', 'WebAssembly.Instance(): unreachable')).toEqual({ kind: 'trap', trap: ['unreachable'], message: 'unreachable' });
    expect(classifyEngineError('jsc', 'RuntimeError', "Division by zero (evaluating 'f()')")).toEqual({ kind: 'trap', trap: ['integer divide by zero'], message: 'Division by zero' });
  });

  it('never guesses: unknown messages and non-trap classes are crashes naming the message', () => {
    expect(classifyEngineError('v8-11', 'RuntimeError', 'something new')).toEqual({ kind: 'crash', detail: 'unclassified engine error: RuntimeError: something new' });
    // V8 11 folds these into one message; the split forms are newer V8 only
    expect(classifyEngineError('v8-11', 'RuntimeError', 'null function').kind).toBe('crash');
    // a trap text thrown as the wrong class is not a trap
    expect(classifyEngineError('v8-11', 'TypeError', 'unreachable').kind).toBe('crash');
    expect(classifyEngineError('v8-11', 'RangeError', 'Invalid array length').kind).toBe('crash');
    // the JSC suffix is not stripped for V8
    expect(classifyEngineError('v8', 'RuntimeError', "unreachable (evaluating 'f()')").kind).toBe('crash');
  });
});
