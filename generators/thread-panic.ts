/**
 * thread-panic: wasi-threads processes where exactly one thread ends everything (bug-catalog
 * #23–#29, wasi-and-exit-codes.md §2.3/§6). A main thread and 1–4 spawned threads; exactly one
 * *terminator* (a trap of a core kind, or `proc_exit(code)`) in main or in a spawned thread; every
 * other thread is a *bystander*: blocked in an infinite atomic wait, joining the terminator,
 * busy in a bounded loop, sleeping (poll_oneoff clock), blocked reading a stdin that never
 * closes, or already finished. Main never returns while the terminator is pending, so the
 * expected outcome is exactly the terminator's.
 *
 * Ordering that matters is serialised in the guest, never by sleeping: every bystander bumps
 * the PARK word (atomic add + notify) before it parks, and the terminator waits (infinite
 * atomic wait) until PARK counts all of them, then runs a bounded amount of work, optionally
 * writes a line, and terminates from a random call depth.
 *
 * Also generated: clean runs (every thread joined, main returns → exit 0), spawn failures (past
 * the case's thread limit `thread-spawn` returns a negative error the guest handles) and genuine
 * deadlocks (every thread blocked forever → `deadlock`). Trap kinds are limited to those V8 names
 * precisely (no "imprecise" verdicts): the terminator kinds below.
 *
 * Issue #18: in about seven cases in eight one transparent context (generators/contexts/) wraps
 * the function holding the terminating instruction, the terminator's thread entry, main's
 * `_start`, or all three (thread-panic/wrap.ts says why that cannot reorder threads); the
 * terminating instruction's operands and the exit code come from interesting-value dictionaries
 * (thread-panic/terminal.ts). Tags: `wrapped` (which sites), `ctx:*`, `value:*`, `width`, `div-op`.
 */
import fc from 'fast-check';
import type { Case, Step } from '../src/case.ts';
import type { Feature } from '../src/features.ts';
import { CONTEXT_DECLARES, contextArbitrary } from './contexts/index.ts';
import type { Family, Origin } from './family.ts';
import { caseId, generatorProvenance } from './family.ts';
import type { ThreadModule } from './thread-panic/module.ts';
import { FEATURES, MEM_NAME_COUNT, terminatorIndex, terminatorLine, threadModule } from './thread-panic/module.ts';
import type { ThreadContexts, ThreadPanicParams } from './thread-panic/params.ts';
import { BYSTANDERS, COMBOS, DEADLOCK_KINDS, SCENARIOS, TERMINATORS } from './thread-panic/params.ts';
import type { Plan } from './thread-panic/plan.ts';
import { plan } from './thread-panic/plan.ts';
import { exitCodeArbitrary, exitCodeClass, TERMINAL_DECLARES, terminalTags, TRAP_OF, trapOperandsArbitrary } from './thread-panic/terminal.ts';
import type { Sites } from './thread-panic/wrap.ts';
import { WRAPPED, wrapSites } from './thread-panic/wrap.ts';

export type { Bystander, Scenario, Terminator, ThreadPanicParams } from './thread-panic/params.ts';
export { BYSTANDERS, COMBOS, DEADLOCK_KINDS, SCENARIOS, TERMINATORS } from './thread-panic/params.ts';

const NAME = 'thread-panic';

/** Where the sites are in `module` (see ThreadContexts). */
function sitesIn(p: ThreadPanicParams, pl: Plan, module: ThreadModule): Sites {
  // without a terminator, the outcome is decided in main (the clean join, the spawn past the limit, the deadlocked wait)
  const terminates = p.scenario === 'terminate';
  const termIdx = terminatorIndex(pl);
  return {
    site: terminates ? module.at(`term${p.depth % 4}`) : module.at('_start'),
    entry: terminates && termIdx > 0 ? module.at(`role${termIdx}`) : module.at('wasi_thread_start'),
    main: module.at('_start'),
  };
}

/** The function indices of the sites in the module `p` builds (contexts only append functions, so they stay). */
export function threadPanicSites(p: ThreadPanicParams): Sites {
  const pl = plan(p);
  return sitesIn(p, pl, threadModule(p, pl));
}

function build(p: ThreadPanicParams, origin: Origin): Case {
  const pl = plan(p);
  const k = pl.roles.length;
  const code = p.code >>> 0;
  const depth = p.depth % 4;
  const usesStdin = pl.main.kind === 'stdin' || pl.roles.some((r) => r.kind === 'stdin' || (r.kind === 'deadlock' && r.how === 'stdin'));
  const module = threadModule(p, pl);
  const wrapped = wrapSites(module.bytes, sitesIn(p, pl, module), p.contexts);
  const bytes = wrapped.bytes;
  const features: Feature[] = [...FEATURES, ...wrapped.features];

  let outcome: Step['expect']['outcome'];
  let stdout = '';
  let stderr = '';
  switch (p.scenario) {
    case 'terminate':
      outcome = pl.terminator === 'proc_exit' ? { kind: 'exit', code } : { kind: 'trap', trap: TRAP_OF[pl.terminator] };
      if (p.write > 0) (p.write % 2 ? (s: string) => (stderr = s) : (s: string) => (stdout = s))(terminatorLine(pl));
      break;
    case 'clean':
      outcome = { kind: 'exit', code: 0 };
      stdout = 'joined\n';
      break;
    case 'spawn-fail':
      outcome = { kind: 'exit', code };
      stdout = 'spawn failed\n';
      break;
    case 'deadlock':
      outcome = { kind: 'deadlock' };
      break;
  }
  const tags: Record<string, string> = { scenario: p.scenario, threads: String(k), wrapped: wrapped.wrapped, ...wrapped.tags };
  if (p.scenario === 'terminate') {
    tags['combo'] = `${pl.terminator}×${pl.primary}`;
    tags['terminator'] = pl.terminator;
    tags['bystander'] = pl.primary;
    tags['terminator-in'] = pl.main.kind === 'terminator' ? 'main' : 'thread';
    tags['depth'] = String(depth);
    Object.assign(tags, terminalTags(pl.terminator, p.operands, code));
  }
  if (p.scenario === 'spawn-fail') tags['value:exit-code'] = exitCodeClass(code);
  if (p.scenario === 'deadlock') tags['deadlock'] = DEADLOCK_KINDS[p.deadlock % DEADLOCK_KINDS.length]!;
  const c: Case = {
    id: caseId(NAME, origin),
    family: NAME,
    modules: [{ bytes }],
    features,
    steps: [
      { op: 'instantiate', expect: { outcome: { kind: 'return' } } },
      { op: 'start', expect: { outcome: outcome!, stdout, stderr } },
    ],
    provenance: generatorProvenance(threadPanic, origin, p),
    tags,
  };
  const wasi: NonNullable<Case['wasi']> = {};
  if (usesStdin) wasi.stdinOpen = true;
  if (p.scenario === 'spawn-fail') wasi.threadLimit = pl.roles.length;
  if (Object.keys(wasi).length) c.wasi = wasi;
  return c;
}

const nat = (max: number): fc.Arbitrary<number> => fc.noBias(fc.nat({ max }));
// One context per case, depth 3: drawing a context and wrapping a function (a rewrite of the whole
// module) are most of a case's generation cost; depth 4 draws cost about 4× more.
const threadContexts: fc.Arbitrary<ThreadContexts> = fc.record({
  at: fc.oneof(
    { weight: 8, arbitrary: fc.constant('site' as const) },
    { weight: 2, arbitrary: fc.constant('entry' as const) },
    { weight: 2, arbitrary: fc.constant('main' as const) },
    { weight: 1, arbitrary: fc.constant('all' as const) },
  ),
  context: contextArbitrary({ maxDepth: 3 }),
});

export const threadPanicArbitrary: fc.Arbitrary<ThreadPanicParams> = fc.record({
  scenario: fc.oneof(
    { weight: 16, arbitrary: fc.constant('terminate' as const) },
    { weight: 1, arbitrary: fc.constant('clean' as const) },
    { weight: 1, arbitrary: fc.constant('spawn-fail' as const) },
    { weight: 2, arbitrary: fc.constant('deadlock' as const) },
  ),
  combo: nat(COMBOS.length - 1),
  threads: fc.integer({ min: 1, max: 4 }),
  terminatorInMain: fc.boolean(),
  others: fc.array(nat(BYSTANDERS.length - 1), { minLength: 1, maxLength: 4 }),
  code: exitCodeArbitrary,
  operands: trapOperandsArbitrary,
  work: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 5000 })),
  depth: nat(3),
  write: nat(3),
  memName: nat(MEM_NAME_COUNT - 1),
  busy: fc.integer({ min: 1, max: 20000 }),
  limit: fc.integer({ min: 1, max: 3 }),
  deadlock: nat(DEADLOCK_KINDS.length - 1),
  contexts: fc.oneof({ weight: 1, arbitrary: fc.constant(null) }, { weight: 7, arbitrary: threadContexts }),
});

export const threadPanic: Family<ThreadPanicParams> = {
  name: NAME,
  // 2: the shared memory is exported as `memory` (the WASI ABI)
  // 3: sites inside transparent contexts; interesting trap operands and exit codes
  // 4: contexts drawn by generators/contexts/draw.ts (same shapes, other draws for a seed)
  version: 4,
  description:
    'wasi-threads processes: one terminator (a trap or proc_exit) in main or a spawned thread while the others wait, join, ' +
    'spin, sleep, block on stdin or have finished; plus clean joins (exit 0), spawn failures past the thread limit and deadlocks. ' +
    'Sites inside transparent contexts; edge-value trap operands and exit codes.',
  declares: {
    scenario: [...SCENARIOS],
    combo: [...COMBOS],
    terminator: [...TERMINATORS],
    bystander: [...BYSTANDERS],
    'terminator-in': ['main', 'thread'],
    deadlock: [...DEADLOCK_KINDS],
    wrapped: WRAPPED,
    ...TERMINAL_DECLARES,
    ...CONTEXT_DECLARES,
  },
  arbitrary: threadPanicArbitrary,
  build,
};
