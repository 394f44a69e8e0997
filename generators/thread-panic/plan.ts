/**
 * Who does what in a thread-panic case: the role of main and of every spawned thread, from the
 * scenario. Exactly one terminator in `terminate`; every other thread a bystander that cannot end
 * the process (main never "finishes": that would end it).
 */
import type { Bystander, Terminator, ThreadPanicParams } from './params.ts';
import { BYSTANDERS, DEADLOCK_KINDS, TERMINATORS } from './params.ts';

export interface Plan {
  /** Per spawned thread 1..k: its role. */
  roles: Array<{ kind: 'terminator' } | { kind: Bystander } | { kind: 'clean' } | { kind: 'deadlock'; how: string; target: number }>;
  main: { kind: 'terminator' } | { kind: Bystander } | { kind: 'clean' } | { kind: 'spawn-fail' } | { kind: 'deadlock' };
  terminator: Terminator;
  primary: Bystander;
  bystanders: number;
}

export function plan(p: ThreadPanicParams): Plan {
  const terminator = TERMINATORS[Math.floor(p.combo / BYSTANDERS.length) % TERMINATORS.length]!;
  const primary = BYSTANDERS[p.combo % BYSTANDERS.length]!;
  let k = Math.max(1, Math.min(4, p.threads));
  const other = (i: number): Bystander => BYSTANDERS[p.others[i % Math.max(1, p.others.length)]! % BYSTANDERS.length] ?? 'wait';
  if (p.scenario === 'clean') return { roles: Array.from({ length: k }, () => ({ kind: 'clean' as const })), main: { kind: 'clean' }, terminator, primary, bystanders: 0 };
  if (p.scenario === 'spawn-fail') {
    const l = Math.max(1, Math.min(3, p.limit));
    return { roles: Array.from({ length: l }, () => ({ kind: 'finished' as const })), main: { kind: 'spawn-fail' }, terminator, primary, bystanders: 0 };
  }
  if (p.scenario === 'deadlock') {
    const how = DEADLOCK_KINDS[p.deadlock % DEADLOCK_KINDS.length]!;
    return {
      roles: Array.from({ length: k }, (_, i) => ({ kind: 'deadlock' as const, how, target: (i + 1) % k + 1 })),
      main: { kind: 'deadlock' },
      terminator,
      primary,
      bystanders: 0,
    };
  }
  // terminate: main as terminator, or the last spawned thread; the primary bystander is main
  // when main is a bystander and can play it (main never "finishes": that would end the process)
  if (p.terminatorInMain) {
    const roles = Array.from({ length: k }, (_, i) => ({ kind: i === 0 ? primary : other(i) }));
    return { roles, main: { kind: 'terminator' }, terminator, primary, bystanders: k };
  }
  if (primary === 'finished') k = Math.max(k, 2);
  const roles: Plan['roles'] = [];
  for (let i = 1; i <= k; i++) {
    if (i === k) roles.push({ kind: 'terminator' });
    else if (i === 1 && primary === 'finished') roles.push({ kind: 'finished' });
    else roles.push({ kind: other(i) });
  }
  const mainKind: Bystander = primary === 'finished' ? (other(0) === 'finished' ? 'join' : other(0)) : primary;
  return { roles, main: { kind: mainKind }, terminator, primary, bystanders: k };
}
