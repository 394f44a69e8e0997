/**
 * trapcheck's public API (`import … from 'trapcheck'`): everything here is supported, everything
 * else is internal and may change. Re-exports only; each symbol is documented where it is defined.
 * The vitest integration is a separate entry point, `trapcheck/vitest` (src/vitest/index.ts), so
 * importing the library never loads vitest.
 *
 * The flow (README "Library use"): `generateCase` (or `loadCaseFile`) → `createRuntime` (or your
 * own object implementing `Runtime`) → `runSuite` (skip, execute with crash recovery, `judge`)
 * → `buildReport` / `writeReports` / `writeReproBundles`, with `replayCommand` for each failure.
 *
 * @packageDocumentation
 */

// Generators: the families and the one way to turn (family, seed, index) into a case
export { FAMILIES, FAMILY_NAMES, getFamily, generateCase } from '../generators/index.ts';
export type { Family, Origin } from '../generators/index.ts';
export { caseAtPath } from './fuzz/shrink-path.ts';

// Cases: the in-memory model and the on-disk corpus format (`trapcheck.case/1`)
export { CASE_SCHEMA, COMPONENT_PROFILES, DEFAULT_CASE_TIMEOUT_MS, PROCESS_CAUSES, parseCaseFile, requiredStepOps, toCaseFile } from './case.ts';
export type {
  Case,
  CaseFile,
  CaseModule,
  ComponentConfig,
  ComponentFuncType,
  ComponentProfile,
  ComponentValue,
  ExpectedOutcome,
  Expectation,
  HostImport,
  MailboxMessage,
  MemoryRegion,
  PausePoint,
  ProcessCause,
  ProcessExpectation,
  Provenance,
  Step,
  StepOp,
  WasiConfig,
} from './case.ts';
export { loadCaseFile, loadCorpus } from './conformance/corpus.ts';
export { caseFileName, saveCase } from './library/save-case.ts';
export type { SavedCase } from './library/save-case.ts';
export { binaryToWat, watToBinary } from './wasm/wabt.ts';

// Outcomes, values and what a runtime reports
export { TRAP_KINDS, VALUE_TYPES, exit, formatOutcome, formatValue, i32, i64, isTrapKind, ret, trap } from './outcome.ts';
export type { Outcome, OutcomeKind, TrapKind, ValueType, WasmValue } from './outcome.ts';
export type { Observation, ProcessObservation, StepObservation } from './observation.ts';
export { FEATURES, isFeature } from './features.ts';
export type { Feature } from './features.ts';

// Runtimes: the interface every runtime implements, the registry, the reference runtime, profiles
export { missingCapability } from './runtimes/adapter.ts';
export type { Capabilities, CaseShape, Runtime, RuntimeInfo } from './runtimes/adapter.ts';
export { ALL_RUNTIMES, BUILTIN_RUNTIMES, RUNTIME_NAMES, allRuntimeNames, checkRuntimeName, createRuntime } from './runtimes/registry.ts';
export { REFERENCE_STEPS, createReferenceRuntime, defaultReferenceProcesses } from './runtimes/reference.ts';
export type { ReferenceOptions } from './runtimes/reference.ts';
export { loadProfile } from './runtimes/profiles.ts';
export { projectExitCode } from './profile.ts';
export type { ExitCodeRules, KnownDivergence, Profile, ProfileRule } from './profile.ts';

// Execute and judge
export { runSuite } from './conformance/suite.ts';
export type { SuiteOptions, SuiteRuntime } from './conformance/suite.ts';
export { VERDICTS, formatExpected, judge } from './judge.ts';
export type { Verdict, VerdictKind } from './judge.ts';
export { moduleSha256 } from './result.ts';
export type { CaseResult } from './result.ts';
export { replayCommand } from './replay-token.ts';

// Reports: report.json (`trapcheck.report/1`) and its renderings, repro bundles
export { REPORT_SCHEMA, buildReport, exitCodeOf } from './report/report.ts';
export type { Matrix, MatrixCell, Report, ReportInput, ResultRow, RuntimeEntry, Tally } from './report/report.ts';
export { REPORTERS, writeReports, writeReproBundles } from './report/write.ts';
export type { ReporterName } from './report/write.ts';
export { renderHtml } from './report/html.ts';
export { renderJunit } from './report/junit.ts';
export { renderMarkdown } from './report/markdown.ts';

// Errors and the package version
export { TrapcheckError } from './errors.ts';
export type { ErrorCode } from './errors.ts';
export { TOOL_VERSION as version } from './cli/version.ts';
