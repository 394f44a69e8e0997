/**
 * `trapcheck driver-check`: verifies that a driver speaks `trapcheck.driver/1` and tells the truth
 * about itself. It starts the driver through the `driver:` runtime (so it sees exactly what a run
 * sees), runs every check whose claims the hello makes (core values and traps, state reads, each
 * claimed step kind, WASI, each claimed proposal), judges each with trapcheck's judge under the
 * driver's declared profile, then checks framing (step messages), the restart after a timeout and
 * the shutdown at end of input. Every fault is one line naming the check and what was wrong.
 */
import { TrapcheckError } from '../../../errors.ts';
import type { Feature } from '../../../features.ts';
import { judge } from '../../../judge.ts';
import { missingCapability } from '../../adapter.ts';
import { DriverRuntime } from '../driver-runtime.ts';
import type { DriverHello } from '../hello.ts';
import { CORE_CHECKS, TIMEOUT_CHECK } from './core-checks.ts';
import type { DriverCheck } from './driver-check-case.ts';
import { checkCase } from './driver-check-case.ts';
import { FEATURE_CHECKS } from './feature-checks.ts';
import { WASI_CHECKS } from './wasi-checks.ts';

export interface DriverCheckReport {
  /** `wamr 2.4.5`, when the hello was read. */
  driver?: string;
  passed: string[];
  faults: string[];
  /** Checks of things the driver does not claim (not run). */
  notClaimed: string[];
  /** Claimed features no check here covers. */
  unchecked: Feature[];
}

/** Why the check does not apply to what the driver claims, or undefined. */
async function notApplicable(check: DriverCheck, hello: DriverHello): Promise<string | undefined> {
  const missingRead = (check.needs.reads ?? []).find((r) => !hello.reads.has(r));
  if (missingRead) return `read ${missingRead}`;
  return missingCapability(await checkCase(check), hello.capabilities);
}

async function runCheck(rt: DriverRuntime, check: DriverCheck, report: DriverCheckReport): Promise<boolean> {
  const c = await checkCase(check);
  const [obs] = await rt.executeAll([c]);
  const verdict = judge(c, obs!, rt.profile);
  if (verdict.verdict === 'pass' || verdict.verdict === 'imprecise') {
    report.passed.push(check.name);
    return true;
  }
  const where = verdict.step !== undefined ? ` (step ${verdict.step})` : '';
  const hung = verdict.observed?.startsWith('timeout') ? ' (the driver did not answer within the case budget)' : '';
  const why = verdict.verdict === 'skip' ? `claimed, but the driver answered ${verdict.reason}` : `${verdict.reason}${hung}`;
  report.faults.push(`${check.name}${where}: ${why}`);
  return false;
}

const covered = (checks: readonly DriverCheck[]): Set<Feature> => new Set(checks.flatMap((c) => c.needs.features ?? []));

export async function runDriverCheck(spec: string): Promise<DriverCheckReport> {
  const report: DriverCheckReport = { passed: [], faults: [], notClaimed: [], unchecked: [] };
  let rt: DriverRuntime;
  try {
    rt = await DriverRuntime.start(spec);
  } catch (e) {
    if (!(e instanceof TrapcheckError) || e.code !== 'RUNTIME_NOT_FOUND') throw e;
    report.faults.push(`hello: ${e.message.replace(/^runtime `[^`]*`: /, '')}`);
    return report;
  }
  const hello = rt.hello;
  report.driver = `${hello.name} ${hello.version}`;
  const all = [...CORE_CHECKS, ...WASI_CHECKS, ...FEATURE_CHECKS];
  const known = covered(all);
  report.unchecked = [...hello.capabilities.features].filter((f) => !known.has(f) && f !== 'mvp');
  try {
    for (const check of all) {
      const why = await notApplicable(check, hello);
      if (why) report.notClaimed.push(`${check.name} (${why})`);
      else await runCheck(rt, check, report);
    }
    if (rt.stepMessages === 0) report.faults.push('framing: no `step` message was ever sent (trapcheck cannot tell which step hung or crashed)');
    // a hang costs its case only: the driver is killed at the budget and the next case runs on a fresh one
    if (await runCheck(rt, TIMEOUT_CHECK, report)) {
      const restart = CORE_CHECKS[0]!;
      if (!(await runCheck(rt, { ...restart, name: `restart after the timeout: ${restart.name}` }, report))) report.faults.push('restart: the driver did not come back after being killed at the budget');
    }
    const end = await rt.shutdown(2_000);
    if (!end) report.faults.push('shutdown: the driver did not exit within 2 s of the end of its input');
    else if (end.code !== 0) report.faults.push(`shutdown: the driver ended with ${end.signal ? `signal ${end.signal}` : `exit code ${end.code}`} at the end of its input (0 expected)`);
  } finally {
    await rt.close();
  }
  return report;
}
