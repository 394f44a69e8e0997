/**
 * What each wasi-exit site expects, step by step: the exit (with the output written before it)
 * at the step that runs the exiting code, a plain return from the steps before it.
 */
import type { Step } from '../../src/case.ts';

export const EXIT_SITES = ['start', 'nested', 'start-section', 'export', 'return', 'reuse'] as const;
export type ExitSite = (typeof EXIT_SITES)[number];

export function stepsFor(site: ExitSite, code: number, stdout: string, stderr: string): Step[] {
  const exit = { kind: 'exit' as const, code };
  switch (site) {
    case 'start-section':
      return [{ op: 'instantiate', expect: { outcome: exit, stdout: '', stderr: '' } }];
    case 'export':
      return [
        { op: 'instantiate', expect: { outcome: { kind: 'return' }, stdout: '', stderr: '' } },
        { op: 'invoke', export: 'exit_now', expect: { outcome: exit, stdout, stderr } },
      ];
    case 'reuse':
      return [
        { op: 'instantiate', expect: { outcome: { kind: 'return' }, stdout: '', stderr: '' } },
        { op: 'start', expect: { outcome: exit, stdout, stderr } },
        { op: 'invoke', export: 'again', expect: { outcome: exit, stdout, stderr } },
      ];
    default:
      return [
        { op: 'instantiate', expect: { outcome: { kind: 'return' }, stdout: '', stderr: '' } },
        { op: 'start', expect: { outcome: exit, stdout, stderr } },
      ];
  }
}
