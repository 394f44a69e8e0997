/**
 * One finding's report as data: what finding.json holds and what render.ts prints. Schema
 * `trapcheck.finding-report/1`; every field was measured or rebuilt when the report was made.
 */
import type { ExpectedOutcome } from '../../case.ts';
import type { Finding } from '../state.ts';
import type { CaseSource } from './finding-case.ts';
import type { CapturedRun } from './run-standalone.ts';
import type { SpecRule } from './spec-sections.ts';
import type { Bisection } from './versions.ts';

export const FINDING_REPORT_SCHEMA = 'trapcheck.finding-report/1';

export type RuntimeCommand =
  | { runtime: string; none: string }
  | {
      runtime: string;
      /** The program's usual name (`iwasm`) and the binary that ran here. */
      program: string;
      binary: string;
      versionLine: string;
      note: string;
      files: string[];
      runs: CapturedRun[];
      elsewhere?: string;
    };

export interface ReportStep {
  op: string;
  export?: string;
  args: string[];
  expected?: ExpectedOutcome;
  /** Memory and globals the step checks afterwards (`memory[12] = 0a0b`, `global g0 = i32 7`). */
  state: string[];
}

export interface FindingReport {
  schema: typeof FINDING_REPORT_SCHEMA;
  /** Short, stable: runtime(s) + a hash of the signature. */
  id: string;
  /** The report's folder as given to --reports (for the commands it prints). */
  dir: string;
  title: string;
  signature: string;
  kind: Finding['kind'];
  family: string;
  runtimes: string[];
  runtimeVersions: Array<{ name: string; version: string; versionLine: string }>;
  count: number;
  campaigns: string[];
  first: Finding['first'];
  agreedBy: string[];
  shrink?: Finding['shrink'];
  module: { source: CaseSource; note: string; wat: string; bytes: number; file?: string };
  steps: ReportStep[];
  decidingStep: number;
  spec: SpecRule[];
  commands: RuntimeCommand[];
  versions: Bisection;
  /** The replay line of the shrunk case (or of the first case). */
  replay: string;
}
