/**
 * The replay token (src/replay-token.ts) is formatted and parsed in one place; what it prints
 * must parse back to the same target, through a real shell's word splitting.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { generateCase } from '../generators/index.ts';
import { formatCasePath, formatReplay, parseCasePath, parseReplayArgs, replayCommand, shellQuote } from '../src/replay-token.ts';
import type { ReplayTarget } from '../src/replay-token.ts';
import { loadCaseFile } from '../src/conformance/corpus.ts';

/** How a POSIX shell splits a command line into words. */
function shellWords(line: string): string[] {
  return execFileSync('sh', ['-c', `printf '%s\\0' ${line}`], { encoding: 'utf8' }).split('\0').slice(0, -1);
}

describe('replay token', () => {
  it('a generated case: family, seed, path; the reference runtime is the default', () => {
    const c = generateCase('wasi-exit', 42, 17);
    expect(replayCommand(c, 'reference')).toBe('npx trapcheck replay --family wasi-exit --seed 42 --path 17');
    expect(replayCommand(c, 'iwasm@2.4.5')).toBe('npx trapcheck replay --family wasi-exit --seed 42 --path 17 --runtime iwasm@2.4.5');
  });

  it('spec, case-file and suite targets', () => {
    expect(formatReplay({ kind: 'spec', file: 'spec-tests/a b.wast', line: 9 }, 'wasm3@0.9.0')).toBe("npx trapcheck spec 'spec-tests/a b.wast' --line 9 --runtime wasm3@0.9.0");
    expect(formatReplay({ kind: 'case-file', file: "it's.json" }, 'reference')).toBe("npx trapcheck replay 'it'\\''s.json'");
    expect(formatReplay({ kind: 'suite', suite: 'wasi-testsuite:/x' }, 'reference')).toBe('npx trapcheck run --suite wasi-testsuite:/x --runtime reference');
  });

  it('a case loaded from a file names that file, whatever its module is called', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trapcheck-replay-'));
    writeFileSync(join(dir, 'm.wat'), '(module (func (export "f")))');
    const steps = [{ op: 'instantiate', expect: { outcome: { kind: 'return' } } }, { op: 'invoke', export: 'f', expect: { outcome: { kind: 'return', values: [] } } }];
    writeFileSync(join(dir, 'my-case.json'), JSON.stringify({ schema: 'trapcheck.case/1', id: 'x', family: 'controls', module: 'm.wat', features: [], steps, provenance: { kind: 'hand-written', note: 'test' } }));
    const c = await loadCaseFile(join(dir, 'my-case.json'));
    expect(replayCommand(c, 'reference')).toMatch(/^npx trapcheck replay \S*my-case\.json$/);
    // a case built in memory keeps the corpus layout: NAME.json beside NAME.wat
    const { file: _file, ...inMemory } = c;
    expect(replayCommand(inMemory, 'reference')).toMatch(/^npx trapcheck replay \S*\/m\.json$/);
  });

  it('case paths parse and format back; anything else is a usage error', () => {
    for (const p of ['0', '17', '17:3:0']) expect(formatCasePath(parseCasePath(p))).toBe(p);
    for (const bad of ['', '-1', '1:', 'a', '1::2', '1.5']) expect(() => parseCasePath(bad)).toThrow(/--path must look like/);
  });

  it('what is printed parses back to the same target, through the shell', () => {
    const word = fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !s.startsWith('-') && !s.includes('\0'));
    fc.assert(
      fc.property(word, fc.nat(2 ** 31), fc.nat(500), fc.array(fc.nat(9), { maxLength: 3 }), word, (family, seed, index, shrink, runtime) => {
        const target: ReplayTarget = { kind: 'generated', family, seed, path: { index, shrink: shrink.join(':') } };
        const words = shellWords(formatReplay(target, runtime)).slice(2); // `npx trapcheck`
        expect(words[0]).toBe('replay');
        const values: Record<string, string> = {};
        for (let i = 1; i < words.length; i += 2) values[words[i]!.slice(2)] = words[i + 1]!;
        expect(parseReplayArgs(values, [])).toEqual(target);
        expect(values['runtime']).toBe(runtime === 'reference' ? undefined : runtime);
      }),
      { numRuns: 30, seed: 14 },
    );
  });

  it('the replay command line is refused when it mixes a file with --family/--path, or misses --seed', () => {
    expect(() => parseReplayArgs({ family: 'core-traps' }, ['x.json'])).toThrow(/either a case file or/);
    expect(() => parseReplayArgs({ family: 'core-traps', path: '3' }, [])).toThrow(/needs a case file, or --family F --seed S --path P/);
    expect(() => parseReplayArgs({ family: 'core-traps', seed: 'x', path: '3' }, [])).toThrow(/--seed must be a non-negative integer/);
    expect(shellQuote('plain-word_1.2@x')).toBe('plain-word_1.2@x');
  });
});
