/**
 * The scheduler's stack-switching backend (src/runtime/threads/sched/jspi-backend.ts) must give
 * exactly what the Asyncify backend gives: the same observation (outcome, output, schedule string)
 * for the same case and schedule. The test process has no stack switching (vitest runs node with
 * its defaults), so the JSPI side runs in a node started with the reference children's flags
 * (./jspi-child.ts) and the Asyncify side here. Every thread's stack must have unwound when its
 * case is over (nothing left linked), and a backend planted wrong must be seen.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generateCase } from '../../../generators/index.ts';
import { executeCase } from '../../../src/runtime/exec.ts';
import { toPoolCase } from '../../../src/runtime/pool.ts';
import { CHILD_EXEC_ARGV } from '../../../src/runtimes/process-pool.ts';
import { createThreadedProcess } from '../../../src/runtime/threads/process.ts';
import { stackSwitchable } from '../../../src/runtime/threads/sched/jspi-eligible.ts';
import type { StackSwitching } from '../../../src/runtime/threads/sched/stack-switching.ts';
import { loadCaseFile } from '../../../src/conformance/corpus.ts';
import { hasStartSection } from '../../../src/wasm/sections.ts';
import type { ChildSpec } from '../../../src/runtimes/child.ts';
import { driverSpec } from '../../../src/runtimes/engine.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const hasStackSwitching = CHILD_EXEC_ARGV.includes('--experimental-wasm-stack-switching');

interface ChildReport {
  error?: string;
  api: string;
  onStackSwitching: number;
  leaks: string[];
  observations: string[];
}

function jspiRun(family: string, seed: number, count: number, plant?: string): ChildReport {
  const args = [...CHILD_EXEC_ARGV, 'bin/run-ts.js', 'test/runtime/threads/jspi-child.ts', family, String(seed), String(count), ...(plant ? [plant] : [])];
  return JSON.parse(execFileSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', timeout: 60_000 })) as ChildReport;
}

const threads = { create: (c: Parameters<typeof createThreadedProcess>[0]) => createThreadedProcess(c, { post: () => undefined }) };
function asyncifyRun(family: string, seed: number, count: number): string[] {
  return Array.from({ length: count }, (_, i) => JSON.stringify(executeCase(toPoolCase(generateCase(family, seed, i)), { threads })));
}

describe.skipIf(!hasStackSwitching)('scheduler on stack switching (Node 20: --experimental-wasm-stack-switching)', () => {
  it.each([
    ['thread-panic', 40],
    ['thread-race', 25],
  ] as const)('%s: the same observations as Asyncify, every case on stack switching, no thread left linked', (family, count) => {
    const jspi = jspiRun(family, 1, count);
    expect(jspi.error).toBeUndefined();
    expect(jspi.api).toBe('stack-switching-v8-11');
    expect(jspi.onStackSwitching).toBe(count);
    expect(jspi.leaks).toEqual([]);
    expect(jspi.observations).toEqual(asyncifyRun(family, 1, count));
  });

  it.each(['out-of-order', 'quantum'])('a backend planted wrong (%s) is seen', (plant) => {
    const jspi = jspiRun('thread-panic', 1, 20, plant);
    const asyncify = asyncifyRun('thread-panic', 1, 20);
    expect(jspi.onStackSwitching).toBe(20);
    expect(jspi.observations.filter((o, i) => o !== asyncify[i]).length).toBeGreaterThan(0);
  });
});

/**
 * The standard API (`WebAssembly.Suspending` / `promising`, stack-switching.ts's other half) on the
 * engines that have it: the same child script under Deno (V8 15) and Bun (JavaScriptCore), the
 * binaries the `deno` and `bun` runtimes use. JavaScriptCore words its errors its own way (`Maximum
 * call stack size exceeded.`), so under Bun the engine's message texts are left out of the
 * comparison; the trap kinds classified from them are not.
 */
/** How the `deno` / `bun` runtime starts its engine (runtimes/engine.ts), or undefined where it has none. */
function engineSpec(engine: 'deno' | 'bun'): ChildSpec | undefined {
  try {
    return driverSpec(engine);
  } catch {
    return undefined;
  }
}
/** The child script in that engine, started as the runtime starts its driver (the driver file is the spec's last argument). */
function engineRun(spec: ChildSpec, family: string, seed: number, count: number, plant?: string): ChildReport {
  const args = [...spec.args.slice(0, -1), 'test/runtime/threads/jspi-child.ts', family, String(seed), String(count), ...(plant ? [plant] : [])];
  const out = execFileSync(spec.command, args, { cwd: ROOT, encoding: 'utf8', timeout: 120_000, env: spec.env ?? process.env });
  return JSON.parse(out.trim().split('\n').pop()!) as ChildReport;
}
/** An observation (JSON) without the engine's message texts. */
function withoutMessages(observation: string): string {
  const o = JSON.parse(observation) as { steps: Array<{ outcome: { message?: string } }> };
  for (const step of o.steps) delete step.outcome.message;
  return JSON.stringify(o);
}

describe.each(['deno', 'bun'] as const)('scheduler on the standard JSPI API under %s', (engine) => {
  const spec = engineSpec(engine);
  const comparable = (observations: string[]): string[] => (engine === 'bun' ? observations.map(withoutMessages) : observations);

  it.skipIf(!spec).each([
    ['thread-panic', 40],
    ['thread-race', 25],
  ] as const)('%s: the same observations as Asyncify, every case on stack switching, no thread left linked', (family, count) => {
    const jspi = engineRun(spec!, family, 1, count);
    expect(jspi.error).toBeUndefined();
    expect(jspi.api).toBe('jspi');
    expect(jspi.onStackSwitching).toBe(count);
    expect(jspi.leaks).toEqual([]);
    expect(comparable(jspi.observations)).toEqual(comparable(asyncifyRun(family, 1, count)));
  });

  it.skipIf(!spec).each(['out-of-order', 'quantum'])('a backend planted wrong (%s) is seen', (plant) => {
    const jspi = engineRun(spec!, 'thread-panic', 1, 20, plant);
    const asyncify = comparable(asyncifyRun('thread-panic', 1, 20));
    expect(jspi.onStackSwitching).toBe(20);
    expect(comparable(jspi.observations).filter((o, i) => o !== asyncify[i]).length).toBeGreaterThan(0);
  });
});

describe('which cases may run on stack switching', () => {
  const any: StackSwitching = { api: 'jspi', countsLoopHeaders: false, linked: 0, supports: () => true, link: () => { throw new Error('not linked here'); } };
  const none: StackSwitching = { ...any, supports: () => false };
  const c = toPoolCase(generateCase('thread-panic', 1, 0));

  it('a generated thread case: instantiate + start, no start section', () => {
    expect(stackSwitchable(c, any)).toBe(true);
  });
  it('not with an invoke step, a second instantiate, or imports the engine cannot pass', () => {
    expect(stackSwitchable({ ...c, steps: [...c.steps, { op: 'invoke', export: '_start', expect: { outcome: { kind: 'return' } } }] }, any)).toBe(false);
    expect(stackSwitchable({ ...c, steps: [c.steps[0]!, ...c.steps] }, any)).toBe(false);
    expect(stackSwitchable(c, none)).toBe(false);
  });
  it('not with a start section (main\'s would run inside new WebAssembly.Instance)', async () => {
    const start = toPoolCase(await loadCaseFile(`${ROOT}corpus/threads/exit-in-thread-during-start-section.json`));
    expect(start.modules.some((m) => hasStartSection(m.bytes))).toBe(true);
    expect(stackSwitchable(start, any)).toBe(false);
  });
});
