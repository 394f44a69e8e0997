/**
 * `mutateCase`: the mutation (seed, index) of a case, EMI style (Le et al., PLDI 2014; wasm-mutate):
 * a plan of transforms drawn from (mutation seed, case id, index) with the project's seeded
 * randomness (src/random.ts), applied to every module of the case, keeping every step and
 * expectation as they are. Pure: the same case and token give the same bytes.
 *
 * A transform that does not fit a module (no start slot left, a memory the steps read, code the
 * walker cannot read …) is skipped and the reason counted; a case where none applied comes back
 * without a mutated case. A transform that produced a module the engine rejects, from one it
 * accepted, is a bug in the transform and throws.
 */
import type { Case } from '../case.ts';
import type { Feature } from '../features.ts';
import { drawCase } from '../random.ts';
import type { MutationToken } from '../replay-token.ts';
import { formatMutationToken, mutationTag, replayTargetOf } from '../replay-token.ts';
import { UnknownInstruction } from '../wasm/instructions.ts';
import { caseConstraints, caseSkipReason, pinnedWasi } from './case-facts.ts';
import { ModuleFacts } from './module-facts.ts';
import type { PlanStep } from './registry.ts';
import { planArbitrary, TRANSFORMS } from './registry.ts';
import type { CaseConstraints, TransformName } from './transform.ts';

export interface MutateOptions {
  /** The transforms a plan may use (default: every one). */
  transforms?: readonly TransformName[];
}

export interface Mutation {
  /** The mutated case; absent when no transform applied. */
  case?: Case;
  plan: PlanStep[];
  applied: TransformName[];
  /** Why a transform (`<name>: <reason>`) or the whole case (`case: <reason>`) was left out. */
  skipped: string[];
}

/** The engine's validator (lib ES2022 does not declare the `WebAssembly` global). */
const engine = (globalThis as unknown as { WebAssembly: { validate(bytes: Uint8Array): boolean } }).WebAssembly;

/** Plan arbitraries by transform list: building one (contexts included) costs more than drawing from it. */
const plans = new Map<string, ReturnType<typeof planArbitrary>>();

/** The plan of mutation `token` of case `caseId`. */
export function drawPlan(caseId: string, token: MutationToken, options: MutateOptions = {}): PlanStep[] {
  const key = options.transforms?.join() ?? '';
  let arbitrary = plans.get(key);
  if (!arbitrary) plans.set(key, (arbitrary = planArbitrary(options.transforms)));
  return drawCase(arbitrary, token.seed, `mutate/${caseId}`, token.index);
}

function applyStep(bytes: Uint8Array, step: PlanStep, constraints: CaseConstraints): { bytes: Uint8Array; features: Feature[] } | { skip: string } {
  try {
    return TRANSFORMS[step.t].apply({ facts: new ModuleFacts(bytes), constraints }, step.p);
  } catch (e) {
    if (e instanceof UnknownInstruction) return { skip: 'code the walker cannot read' };
    throw e;
  }
}

/** Mutation `token` of case `c` (see the file comment). */
export function mutateCase(c: Case, token: MutationToken, options: MutateOptions = {}): Mutation {
  const caseSkip = caseSkipReason(c);
  if (caseSkip !== undefined) return { plan: [], applied: [], skipped: [`case: ${caseSkip}`] };
  const plan = drawPlan(c.id, token, options);
  const constraints = caseConstraints(c);
  const applied = new Set<TransformName>();
  const skipped: string[] = [];
  const features = new Set<Feature>(c.features);
  const modules = c.modules.map((m) => m.bytes);
  const valid = modules.map((b) => engine.validate(b));
  for (const step of plan) {
    modules.forEach((bytes, i) => {
      const r = applyStep(bytes, step, constraints);
      if ('skip' in r) return void skipped.push(`${step.t}: ${r.skip}`);
      if (valid[i] && !engine.validate(r.bytes)) throw new Error(`mutate: ${step.t} made module ${i} of ${c.id} invalid (mutation ${formatMutationToken(token)})`);
      modules[i] = r.bytes;
      applied.add(step.t);
      r.features.forEach((f) => features.add(f));
    });
  }
  if (applied.size === 0) return { plan, applied: [], skipped };
  const origin = replayTargetOf(c);
  const tags: Record<string, string> = { ...c.tags, mutation: mutationTag(token, origin.kind === 'case-file' ? origin.file : undefined) };
  for (const t of applied) tags[`mutate:${t}`] = 'on';
  const mutated: Case = {
    ...c,
    id: `${c.id}~${formatMutationToken(token)}`,
    // the text and file of the original module no longer describe these bytes
    modules: modules.map((bytes) => ({ bytes })),
    features: [...features],
    tags,
  };
  const wasi = pinnedWasi(c);
  if (wasi !== undefined) mutated.wasi = wasi;
  return { case: mutated, plan, applied: [...applied], skipped };
}
