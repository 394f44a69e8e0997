/**
 * The parameters of an isolation case (plain JSON data the arbitrary draws) and the names their
 * numbers select: trap kinds, child and root fates, the instance-semantics rows a case can hit.
 */
import type { TrapKind } from '../../src/outcome.ts';

export const TRAPS = ['unreachable', 'div-zero', 'overflow', 'conversion', 'oob', 'stack'] as const;
export type TrapName = (typeof TRAPS)[number];
/** The root's own trap is its step outcome: only kinds V8 names precisely (it folds conversion into overflow). */
export const ROOT_TRAPS = ['unreachable', 'div-zero', 'overflow', 'oob', 'stack'] as const satisfies readonly TrapName[];
export const TRAP_OF: Record<TrapName, TrapKind> = {
  unreachable: 'unreachable',
  'div-zero': 'integer divide by zero',
  overflow: 'integer overflow',
  conversion: 'invalid conversion to integer',
  oob: 'out of bounds memory access',
  stack: 'call stack exhausted',
};
/** What a child does after setup. */
export const FATES = ['survive', 'return', 'exit0', 'trap', 'exit', 'fuel', 'memory', 'kill', 'nolink', 'perm'] as const;
export type Fate = (typeof FATES)[number];
export const ROOT_FATES = ['wait', 'return', 'trap', 'exit'] as const;
export type RootFate = (typeof ROOT_FATES)[number];
export const ROWS = ['L1', 'L2', 'L3', 'L4', 'L5', 'L6', 'L7', 'L8'] as const;

export interface ChildParams {
  fate: number;
  trap: number;
  /** die_when_link_dies stays on (default) or is cleared. */
  dies: boolean;
  /** Spawn link with the root: 0 = none, else the tag (1..999). */
  spawnTag: number;
  /** Catch a trap (of kind `catchTrap`) during setup. */
  catches: boolean;
  catchTrap: number;
  code: number;
}
export interface IsolationParams {
  children: ChildParams[];
  /** Links between children: [a, b, tag] with a, b indices into children (a links to b; a > b after normalising). */
  links: Array<[number, number, number]>;
  rootFate: number;
  rootTrap: number;
  rootCode: number;
  rootCatches: boolean;
  /** L8: the root also spawns under a config whose memory limit is below the module's initial memory. */
  ghost: boolean;
}
