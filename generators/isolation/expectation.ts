/**
 * The expectations of an isolation case's `start` step: the root's own outcome and, per process,
 * the end state of the model (./model.ts) plus the memory a survivor must still hold (its own
 * signature and catch result, nothing another process wrote).
 */
import type { Case, ProcessExpectation } from '../../src/case.ts';
import { SIG, signature } from './layout.ts';
import type { ModelProcess } from './model.ts';
import type { IsolationParams } from './params.ts';
import { TRAP_OF } from './params.ts';
import type { Plan } from './plan.ts';

/** Every process's expected end state; `mp` is model(pl). */
export function expectedProcesses(p: IsolationParams, pl: Plan, mp: ModelProcess[]): ProcessExpectation[] {
  const { kids } = pl;
  return mp.map((q) => {
    const e: ProcessExpectation = { pid: q.pid, state: q.alive ? 'alive' : 'dead' };
    if (q.reason) e.reason = q.reason;
    if (q.cause) e.cause = q.cause;
    if (q.trap) e.trap = q.trap;
    if (q.code !== undefined) e.code = q.code;
    if (q.alive) {
      e.mailbox = q.mailbox;
      const catches = q.pid === 1 ? p.rootCatches : kids[q.pid - 2]!.catches;
      e.memory = [{ offset: SIG, hex: signature(q.pid) + (catches ? 'c4a70c0000000000' : '0000000000000000') }];
    }
    return e;
  });
}

/** The root's fate is the step's outcome. */
export function rootOutcome(pl: Plan): NonNullable<Case['steps'][number]['expect']['outcome']> {
  return pl.rootFate === 'wait' ? { kind: 'deadlock' } : pl.rootFate === 'return' ? { kind: 'exit', code: 0 } : pl.rootFate === 'exit' ? { kind: 'exit', code: pl.rootCode } : { kind: 'trap', trap: TRAP_OF[pl.rootTrap] };
}
