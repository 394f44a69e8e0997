/**
 * isolation: Lunatic process graphs (instance-semantics.md §4, rows L1–L8, invariant 6 of §7.4;
 * bug-catalog #49/#50). One module; the root process (pid 1, `_start`) spawns 1–7 children
 * (`p1` … `p7`, pids 2 … n in spawn order), some with a spawn link (tag), some under a config of
 * its own (fuel limit, memory limit, no permissions); children link to earlier children with
 * tags, some clear die_when_link_dies, some catch a trap first (`lunatic::trap::catch`, L1).
 *
 * Phases are serialised by messages so the end state does not depend on the interleaving:
 *   setup     every process writes its own signature into its own memory, links, (catches),
 *             sends READY to the root and waits for a go message;
 *   round 1   children that end normally (return, proc_exit(0)) get GO1, send DONE and end;
 *   round 2   failing children get GO2 (trap of any kind, proc_exit(≠0), out of fuel, memory
 *             limit hit, a spawn without permission, a link to a pid that does not exist), the
 *             root kills the `kill` children, then meets its own fate (wait, return, trap, exit).
 * Everything else waits forever (a selective receive on a tag nobody sends), so its mailbox keeps
 * every LinkDied message. The expected end state is the link-algebra closure: the dead set is the
 * closure of the failures over links whose receiver has die_when_link_dies on; a survivor holds
 * one LinkDied(tag) per failed linked peer (the tag of that peer's own entry); normal ends kill
 * nobody; every survivor's memory holds exactly what it wrote itself.
 *
 * The pieces live in isolation/: params (what is drawn), plan (normalised graph), model (the
 * closure), layout (message tags, memory), helpers and module (the guest), expectation.
 */
import fc from 'fast-check';
import type { Case } from '../src/case.ts';
import type { Feature } from '../src/features.ts';
import type { Family, Origin } from './family.ts';
import { caseId, generatorProvenance } from './family.ts';
import { expectedProcesses, rootOutcome } from './isolation/expectation.ts';
import { model } from './isolation/model.ts';
import { isolationModule } from './isolation/module.ts';
import type { ChildParams, IsolationParams } from './isolation/params.ts';
import { FATES, ROOT_FATES, ROOT_TRAPS, ROWS, TRAPS } from './isolation/params.ts';
import { plan } from './isolation/plan.ts';

// these were declared here: their importers keep this path
export type { ChildParams, Fate, IsolationParams, RootFate, TrapName } from './isolation/params.ts';
export { FATES, ROOT_FATES, ROOT_TRAPS, ROWS, TRAPS } from './isolation/params.ts';
export type { ModelProcess } from './isolation/model.ts';
export { model } from './isolation/model.ts';
export { signature } from './isolation/layout.ts';

const NAME = 'isolation';

function build(p: IsolationParams, origin: Origin): Case {
  const pl = plan(p);
  const { n, kids } = pl;
  const usesFuel = kids.some((k) => k.fateName === 'fuel');
  const features: Feature[] = usesFuel ? ['lunatic', 'fuel'] : ['lunatic'];
  const bytes = isolationModule(p, pl);

  const mp = model(pl);
  const processes = expectedProcesses(p, pl, mp);
  const outcome = rootOutcome(pl);
  const tags: Record<string, string> = { processes: String(n), root: pl.rootFate };
  const hit = (row: string): void => {
    tags[row] = 'yes';
  };
  if (p.rootCatches || kids.some((k) => k.catches)) hit('L1');
  if (mp.some((q) => q.cause === 'link-died' && !(q.pid > 1 && kids[q.pid - 2]!.fateName === 'nolink'))) hit('L2');
  if (mp.some((q) => q.alive && q.mailbox.length > 0)) hit('L3');
  if (kids.some((k, j) => (k.fateName === 'return' || k.fateName === 'exit0') && (k.spawnTag !== 0 || pl.links.some((l) => l.a === j || l.b === j)))) hit('L4');
  if (kids.some((k) => k.fateName === 'nolink')) hit('L5');
  if (kids.some((k) => k.fateName === 'kill')) hit('L6');
  if (kids.some((k) => k.fateName === 'perm')) hit('L7');
  if (p.ghost) hit('L8');
  for (const k of kids) if (k.fateName !== 'survive') tags[`fate:${k.fateName}`] = 'yes';
  return {
    id: caseId(NAME, origin),
    family: NAME,
    modules: [{ bytes }],
    features,
    steps: [
      { op: 'instantiate', expect: { outcome: { kind: 'return' } } },
      { op: 'start', expect: { outcome, processes } },
    ],
    provenance: generatorProvenance(isolation, origin, p),
    tags,
  };
}

const nat = (max: number): fc.Arbitrary<number> => fc.noBias(fc.nat({ max }));

const childArbitrary: fc.Arbitrary<ChildParams> = fc.record({
  fate: nat(FATES.length - 1),
  trap: nat(TRAPS.length - 1),
  dies: fc.boolean(),
  spawnTag: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 999 })),
  catches: fc.oneof({ weight: 3, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  catchTrap: nat(TRAPS.length - 1),
  code: nat(0xffff),
});

export const isolationArbitrary: fc.Arbitrary<IsolationParams> = fc.record({
  children: fc.array(childArbitrary, { minLength: 1, maxLength: 7 }),
  links: fc.array(fc.tuple(nat(6), nat(6), nat(998)), { maxLength: 10 }),
  rootFate: nat(ROOT_FATES.length - 1),
  rootTrap: nat(ROOT_TRAPS.length - 1),
  rootCode: nat(0xffff),
  rootCatches: fc.boolean(),
  ghost: fc.oneof({ weight: 3, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
});

export const isolation: Family<IsolationParams> = {
  name: NAME,
  version: 1,
  description:
    'Lunatic process graphs: 2–8 processes with spawn links and links, die_when_link_dies on or off, trap catching; ' +
    'failures (every trap kind, proc_exit≠0, out of fuel, memory limit, kill, permission, link to a missing pid) and normal ends; ' +
    'expected: the link-algebra closure (who dies, which LinkDied messages each survivor holds) and untouched survivor memory.',
  declares: {
    root: [...ROOT_FATES],
    ...Object.fromEntries(ROWS.map((r) => [r, ['yes']])),
  },
  arbitrary: isolationArbitrary,
  build,
};
