/**
 * The public surface of `trapcheck` and `trapcheck/vitest` (src/index.ts, src/vitest/index.ts):
 * a value export added or removed is an API change, so it has to show up here (and in the README).
 */
import { describe, expect, it } from 'vitest';
import * as api from '../../src/index.ts';
import * as vitestApi from '../../src/vitest/index.ts';

describe('the public API', () => {
  it('trapcheck exports exactly these values', () => {
    expect(Object.keys(api).sort()).toEqual(
      [
        'ALL_RUNTIMES', 'BUILTIN_RUNTIMES', 'CASE_SCHEMA', 'COMPONENT_PROFILES', 'DEFAULT_CASE_TIMEOUT_MS', 'FAMILIES', 'FAMILY_NAMES', 'FEATURES',
        'PROCESS_CAUSES', 'REFERENCE_STEPS', 'REPORTERS', 'REPORT_SCHEMA', 'RUNTIME_NAMES', 'TRAP_KINDS', 'TrapcheckError', 'VALUE_TYPES', 'VERDICTS',
        'allRuntimeNames', 'binaryToWat', 'buildReport', 'caseAtPath', 'caseFileName', 'checkRuntimeName', 'createReferenceRuntime', 'createRuntime',
        'defaultReferenceProcesses', 'exit', 'exitCodeOf', 'formatExpected', 'formatOutcome', 'formatValue', 'generateCase', 'getFamily', 'i32', 'i64',
        'isFeature', 'isTrapKind', 'judge', 'loadCaseFile', 'loadCorpus', 'loadProfile', 'missingCapability', 'moduleSha256', 'parseCaseFile',
        'projectExitCode', 'renderHtml', 'renderJunit', 'renderMarkdown', 'replayCommand', 'requiredStepOps', 'ret', 'runSuite', 'saveCase',
        'toCaseFile', 'trap', 'version', 'watToBinary', 'writeReports', 'writeReproBundles',
      ].sort(),
    );
  });

  it('trapcheck/vitest exports exactly these values', () => {
    expect(Object.keys(vitestApi).sort()).toEqual(['CONFORMANCE_DEFAULTS', 'ConformanceFailure', 'conformance', 'resolveConformanceOptions']);
  });
});
