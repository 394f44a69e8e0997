/**
 * thread-race: wasi-threads processes whose end depends on how the threads interleave (issue #13
 * §5): two terminators with different outcomes, a trap racing a notify that lets another thread
 * exit, an exit while another thread sits in poll_oneoff / fd_read / `memory.atomic.wait` (with
 * and without a timeout), and main returning while spawned threads still write.
 *
 * Unlike thread-panic, nothing serialises the decisive actions: the start step states the set of
 * allowed ends (`Expectation.anyOf`: outcome plus exact stdout and stderr), computed by the
 * family's own model of every interleaving of the program (thread-race/model.ts), never by
 * running the case. Any runtime, with real threads or a scheduler, must land in that set.
 */
import fc from 'fast-check';
import type { Case } from '../src/case.ts';
import type { Family, Origin } from './family.ts';
import { caseId, generatorProvenance } from './family.ts';
import { allowedOutcomes } from './thread-race/model.ts';
import { FEATURES, raceModule } from './thread-race/module.ts';
import type { Action, RaceProgram } from './thread-race/program.ts';
import { assign } from './thread-race/program.ts';
import type { ThreadRaceParams } from './thread-race/scenarios.ts';
import { distinctEnds, mainRole, RACES, roles, SITTERS, SLEEP_NAMES, sitterOf, TERMINATORS, TIMED_SITTERS, WAKES } from './thread-race/scenarios.ts';

export type { ThreadRaceParams } from './thread-race/scenarios.ts';
export { allowedOutcomes } from './thread-race/model.ts';

const NAME = 'thread-race';

/** The role names main can play, per race (by role index), for the `main-plays` tag. */
const ROLE_NAMES: Record<ThreadRaceParams['race'], readonly string[]> = {
  'two-terminators': ['terminator', 'terminator'],
  'trap-vs-notify': ['waiter', 'notifier', 'trapper'],
  'exit-vs-sitter': ['sitter', 'terminator'],
  'main-returns': [],
};
const MAIN_PLAYS = ['terminator', 'waiter', 'notifier', 'trapper', 'sitter', 'returner', 'spawner', 'spawner-returns'] as const;
const ALLOWED_SIZES = ['1', '2', '3-4', '5+'] as const;
const WRITES = ['none', 'stdout', 'stderr', 'both'] as const;

export function raceProgram(p: ThreadRaceParams): RaceProgram {
  const rs = roles(p);
  return assign(rs, mainRole(p, rs.length), p.mainTail);
}

function sizeClass(n: number): string {
  return n === 1 ? '1' : n === 2 ? '2' : n <= 4 ? '3-4' : '5+';
}

function tagsOf(p: ThreadRaceParams, program: RaceProgram, allowed: number): Record<string, string> {
  const rs = roles(p);
  const playing = mainRole(p, rs.length);
  const all: Action[] = [program.main, ...program.threads].flat();
  const fds = new Set(all.flatMap((a) => (a.op === 'write' ? [a.fd] : [])));
  const tags: Record<string, string> = {
    race: p.race,
    'main-plays': p.race === 'main-returns' ? 'returner' : playing < rs.length ? ROLE_NAMES[p.race][playing]! : p.mainTail === 'return' ? 'spawner-returns' : 'spawner',
    threads: String(program.threads.length + 1),
    writes: fds.size === 2 ? 'both' : fds.has(1) ? 'stdout' : fds.has(2) ? 'stderr' : 'none',
    allowed: sizeClass(allowed),
  };
  if (p.race === 'main-returns') return tags;
  const [a, b] = distinctEnds(p);
  tags['terminator'] = a.end;
  if (p.race === 'two-terminators') {
    tags['ends'] = [a, b].map((e) => (e.end === 'proc_exit' ? 'exit' : 'trap')).sort().join('+');
    tags['barrier'] = p.barrier ? 'yes' : 'no';
  }
  if (p.race === 'exit-vs-sitter') {
    const how = sitterOf(p);
    tags['sitter'] = how;
    tags['timed'] = TIMED_SITTERS.includes(how) ? 'timed' : 'untimed';
    if (TIMED_SITTERS.includes(how)) {
      tags['wake'] = WAKES[p.wake % WAKES.length]!;
      tags['sleep'] = SLEEP_NAMES[p.sleep % SLEEP_NAMES.length]!;
    }
  }
  return tags;
}

function build(p: ThreadRaceParams, origin: Origin): Case {
  const program = raceProgram(p);
  const anyOf = allowedOutcomes(program);
  const c: Case = {
    id: caseId(NAME, origin),
    family: NAME,
    modules: [{ bytes: raceModule(program) }],
    features: [...FEATURES],
    steps: [
      { op: 'instantiate', expect: { outcome: { kind: 'return' } } },
      { op: 'start', expect: { anyOf } },
    ],
    provenance: generatorProvenance(threadRace, origin, p),
    tags: tagsOf(p, program, anyOf.length),
  };
  if (program.readsStdin) c.wasi = { stdinOpen: true };
  return c;
}

const nat = (max: number): fc.Arbitrary<number> => fc.noBias(fc.nat({ max }));

export const threadRaceArbitrary: fc.Arbitrary<ThreadRaceParams> = fc.record({
  race: fc.noBias(fc.constantFrom(...RACES)),
  ends: fc.tuple(nat(TERMINATORS.length - 1), nat(TERMINATORS.length - 1)),
  codes: fc.tuple(fc.integer({ min: 1, max: 125 }), fc.integer({ min: 1, max: 125 })),
  writes: fc.array(nat(2), { minLength: 3, maxLength: 3 }),
  mainPlays: nat(3),
  mainTail: fc.noBias(fc.constantFrom('block' as const, 'return' as const)),
  barrier: fc.boolean(),
  sitter: nat(SITTERS.length - 1),
  wake: nat(WAKES.length - 1),
  sleep: nat(SLEEP_NAMES.length - 1),
  lines: fc.array(nat(1), { minLength: 1, maxLength: 2 }),
  mainAwaits: fc.boolean(),
});

export const threadRace: Family<ThreadRaceParams> = {
  name: NAME,
  version: 1,
  description:
    'wasi-threads races: two terminators with different outcomes, a trap racing a notify, an exit while another thread sits in ' +
    'poll_oneoff, fd_read or atomic.wait (timed or not), main returning while threads write; each case states the set of ends ' +
    'its model of every interleaving allows.',
  declares: {
    race: [...RACES],
    'main-plays': [...MAIN_PLAYS],
    threads: ['2', '3', '4'],
    writes: [...WRITES],
    allowed: [...ALLOWED_SIZES],
    terminator: [...TERMINATORS],
    ends: ['exit+exit', 'exit+trap', 'trap+trap'],
    barrier: ['yes', 'no'],
    sitter: [...SITTERS],
    timed: ['timed', 'untimed'],
    wake: [...WAKES],
    sleep: [...SLEEP_NAMES],
  },
  arbitrary: threadRaceArbitrary,
  build,
};
