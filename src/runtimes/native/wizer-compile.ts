/**
 * `compile` steps (decode + validate + link, nothing run) on wizer: wizer looks its init function
 * up after compiling the module and before instantiating it (measured: `--init-func nonexist` on
 * a module whose start function traps or writes prints only `the Wasm module does not have a
 * `nonexist` export`, status 1; on an invalid module, the validation error). So a run with an
 * init function the module cannot have compiles and stops there. Linking is not observable:
 * wizer links lazily (an unknown import fails only when called), so an expected `unlinkable` is
 * unsupported.
 */
import type { Case, Step } from '../../case.ts';
import { DEFAULT_CASE_TIMEOUT_MS } from '../../case.ts';
import type { Observation, StepObservation } from '../../observation.ts';
import type { WizerCaseContext } from './wizer-case.ts';
import { runStep } from './wizer-run.ts';

/** Not an export any module under test has: the probe plan refuses modules exporting `__trapcheck_*`. */
const ABSENT_EXPORT = '__trapcheck_compile_only';

export function isCompileOnly(c: Case): boolean {
  return c.steps.every((s) => s.op === 'compile');
}

async function compileStep(c: Case, step: Step & { op: 'compile' }, ctx: WizerCaseContext): Promise<StepObservation> {
  if (step.expect.outcome?.kind === 'rejected' && step.expect.outcome.stage === 'unlinkable')
    return { outcome: { kind: 'unsupported', feature: 'link errors (wizer links imports lazily: an unknown one fails only when called)' } };
  const bytes = c.modules[step.module]?.bytes;
  if (!bytes) return { outcome: { kind: 'crash', detail: `compile: the case has no module ${step.module}` } };
  const run = await runStep({ binary: ctx.binary, dir: ctx.dir, bytes, initFunc: ABSENT_EXPORT, wasi: false, budgetMs: c.timeoutMs ?? DEFAULT_CASE_TIMEOUT_MS, graceMs: ctx.graceMs });
  const r = run.result;
  if (r.kind === 'refused' && run.report.includes(`does not have a \`${ABSENT_EXPORT}\` export`)) return { outcome: { kind: 'return', values: [] } };
  if (r.kind === 'returned') return { outcome: { kind: 'crash', detail: `wizer ran an init function ${ABSENT_EXPORT} the module cannot have` } };
  return { outcome: r.kind === 'ended' ? { kind: 'crash', detail: `compile ran guest code: ${run.report.split('\n')[0]}` } : r.outcome };
}

/** A case made only of `compile` steps: one wizer process per step, nothing instantiated. */
export async function runCompileOnly(c: Case, ctx: WizerCaseContext): Promise<Observation> {
  const steps: StepObservation[] = [];
  for (const step of c.steps) if (step.op === 'compile') steps.push(await compileStep(c, step, ctx));
  return { steps, stdout: '', stderr: '' };
}
