/**
 * The allowed set of a thread-race case, from its program alone: every interleaving of the
 * threads' actions (./program.ts) explored exhaustively, each action one atomic step. A spawned
 * thread moves only after main's spawn of it, an `await` only once its flag is set, a `block`
 * never; a timed `sit` may end at any point (no timing is assumed, so the set is sound for a
 * runtime with real threads and real clocks as much as for a scheduler with one virtual clock).
 * The run ends at the first terminator or main's return; the streams are what was written
 * before it. Every live thread blocked with no end is `deadlock` (no generated program reaches it).
 */
import type { AllowedOutcome, ExpectedOutcome } from '../../src/case.ts';
import type { TrapKind } from '../../src/outcome.ts';
import type { Action, RaceProgram, Terminator } from './program.ts';

export const TRAP_OF: Record<Exclude<Terminator, 'proc_exit'>, TrapKind> = {
  unreachable: 'unreachable',
  'div-zero': 'integer divide by zero',
  oob: 'out of bounds memory access',
};

export function endOutcome(a: Extract<Action, { op: 'end' }>): ExpectedOutcome {
  return a.end === 'proc_exit' ? { kind: 'exit', code: a.code } : { kind: 'trap', trap: TRAP_OF[a.end] };
}

interface State {
  pcs: number[];
  started: boolean[];
  flags: number;
  stdout: string;
  stderr: string;
}

/** More distinct states than any generated program has (a guard against a generator bug, not a limit the cases reach). */
const STATE_LIMIT = 200_000;

export function allowedOutcomes(program: RaceProgram): AllowedOutcome[] {
  const threads = [program.main, ...program.threads];
  const found = new Map<string, AllowedOutcome>();
  const seen = new Set<string>();
  const record = (outcome: ExpectedOutcome, s: State): void => {
    const member: AllowedOutcome = { outcome, stdout: s.stdout, stderr: s.stderr };
    found.set(JSON.stringify(member), member);
  };
  const enabled = (s: State, t: number): Action | undefined => {
    const a = s.started[t] ? threads[t]![s.pcs[t]!] : undefined;
    if (!a || a.op === 'block') return undefined;
    if (a.op === 'await' && (s.flags & (1 << a.flag)) === 0) return undefined;
    return a;
  };
  const stack: State[] = [{ pcs: threads.map(() => 0), started: threads.map((_, t) => t === 0), flags: 0, stdout: '', stderr: '' }];
  while (stack.length) {
    const s = stack.pop()!;
    const key = `${s.pcs.join(',')}|${s.started.map(Number).join('')}|${s.flags}|${s.stdout}|${s.stderr}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (seen.size > STATE_LIMIT) throw new Error(`thread-race model: more than ${STATE_LIMIT} states (a generator bug)`);
    let moved = false;
    for (let t = 0; t < threads.length; t++) {
      const a = enabled(s, t);
      if (!a) continue;
      moved = true;
      if (a.op === 'end') {
        record(endOutcome(a), s);
        continue;
      }
      if (a.op === 'return') {
        record({ kind: 'exit', code: 0 }, s);
        continue;
      }
      const next: State = { ...s, pcs: s.pcs.map((pc, u) => (u === t ? pc + 1 : pc)) };
      if (a.op === 'spawn') next.started = s.started.map((b, u) => b || u === a.thread);
      else if (a.op === 'set') next.flags = s.flags | (1 << a.flag);
      else if (a.op === 'write') next[a.fd === 1 ? 'stdout' : 'stderr'] += a.text;
      stack.push(next);
    }
    if (!moved) record({ kind: 'deadlock' }, s);
  }
  return [...found.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, m]) => m);
}
