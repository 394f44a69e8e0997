/**
 * The thread-panic family's contexts and operands (issue #18): the sites its parameters name, and
 * only they, sit inside contexts; the site is where the terminating instruction is; the drawn
 * operands keep every outcome exact; and cases with contexts at each site pass on the reference
 * runtime's threads.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { threadPanic, threadPanicSites } from '../../generators/thread-panic.ts';
import type { ThreadPanicParams } from '../../generators/thread-panic.ts';
import { exitCodeArbitrary, misalignedAccess, oobAccess, trapOperandsArbitrary } from '../../generators/thread-panic/terminal.ts';
import { contextTags } from '../../generators/contexts/index.ts';
import { drawCase } from '../../src/random.ts';
import type { Case } from '../../src/case.ts';
import { judge } from '../../src/judge.ts';
import { WorkerPool } from '../../src/runtime/pool.ts';
import { loadReferenceProfile } from '../../src/runtimes/reference.ts';
import { Reader } from '../../src/wasm/binary-reader.ts';
import { readLayout } from '../../src/wasm/layout.ts';
import { readSections } from '../../src/wasm/sections.ts';

const PAGE = 65536;
const IMPORTED = 5;

/** Each defined function's code entry, as hex (the code section read directly). */
function codeEntries(bytes: Uint8Array): string[] {
  const code = readSections(bytes).find((x) => x.id === 10)!;
  const r = new Reader(bytes, code.start, code.end);
  const out: string[] = [];
  for (let n = r.u32(); n > 0; n--) {
    const size = r.u32();
    out.push(Buffer.from(bytes.subarray(r.pos, r.pos + size)).toString('hex'));
    r.skip(size);
  }
  return out;
}

const draw = (seed: number, i: number): ThreadPanicParams => drawCase(threadPanic.arbitrary, seed, 'thread-panic', i) as ThreadPanicParams;

describe('thread-panic: contexts sit at the sites the parameters name', () => {
  it('exactly the wrapped sites’ functions change; `_start`, `wasi_thread_start` and the terminating function are where the sites say', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 240; i++) {
      const p = draw(3, i);
      const c = threadPanic.build(p, { seed: 3, path: String(i) });
      const plainCase = threadPanic.build({ ...p, contexts: null }, { seed: 3, path: String(i) });
      const plain = plainCase.modules[0]!.bytes;
      const sites = threadPanicSites(p);
      const layout = readLayout(plain);
      const exported = (name: string): number => layout.exports.get(name)!.index;
      // the name → index mapping, checked against what the bytes say
      expect(sites.main).toBe(exported('_start'));
      if (p.scenario === 'terminate') {
        const site = codeEntries(plain)[sites.site - IMPORTED]!;
        if (plainCase.tags!['terminator'] === 'unreachable') expect(site).toBe('00000b');
        if (plainCase.tags!['terminator'] === 'proc_exit') expect(site.endsWith('1001000b')).toBe(true);
        if (plainCase.tags!['terminator-in'] === 'main') expect(sites.entry).toBe(exported('wasi_thread_start'));
        // a spawned terminator's role is called by the dispatcher
        else expect(codeEntries(plain)[exported('wasi_thread_start') - IMPORTED]).toContain(`10${sites.entry.toString(16).padStart(2, '0')}`);
      } else {
        expect(sites.site).toBe(exported('_start'));
        expect(sites.entry).toBe(exported('wasi_thread_start'));
      }
      const expected = new Set<number>();
      const at = p.contexts?.at;
      // each named function once (main is the site when no thread terminates)
      for (const where of ['site', 'entry', 'main'] as const) if (at === 'all' || at === where) expected.add(sites[where] - IMPORTED);
      const tags: Record<string, string> = p.contexts ? contextTags(p.contexts.context) : {};
      const [a, b] = [codeEntries(c.modules[0]!.bytes), codeEntries(plain)];
      const changed = b.flatMap((entry, k) => (a[k] === entry ? [] : [k]));
      expect(changed.sort()).toEqual([...expected].sort());
      // functions after the module's own are the contexts' identity functions, nothing else
      expect(a.length === b.length).toBe(!Object.keys(tags).some((t) => t === 'ctx:call' || t === 'ctx:call_indirect'));
      for (const [tag, v] of Object.entries(tags)) expect(c.tags![tag], tag).toBe(v);
      expect(Object.keys(c.tags!).filter((t) => t.startsWith('ctx:')).sort()).toEqual(Object.keys(tags).sort());
      seen.add(c.tags!['wrapped']!);
    }
    expect([...seen].sort()).toEqual(['entry', 'main', 'none', 'site', 'site+entry', 'site+entry+main']);
  });
});

describe('thread-panic: operands keep the outcome exact', () => {
  const operands = fc.sample(trapOperandsArbitrary, { seed: 18, numRuns: 3000 });

  it('an oob access always ends past memory, by its address or by a one-page offset', () => {
    for (const o of operands) {
      const { address, bytes, offset } = oobAccess(o);
      expect(address + offset + bytes).toBeGreaterThan(PAGE);
      expect(offset === 0 || (offset === PAGE && address + bytes <= PAGE)).toBe(true);
    }
  });

  it('an unaligned atomic access is misaligned for its width and in bounds (alignment alone decides)', () => {
    for (const o of operands) {
      const { address, bytes } = misalignedAccess(o);
      expect(address % bytes).not.toBe(0);
      expect(address + bytes).toBeLessThanOrEqual(PAGE);
    }
  });

  it('proc_exit expects the raw u32 code the guest passes, edges included', () => {
    const codes = new Set(fc.sample(exitCodeArbitrary, { seed: 18, numRuns: 500 }));
    for (const edge of [0, 1, 126, 255, 256, 0xffffffff]) expect(codes).toContain(edge);
    for (let i = 0; i < 400; i++) {
      const p = draw(4, i);
      const c = threadPanic.build(p, { seed: 4, path: String(i) });
      const outcome = c.steps[1]!.expect.outcome;
      if (outcome?.kind === 'exit' && p.scenario !== 'clean') expect(outcome.code).toBe(p.code >>> 0);
    }
  });
});

describe('thread-panic: cases with contexts pass on the reference runtime', () => {
  const profile = loadReferenceProfile();
  let pool: WorkerPool;
  beforeAll(async () => {
    pool = new WorkerPool({ workers: 2 });
  });
  afterAll(async () => {
    await pool.close();
  });

  it('every wrapped-site combination, every scenario and terminator: 4 cases each pass', async () => {
    const want = new Map<string, number>();
    const cases: Case[] = [];
    for (let i = 0; i < 3000 && cases.length < 72; i++) {
      const c = threadPanic.build(draw(6, i), { seed: 6, path: String(i) });
      const keys = [`wrapped:${c.tags!['wrapped']}`, `scenario:${c.tags!['scenario']}`, `terminator:${c.tags!['terminator']}`];
      if (!keys.some((k) => (want.get(k) ?? 0) < 4)) continue;
      for (const k of keys) want.set(k, (want.get(k) ?? 0) + 1);
      cases.push(c);
    }
    const failures: string[] = [];
    for (const c of cases) {
      const [o] = await pool.run([c]);
      const v = judge(c, o!, profile);
      if (v.verdict !== 'pass') failures.push(`${c.id} ${JSON.stringify(c.tags)}: ${v.reason}`);
    }
    expect(failures).toEqual([]);
    for (const k of ['wrapped:site', 'wrapped:entry', 'wrapped:main', 'wrapped:site+entry+main', 'scenario:deadlock', 'terminator:unaligned']) expect(want.get(k), k).toBeGreaterThanOrEqual(4);
  });
});
