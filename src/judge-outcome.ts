/**
 * How one expected outcome meets one observed outcome, and one stream its expectation: the
 * comparisons every verdict is built from (judge.ts composes them per step, judge-any-of.ts per
 * allowed set). Pure: no state, no I/O, no clock.
 */
import type { ExpectedOutcome, Expectation } from './case.ts';
import type { Outcome, WasmValue } from './outcome.ts';
import { formatOutcome, formatValue } from './outcome.ts';
import type { Profile } from './profile.ts';
import { projectExitCode } from './profile.ts';
import type { Verdict } from './judge.ts';

export function formatExpected(e: ExpectedOutcome): string {
  switch (e.kind) {
    case 'return':
      return e.values ? `return [${e.values.map(formatValue).join(', ')}]` : 'return';
    case 'trap':
      return `trap "${e.trap}"`;
    case 'exit':
      return `exit ${e.code}`;
    case 'rejected':
      return `rejected as ${e.stage}`;
    case 'suspended':
      return e.at ? `suspended (${e.at})` : 'suspended';
    default:
      return e.kind;
  }
}

/** Float text equal under wasm semantics: NaN expectations match by class, everything else by bits. */
export function valueMatches(expected: WasmValue, observed: WasmValue): boolean {
  if (expected.type !== observed.type) return false;
  if (expected.value === observed.value) return true;
  if (expected.type === 'f32' || expected.type === 'f64') {
    const obsNan = observed.value.startsWith('nan');
    if (expected.value === 'nan:canonical') return obsNan && isCanonicalNan(observed);
    if (expected.value === 'nan:arithmetic') return obsNan && isArithmeticNan(observed);
  }
  return false;
}

function nanBits(v: WasmValue): bigint {
  const m = /^nan:0x([0-9a-f]+)$/.exec(v.value);
  return m ? BigInt(`0x${m[1]}`) : 0n;
}
function isCanonicalNan(v: WasmValue): boolean {
  const bits = nanBits(v);
  return v.type === 'f32'
    ? (bits & 0x7fffffffn) === 0x7fc00000n
    : (bits & 0x7fffffffffffffffn) === 0x7ff8000000000000n;
}
function isArithmeticNan(v: WasmValue): boolean {
  const bits = nanBits(v);
  return v.type === 'f32' ? (bits & 0x00400000n) !== 0n : (bits & 0x0008000000000000n) !== 0n;
}

/** The verdict of one step (exported for per-step judging, e.g. spec scripts). */
export type StepJudgement = Omit<Verdict, 'step'>;

export function outcomeVerdict(expected: ExpectedOutcome, observed: Outcome, profile: Profile): StepJudgement {
  const mismatch = (reason?: string): StepJudgement => ({
    verdict: 'fail',
    expected: formatExpected(expected),
    observed: formatOutcome(observed),
    reason: reason ?? `expected ${formatExpected(expected)}, observed ${formatOutcome(observed)}`,
  });
  if (observed.kind === 'unsupported') return { verdict: 'skip', reason: `unsupported: ${observed.feature}` };
  switch (expected.kind) {
    case 'return': {
      if (observed.kind !== 'return') return mismatch();
      if (!expected.values) return { verdict: 'pass' };
      const ok =
        expected.values.length === observed.values.length &&
        expected.values.every((v, i) => valueMatches(v, observed.values[i]!));
      return ok ? { verdict: 'pass' } : mismatch();
    }
    case 'trap': {
      if (observed.kind !== 'trap' || !observed.trap.includes(expected.trap)) return mismatch();
      if (observed.trap.length === 1) return { verdict: 'pass' };
      return {
        verdict: 'imprecise',
        expected: formatExpected(expected),
        observed: formatOutcome(observed),
        reason: `the runtime reports one message for ${observed.trap.map((k) => `"${k}"`).join(' and ')} ("${observed.message}")`,
      };
    }
    case 'exit': {
      if (observed.kind !== 'exit') return mismatch();
      const want = expected.process ? expected.code : projectExitCode(expected.code, profile.exitCodes);
      return observed.code === want
        ? { verdict: 'pass' }
        : mismatch(`expected exit ${want}${want !== expected.code ? ` (proc_exit(${expected.code}) under ${profile.runtime}'s rules)` : ''}, observed ${formatOutcome(observed)}`);
    }
    case 'rejected':
      if (observed.kind !== 'rejected') return mismatch();
      return observed.stage === expected.stage || (observed.stage === 'compile' && expected.stage !== 'unlinkable')
        ? { verdict: 'pass' }
        : mismatch();
    case 'suspended':
      return observed.kind === 'suspended' && (expected.at === undefined || expected.at === observed.at) ? { verdict: 'pass' } : mismatch();
    case 'deadlock':
    case 'timeout':
    case 'cancelled':
    case 'host-error':
      return observed.kind === expected.kind ? { verdict: 'pass' } : mismatch();
  }
}

/** A stream against its expectation; `text-prefix` is how wasi-testsuite's runner reads one (Python text mode, `read(len(expected))`). */
export function outputMatches(want: string, seen: string | undefined, mode: Expectation['output']): boolean {
  if (mode !== 'text-prefix') return seen === want;
  return (seen ?? '').replace(/\r\n?/g, '\n').startsWith(want);
}

