/**
 * The `.wast` spec-script runner: parser, converter (script → Case + assertion plan), per-step
 * judging and runSpec. See runner.ts for the result types the CLI and reports consume.
 */
export type { SpecAssertionResult, SpecFileResult, SpecOptions, SpecResult, SpecTally } from './runner.ts';
export { BLOCKED, runSpec, specFiles } from './runner.ts';
export type { AssertionVerdict, CommandVerdict } from './judge-steps.ts';
export { judgeAssertions, judgeCommands, judgeSteps } from './judge-steps.ts';
export type { AssertionPlan, ConvertedScript, ConvertOptions } from './convert.ts';
export { convertScript } from './convert.ts';
export type { Script, Command, Assertion } from './script.ts';
export { parseScript } from './script.ts';
export type { SpecFeature } from './features.ts';
export { SPEC_FEATURES, detectFeatures, probeFeatures } from './features.ts';
export { initAssembler } from './assemble.ts';
