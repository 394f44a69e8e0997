/**
 * The expected end state of an isolation case: the link-algebra closure (instance-semantics.md
 * §7.4, invariant 6) computed from the plan alone, independently of the module that enacts it:
 * who dies of what, which LinkDied messages every survivor holds.
 */
import type { MailboxMessage, ProcessCause } from '../../src/case.ts';
import type { TrapKind } from '../../src/outcome.ts';
import type { Fate } from './params.ts';
import { TRAP_OF } from './params.ts';
import type { Plan } from './plan.ts';

/** The link-algebra closure: what every process must look like at the end. Exported for the property test. */
export interface ModelProcess {
  pid: number;
  alive: boolean;
  reason?: 'normal' | 'failure';
  cause?: ProcessCause;
  trap?: TrapKind;
  code?: number;
  mailbox: MailboxMessage[];
}

export function model(pl: Plan): ModelProcess[] {
  const n = pl.n;
  const flag = (i: number): boolean => (i === 0 ? false : pl.kids[i - 1]!.dies);
  // links[i] : Map<peer, tag of i's own entry for peer>
  const links = Array.from({ length: n }, () => new Map<number, bigint>());
  pl.kids.forEach((k, j) => {
    if (k.spawnTag) {
      links[j + 1]!.set(0, BigInt(k.spawnTag));
      links[0]!.set(j + 1, 0n);
    }
  });
  for (const { a, b, tag } of pl.links) {
    links[a + 1]!.set(b + 1, BigInt(tag));
    links[b + 1]!.set(a + 1, BigInt(tag));
  }
  const out: ModelProcess[] = Array.from({ length: n }, (_, i) => ({ pid: i + 1, alive: true, mailbox: [] }));
  const fateOf = (i: number): Fate => pl.kids[i - 1]!.fateName;
  // round 1: normal ends remove their links
  for (let i = 1; i < n; i++) {
    const f = fateOf(i);
    if (f !== 'return' && f !== 'exit0') continue;
    out[i] = { pid: i + 1, alive: false, reason: 'normal', cause: f === 'return' ? 'return' : 'exit', ...(f === 'exit0' ? { code: 0 } : {}), mailbox: [] };
    for (const peer of links[i]!.keys()) links[peer]!.delete(i);
    links[i]!.clear();
  }
  // round 2: the seeds, with the cause they die of when nothing reaches them first
  const seeds = new Map<number, { cause: ProcessCause; trap?: TrapKind; code?: number }>();
  for (let i = 1; i < n; i++) {
    const k = pl.kids[i - 1]!;
    switch (k.fateName) {
      case 'trap':
        seeds.set(i, { cause: 'trap', trap: TRAP_OF[k.trapName] });
        break;
      case 'exit':
        seeds.set(i, { cause: 'exit', code: k.code });
        break;
      case 'fuel':
        seeds.set(i, { cause: 'out-of-fuel', trap: 'out of fuel' });
        break;
      case 'memory':
        seeds.set(i, { cause: 'trap', trap: 'unreachable' });
        break;
      case 'kill':
        seeds.set(i, { cause: 'killed' });
        break;
      case 'perm':
        seeds.set(i, { cause: 'host-error' });
        break;
      case 'nolink':
        if (k.dies) seeds.set(i, { cause: 'link-died' });
        else out[i]!.mailbox.push({ kind: 'link-died', tag: String(1 + (k.code % 999)) });
        break;
      default:
        break;
    }
  }
  if (pl.rootFate === 'trap') seeds.set(0, { cause: 'trap', trap: TRAP_OF[pl.rootTrap] });
  if (pl.rootFate === 'exit') seeds.set(0, { cause: 'exit', code: pl.rootCode });
  // closure over links whose receiver has the flag on
  const dead = new Set<number>(seeds.keys());
  const queue = [...seeds.keys()];
  while (queue.length) {
    const d = queue.shift()!;
    for (const peer of links[d]!.keys()) if (flag(peer) && !dead.has(peer) && out[peer]!.alive) {
      dead.add(peer);
      queue.push(peer);
    }
  }
  for (const d of dead) {
    const seed = seeds.get(d);
    // a seed whose flag is on and that has a failed linked peer may die of that link first
    const ambiguous = seed !== undefined && flag(d) && [...links[d]!.keys()].some((q) => dead.has(q));
    const o: ModelProcess = { pid: d + 1, alive: false, reason: 'failure', mailbox: [] };
    if (!seed) o.cause = 'link-died';
    else if (!ambiguous) {
      o.cause = seed.cause;
      if (seed.trap) o.trap = seed.trap;
      if (seed.code !== undefined) o.code = seed.code;
    }
    out[d] = o;
  }
  // survivors: one LinkDied(tag of the dead peer's own entry) per failed linked peer
  for (let i = 0; i < n; i++) {
    if (!out[i]!.alive) continue;
    for (const peer of links[i]!.keys()) if (dead.has(peer)) out[i]!.mailbox.push({ kind: 'link-died', tag: String(links[peer]!.get(i) ?? 0n) });
  }
  if (pl.rootFate === 'return') out[0] = { pid: 1, alive: false, reason: 'normal', cause: 'return', mailbox: [] };
  return out;
}
