/**
 * The family registry. `generateCase` is the one way to turn (family, seed, index) into a Case:
 * the parameters are drawn with `drawCase` (src/random.ts), so case i of a run replays alone.
 */
import type { Case } from '../src/case.ts';
import { drawCase } from '../src/random.ts';
import { TrapcheckError } from '../src/errors.ts';
import type { Family } from './family.ts';
import { FAMILY_NAMES } from './names.ts';
import { coreTraps } from './core-traps.ts';
import { controls } from './controls.ts';
import { wasiExit } from './wasi-exit.ts';
import { threadPanic } from './thread-panic.ts';
import { isolation } from './isolation.ts';
import { component } from './component.ts';
import { cancellation } from './cancellation.ts';
import { jspi } from './jspi.ts';
import { threadRace } from './thread-race.ts';

export type { Family, Origin } from './family.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const FAMILIES: Record<string, Family<any>> = {
  [coreTraps.name]: coreTraps,
  [controls.name]: controls,
  [wasiExit.name]: wasiExit,
  [threadPanic.name]: threadPanic,
  [isolation.name]: isolation,
  [component.name]: component,
  [cancellation.name]: cancellation,
  [jspi.name]: jspi,
  [threadRace.name]: threadRace,
};

export { FAMILY_NAMES } from './names.ts';

if (Object.keys(FAMILIES).join() !== FAMILY_NAMES.join())
  throw new Error(`generators/names.ts lists ${FAMILY_NAMES.join(', ')} but the registry holds ${Object.keys(FAMILIES).join(', ')}`);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function getFamily(name: string): Family<any> {
  const family = FAMILIES[name];
  if (!family) throw new TrapcheckError('UNKNOWN_FAMILY', `unknown family ${JSON.stringify(name)}; valid families: ${FAMILY_NAMES.join(', ')}`);
  return family;
}

/** Draws the parameters of case `index` of `family` under run seed `seed` and builds the case. */
export function generateCase(family: string, seed: number, index: number): Case {
  const f = getFamily(family);
  const params = drawCase(f.arbitrary, seed, f.name, index);
  return f.build(params, { seed, path: String(index) });
}
