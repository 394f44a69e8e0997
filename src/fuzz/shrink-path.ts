/**
 * Shrink paths (fast-check's own mechanics, DESIGN §6). Case i of family F under run seed S is
 * the first value fast-check draws with seed `caseSeed(S, F, i)` (src/random.ts): `fc.check`
 * with that seed and `numRuns: 1` draws exactly the value `drawCase` draws. A failure found by
 * `fc.check` is reported as a path `0:a:b:…` (run 0, then the index of the failing candidate in
 * each successive shrink stream). trapcheck writes it as `i:a:b:…`, the case index taking the
 * place of the run number, and rebuilds the shrunk case by asking fast-check to walk that path:
 * `fc.check(prop, {seed, path: "0:a:b", endOnFailure: true})` evaluates the value at the path
 * first, and a property that captures its argument and fails stops right there. No case is
 * executed on the way, so a replay is as fast as a generation, and exact.
 */
import fc from 'fast-check';
import type { Case } from '../case.ts';
import { caseSeed } from '../random.ts';
import type { CasePath } from '../replay-token.ts';
import { formatCasePath, parseCasePath } from '../replay-token.ts';
import type { Family } from '../../generators/family.ts';
import { usageError } from '../errors.ts';

// The path is part of the replay token, owned by src/replay-token.ts.
export type { CasePath } from '../replay-token.ts';
export { formatCasePath, parseCasePath } from '../replay-token.ts';

/** fast-check's path for a case path: run 0 of the case's own seed, then the shrink segments. */
export function fastCheckPath(p: CasePath): string {
  return p.shrink ? `0:${p.shrink}` : '0';
}

/** The parameters at (seed, path) of a family: the drawn value, or the shrunk one the path names. */
export function paramsAtPath<P>(family: Family<P>, seed: number, path: CasePath): P {
  let captured: { value: P } | undefined;
  fc.check(
    fc.property(family.arbitrary, (p) => {
      captured ??= { value: p };
      return false;
    }),
    { seed: caseSeed(seed, family.name, path.index) | 0, numRuns: 1, path: fastCheckPath(path), endOnFailure: true },
  );
  if (!captured) throw usageError(`path ${formatCasePath(path)} does not exist in ${family.name}'s shrink tree for seed ${seed}`);
  return captured.value;
}

/** Rebuilds the case at (seed, path): `17` is case 17 as generated, `17:3:0` its shrunk form. */
export function caseAtPath<P>(family: Family<P>, seed: number, path: string | CasePath): Case {
  const p = typeof path === 'string' ? parseCasePath(path) : path;
  return family.build(paramsAtPath(family, seed, p), { seed, path: formatCasePath(p) });
}
