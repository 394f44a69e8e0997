/**
 * Determinism and replay: the same (seed, case, index) gives the same bytes, and the replay line
 * of a mutated case (src/replay-token.ts) parses back to a target that rebuilds it byte for byte,
 * from a generated case or from a case file, also after the mutated case went to disk and back.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Case } from '../../src/case.ts';
import { toCaseFile } from '../../src/case.ts';
import { loadCaseFile } from '../../src/conformance/corpus.ts';
import { mutateCase } from '../../src/mutate/index.ts';
import { mutatedForReplay } from '../../src/mutate/replay.ts';
import { formatReplay, parseMutationToken, parseReplayArgs, replayCommand, replayTargetOf } from '../../src/replay-token.ts';
import { generateCase } from '../../generators/index.ts';

const bytesOf = (c: Case | undefined): Buffer => Buffer.from(c!.modules[0]!.bytes);

/** The words after `npx trapcheck replay` as parseArgs would hand them to the replay command. */
function parseLine(line: string): ReturnType<typeof parseReplayArgs> {
  const words = line.split(' ').slice(3);
  const values: Record<string, string> = {};
  const positionals: string[] = [];
  for (let i = 0; i < words.length; i++) {
    if (words[i]!.startsWith('--')) values[words[i]!.slice(2)] = words[++i]!;
    else positionals.push(words[i]!);
  }
  return parseReplayArgs(values, positionals);
}

describe('mutation determinism', () => {
  it('the same seed, case and index give the same bytes; other indices other mutations', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 12; i++) {
      const c = generateCase('core-traps', 1, i);
      const a = mutateCase(c, { seed: 9, index: 0 });
      const b = mutateCase(generateCase('core-traps', 1, i), { seed: 9, index: 0 });
      expect(b.plan).toEqual(a.plan);
      expect(bytesOf(b.case).equals(bytesOf(a.case))).toBe(true);
      for (const index of [0, 1, 2]) seen.add(bytesOf(mutateCase(c, { seed: 9, index }).case ?? c).toString('hex'));
    }
    expect(seen.size).toBeGreaterThan(30);
  });
});

describe('replay line of a mutated case', () => {
  it('a generated case: --family --seed --path --mutate, rebuilt byte for byte', () => {
    // Arrange
    const m = mutateCase(generateCase('wasi-exit', 1, 3), { seed: 9, index: 2 }).case!;
    // Act
    const line = replayCommand(m, 'reference');
    const target = parseLine(line);
    // Assert
    expect(line).toBe('npx trapcheck replay --family wasi-exit --seed 1 --path 3 --mutate 9:2');
    expect(target).toEqual(replayTargetOf(m));
    if (target.kind !== 'generated') throw new Error('not a generated target');
    const again = mutatedForReplay(generateCase(target.family, target.seed, target.path.index), target.mutation!);
    expect(bytesOf(again).equals(bytesOf(m))).toBe(true);
    expect(again).toEqual(m);
  });

  it('a case file: FILE --mutate, also after the mutated case was written and loaded again', async () => {
    // Arrange
    const file = 'corpus/core-traps/call-indirect-index-out-of-table.json';
    const m = mutateCase(await loadCaseFile(file), { seed: 4, index: 1 }).case!;
    const dir = mkdtempSync(join(tmpdir(), 'trapcheck-mutate-'));
    writeFileSync(join(dir, 'm.wasm'), m.modules[0]!.bytes);
    writeFileSync(join(dir, 'm.json'), JSON.stringify(toCaseFile(m, 'm.wasm')));
    // Act
    const loaded = await loadCaseFile(join(dir, 'm.json'));
    const target = parseLine(replayCommand(loaded, 'reference'));
    // Assert
    expect(replayCommand(m, 'wasm3@0.9.0')).toBe(`npx trapcheck replay ${file} --mutate 4:1 --runtime wasm3@0.9.0`);
    expect(target).toEqual({ kind: 'case-file', file, mutation: { seed: 4, index: 1 } });
    if (target.kind !== 'case-file') throw new Error('not a case-file target');
    const again = mutatedForReplay(await loadCaseFile(target.file), target.mutation!);
    expect(bytesOf(again).equals(bytesOf(loaded))).toBe(true);
  });

  it('a bad --mutate is a usage error; a token that mutates nothing names why', async () => {
    expect(() => parseMutationToken('7')).toThrow(/--mutate must look like `SEED:INDEX`/);
    expect(() => parseMutationToken('7:-1')).toThrow(/--mutate must look like/);
    expect(formatReplay({ kind: 'case-file', file: 'a.json', mutation: parseMutationToken('0:0') }, 'reference')).toBe('npx trapcheck replay a.json --mutate 0:0');
    const fuel = await loadCaseFile('corpus/cancellation/' + (await import('node:fs')).readdirSync('corpus/cancellation').find((f) => f.endsWith('.json'))!);
    expect(() => mutatedForReplay(fuel, { seed: 1, index: 0 })).toThrow(/leaves .* unchanged \(case: (fuel|component)/);
  });
});
