/**
 * Module reuse (src/wasm/module-reuse.ts): a module built in a reused binaryen module, after any
 * other modules, has exactly the bytes of one built in a fresh binaryen module; what emptying
 * cannot undo (a memory a build does not replace, a start function, tags, custom sections, a
 * failed build) takes the rebuild / clear / discard path instead of leaking into the next build.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FAMILY_NAMES, generateCase } from '../../generators/index.ts';
import { binaryen, buildModule, discardReusedModule, emitUnoptimised, moduleReuseStats } from '../../src/wasm/builder.ts';
import type { BModule } from '../../src/wasm/builder.ts';
import { CARRIED_MEMORY, ModuleReuse, buildFresh } from '../../src/wasm/module-reuse.ts';

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const emit = (m: BModule): Uint8Array => {
  expect(m.validate()).toBe(1);
  return emitUnoptimised(m);
};
const statsNow = (): Record<string, number> => ({ ...moduleReuseStats() });

/** The section ids of a module, in order. */
function sectionIds(bytes: Uint8Array): number[] {
  const ids: number[] = [];
  let at = 8;
  while (at < bytes.length) {
    ids.push(bytes[at++]!);
    let size = 0;
    for (let shift = 0; ; shift += 7) {
      const b = bytes[at++]!;
      size |= (b & 0x7f) << shift;
      if (b < 0x80) break;
    }
    at += size;
  }
  return ids;
}
/** binaryen.js 132 has getNumDataSegments, its typings do not. */
const dataSegments = (m: BModule): number => (m as unknown as { getNumDataSegments(): number }).getNumDataSegments();
const freshFeatures = (): number => {
  const m = new binaryen.Module();
  try {
    return m.getFeatures();
  } finally {
    m.dispose();
  }
};

describe('generated modules in a reused binaryen module', () => {
  it.each(FAMILY_NAMES)('%s: every case after other families’ cases has the bytes of a fresh build', (family) => {
    // the thread's reused module outlives a test file (vitest `isolate: false`): count from here
    const rebuiltBefore = moduleReuseStats().rebuilt;
    for (let i = 0; i < 12; i++) {
      discardReusedModule();
      const before = statsNow();
      const fresh = sha(generateCase(family, 3, i).modules[0]!.bytes);
      expect(moduleReuseStats().created).toBe(before.created! + 1);
      // Dirty the module with cases of every family (memories, tables, start functions, imports …).
      for (const other of FAMILY_NAMES) generateCase(other, 5, i * 7 + 1);
      const mid = statsNow();
      const reused = sha(generateCase(family, 3, i).modules[0]!.bytes);
      expect(reused, `${family}/3/${i}`).toBe(fresh);
      expect(moduleReuseStats().reused).toBe(mid.reused! + 1);
      expect(moduleReuseStats().created).toBe(mid.created);
    }
    // Every build replaced the carried memory: none was run twice (buildModule's define contract).
    expect(moduleReuseStats().rebuilt).toBe(rebuiltBefore);
  });
});

/** A module with a memory, data segments (one offset reads an imported global), a table, a start function and exports. */
function busyModule(m: BModule): void {
  m.setFeatures(binaryen.Features.All);
  m.addGlobalImport('base', 'env', 'base', binaryen.i32, false);
  m.setMemory(2, 3, 'mem', [
    { data: new Uint8Array([1, 2, 3]), passive: false, offset: m.i32.const(8) },
    { data: new Uint8Array([4]), passive: true, offset: 0 },
    { data: new Uint8Array([5]), passive: false, offset: m.global.get('base', binaryen.i32) },
  ]);
  m.addGlobal('counter', binaryen.i32, true, m.i32.const(0));
  m.addFunction('entry', binaryen.none, binaryen.none, [], m.global.set('counter', m.i32.load(0, 4, m.i32.const(8))));
  m.addFunction('id', binaryen.none, binaryen.i32, [], m.i32.const(1));
  m.addTable('t', 1, 1);
  m.addActiveElementSegment('t', 'e', ['id'], m.i32.const(0));
  m.setStart(m.getFunction('entry'));
  m.addFunctionExport('id', 'id');
  m.addGlobalExport('counter', 'counter');
}

/** No memory, no start; a function named like the previous start function. */
function plainModule(m: BModule): void {
  m.addFunction('entry', binaryen.none, binaryen.i32, [], m.i32.const(42));
  m.addFunctionExport('entry', 'run');
}

function withMemory(m: BModule): void {
  m.setMemory(1, 1, 'memory', [{ data: new Uint8Array([9]), passive: false, offset: m.i32.const(0) }]);
  m.addFunction('entry', binaryen.none, binaryen.i32, [], m.i32.load8_u(0, 1, m.i32.const(0)));
  m.addFunctionExport('entry', 'run');
}

describe('ModuleReuse', () => {
  it('starts every build on an empty module: at most the carried memory, with no data segment', () => {
    const reuse = new ModuleReuse();
    reuse.build(busyModule, emit);
    reuse.build((m) => {
      expect(m.getFeatures()).toBe(freshFeatures());
      expect([m.getNumFunctions(), m.getNumExports(), m.getNumGlobals(), m.getNumTables(), m.getNumElementSegments(), dataSegments(m)]).toEqual([0, 0, 0, 0, 0, 0]);
      expect(m.getStart()).toBe(0);
      expect(m.hasMemory()).toBe(true);
      expect(m.getMemoryInfo(CARRIED_MEMORY)).toMatchObject({ initial: 0, max: 0 });
      withMemory(m);
    }, emit);
    expect(reuse.stats).toMatchObject({ created: 1, reused: 1, rebuilt: 0, discarded: 0 });
  });

  it('a build that replaces the carried memory has the bytes of a fresh build', () => {
    const reuse = new ModuleReuse();
    reuse.build(busyModule, emit);
    expect(sha(reuse.build(withMemory, emit))).toBe(sha(buildFresh(withMemory, emit)));
    expect(reuse.stats.rebuilt).toBe(0);
  });

  it('a build that leaves the carried memory in place is rebuilt on a fresh module (no memory leaks into it)', () => {
    const reuse = new ModuleReuse();
    reuse.build(withMemory, emit);
    const bytes = reuse.build(plainModule, emit);
    expect(reuse.stats.rebuilt).toBe(1);
    expect(sha(bytes)).toBe(sha(buildFresh(plainModule, emit)));
    expect(sectionIds(bytes)).toEqual([1, 3, 7, 10]); // type, function, export, code: no memory (5), no data (11)
    // The module stays in use, without the carried memory: the next build like it is not rebuilt.
    expect(reuse.stats).toMatchObject({ created: 1, discarded: 0 });
    reuse.build((m) => {
      expect(m.hasMemory()).toBe(false);
      plainModule(m);
    }, emit);
    expect(reuse.stats).toMatchObject({ created: 1, reused: 2, rebuilt: 1 });
    // A build with a memory after it is as fresh.
    expect(sha(reuse.build(withMemory, emit))).toBe(sha(buildFresh(withMemory, emit)));
  });

  it('a build that only imports a memory is rebuilt too (no carried memory beside the import)', () => {
    const reuse = new ModuleReuse();
    reuse.build(withMemory, emit);
    const imported = (m: BModule): void => {
      m.addMemoryImport('0', 'env', 'memory', false);
      plainModule(m);
    };
    const bytes = reuse.build(imported, emit);
    expect(reuse.stats.rebuilt).toBe(1);
    expect(sha(bytes)).toBe(sha(buildFresh(imported, emit)));
  });

  it('a load built before setMemory is invalid in a reused module, as in a fresh one (it names no memory of the module)', () => {
    const early = (m: BModule): void => {
      const load = m.i32.load(0, 4, m.i32.const(0));
      m.setMemory(1, 1, 'memory', []);
      m.addFunction('f', binaryen.none, binaryen.i32, [], load);
    };
    const validates = (m: BModule): number => m.validate();
    const reuse = new ModuleReuse();
    reuse.build(withMemory, emit);
    expect(buildFresh(early, validates)).toBe(0);
    expect(reuse.build(early, validates)).toBe(0);
  });

  it('clears the start function: a later module with a function of the same name has no start section', () => {
    const reuse = new ModuleReuse();
    reuse.build(busyModule, emit);
    const bytes = reuse.build(plainModule, emit);
    expect(sha(bytes)).toBe(sha(buildFresh(plainModule, emit)));
    expect(sectionIds(bytes)).not.toContain(8); // the start section
    expect(sectionIds(reuse.build(busyModule, emit))).toContain(8);
    expect(reuse.stats).toMatchObject({ created: 1, reused: 2, discarded: 0 });
  });

  it('discards a module given something it cannot remove (tag, custom section), and a failed build', () => {
    const reuse = new ModuleReuse();
    reuse.build((m) => {
      plainModule(m);
      m.setFeatures(binaryen.Features.All);
      m.addTag('oops', binaryen.none, binaryen.none);
    }, emit);
    expect(reuse.stats).toMatchObject({ created: 1, discarded: 1 });
    reuse.build((m) => {
      plainModule(m);
      m.addCustomSection('note', new Uint8Array([1]));
    }, emit);
    expect(reuse.stats).toMatchObject({ created: 2, discarded: 2 });
    expect(() => reuse.build(plainModule, () => { throw new Error('emit failed'); })).toThrow('emit failed');
    expect(reuse.stats).toMatchObject({ created: 3, discarded: 3 });
    expect(() => reuse.build(() => { throw new Error('define failed'); }, emit)).toThrow('define failed');
    expect(reuse.stats).toMatchObject({ created: 4, discarded: 4 });
    // Each next build starts on a fresh module and has fresh bytes (no tag, no custom section).
    expect(sha(reuse.build(plainModule, emit))).toBe(sha(buildFresh(plainModule, emit)));
    expect(reuse.stats).toMatchObject({ created: 5, discarded: 4, reused: 0 });
  });

  it('recycles the module after the configured number of builds', () => {
    const reuse = new ModuleReuse(3);
    for (let i = 0; i < 7; i++) reuse.build(withMemory, emit);
    expect(reuse.stats).toMatchObject({ created: 3, recycled: 2, reused: 4, discarded: 0 });
  });
});

describe('buildModule', () => {
  it('rejects an invalid module, and the next build is unaffected', () => {
    expect(() => buildModule('test-gen', [], (m) => m.addFunction('f', binaryen.none, binaryen.i32, [], m.i64.const(1 as unknown as number)))).toThrow(
      /generator test-gen: binaryen rejected the module/,
    );
    const after = buildModule('test-gen', [], plainModule);
    expect(sha(after)).toBe(sha(buildFresh(plainModule, emit)));
  });
});
