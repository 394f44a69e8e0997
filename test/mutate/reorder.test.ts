/**
 * Function reordering really permutes, and remaps every index: read back by an independent
 * decoder (wabt, through the name section), every named function has the same text before and
 * after, while their order differs. A remap that forgets the element segments is caught by the
 * same observation comparison the transform tests use.
 */
import { describe, expect, it } from 'vitest';
import { judge } from '../../src/judge.ts';
import { permuteFunctions } from '../../src/mutate/remap.ts';
import { shuffledOrder } from '../../src/mutate/transforms/reorder.ts';
import { executeCase } from '../../src/runtime/exec.ts';
import { loadProfile } from '../../src/runtimes/profiles.ts';
import { binaryToWat } from '../../src/wasm/wabt.ts';
import { readSections, replaceSection } from '../../src/wasm/sections.ts';
import { compareRuns, indicesCase } from './helpers.ts';

/** Function name → its text, in module order, from wabt's disassembly (names from the name section). */
async function functionsByName(bytes: Uint8Array): Promise<Array<[string, string]>> {
  const wat = await binaryToWat(bytes);
  return wat
    .split(/\n(?=  \()/)
    .filter((item) => item.startsWith('  (func $'))
    .map((text) => [/^ {2}\(func (\$\w+)/.exec(text)![1]!, text.replace(/\(type \d+\)/g, '')]);
}

/** The module's other lines that name functions (elements, globals, start), order-free. */
async function references(bytes: Uint8Array): Promise<string[]> {
  const wat = await binaryToWat(bytes);
  return wat
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^\((elem|global|start|export)/.test(l))
    .sort();
}

describe('reorder', () => {
  it('permutes the functions and remaps every index: calls, elements, globals, exports, start, names', async () => {
    // Arrange
    const c = await indicesCase();
    const bytes = c.modules[0]!.bytes;
    const defined = 9;
    const order = shuffledOrder(defined, 5);
    // Act
    const permuted = permuteFunctions(bytes, order);
    // Assert
    expect(order).not.toEqual([...Array(defined).keys()]);
    expect(Buffer.compare(Buffer.from(permuted), Buffer.from(bytes))).not.toBe(0);
    const before = await functionsByName(bytes);
    const after = await functionsByName(permuted);
    expect(after.map(([n]) => n)).toEqual(order.map((k) => before[k]![0]));
    expect(new Map(after)).toEqual(new Map(before));
    expect(await references(permuted)).toEqual(await references(bytes));
  });

  it('keeps every observation, and the case still passes', async () => {
    const c = await indicesCase();
    const mutated = { ...c, modules: [{ bytes: permuteFunctions(c.modules[0]!.bytes, shuffledOrder(9, 5)) }] };
    const profile = loadProfile('reference');
    expect(judge(c, executeCase(c), profile).verdict).toBe('pass');
    expect(judge(mutated, executeCase(mutated), profile).verdict).toBe('pass');
    expect(compareRuns(c, mutated).same).toBe(true);
  });

  it('a remap that skips the element segments is caught', async () => {
    // Arrange: the right permutation, then the original (unmapped) element section put back
    const c = await indicesCase();
    const bytes = c.modules[0]!.bytes;
    const elements = readSections(bytes).find((s) => s.id === 9)!;
    const broken = replaceSection(permuteFunctions(bytes, shuffledOrder(9, 5)), 9, bytes.subarray(elements.start, elements.end));
    // Act
    const r = compareRuns(c, { ...c, modules: [{ bytes: broken }] });
    // Assert
    expect(r.same).toBe(false);
  });
});
