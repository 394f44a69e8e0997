/**
 * Which rule a finding's expectation follows: trap kinds, exits and rejections → the section of
 * the WebAssembly Core Specification 2.0 (or the WASI / proposal / Canonical ABI text) that
 * defines it. An upstream report cites the rule; it does not paste it (issue #16 §3).
 * Section numbers are those of the Core Specification 2.0 (W3C, §4 Execution).
 */
import type { ExpectedOutcome } from '../../case.ts';

export interface SpecRule {
  /** `Core 2.0 §4.4.7 Memory Instructions` … */
  section: string;
  /** One sentence saying what the rule requires, in our words. */
  rule: string;
}

const CORE = 'WebAssembly Core Specification 2.0';

/** Trap kind → where the spec makes that operation trap. */
const TRAPS: Record<string, SpecRule> = {
  unreachable: { section: `${CORE}, §4.4.8 Control Instructions (\`unreachable\`)`, rule: '`unreachable` traps unconditionally.' },
  'integer divide by zero': { section: `${CORE}, §4.3.2 Integer Operations (\`idiv\`, \`irem\`) and §4.4.1 Numeric Instructions (\`t.binop\`)`, rule: 'integer division and remainder are undefined for a zero divisor, and an undefined `binop` traps.' },
  'integer overflow': {
    section: `${CORE}, §4.3.2 Integer Operations (\`idiv_s\`), §4.3.4 Conversions (\`trunc_s\`, \`trunc_u\`) and §4.4.1 Numeric Instructions`,
    rule: 'signed division of the minimum by −1, and a float→int truncation whose result is out of range, are undefined, and an undefined numeric operation traps.',
  },
  'invalid conversion to integer': { section: `${CORE}, §4.3.4 Conversions (\`trunc_s\`, \`trunc_u\`) and §4.4.1 Numeric Instructions (\`t2.cvtop_t1\`)`, rule: 'a trapping float→int truncation of a NaN is undefined, and an undefined conversion traps.' },
  'out of bounds memory access': { section: `${CORE}, §4.4.7 Memory Instructions (\`t.load\`, \`t.store\`, \`memory.fill\`, \`memory.copy\`, \`memory.init\`)`, rule: 'an access whose effective address plus its size exceeds the memory\'s current length traps.' },
  'out of bounds table access': { section: `${CORE}, §4.4.6 Table Instructions (\`table.get\`, \`table.set\`, \`table.fill\`, \`table.copy\`, \`table.init\`) and §4.5.4 Instantiation (active element segments)`, rule: 'an index or a range past the table\'s current size traps.' },
  'undefined element': { section: `${CORE}, §4.4.8 Control Instructions (\`call_indirect\`)`, rule: '`call_indirect` traps when the index is not smaller than the table\'s size.' },
  'uninitialized element': { section: `${CORE}, §4.4.8 Control Instructions (\`call_indirect\`)`, rule: '`call_indirect` traps when the table slot holds a null reference.' },
  'indirect call type mismatch': { section: `${CORE}, §4.4.8 Control Instructions (\`call_indirect\`)`, rule: '`call_indirect` traps when the function\'s type differs from the expected type.' },
  'call stack exhausted': { section: `${CORE}, Appendix A.2 Implementation Limitations (Execution: call stack depth); testsuite \`assert_exhaustion\``, rule: 'an implementation may bound the call stack, and exceeding the bound is a trap (never a crash).' },
  'unaligned atomic': { section: 'WebAssembly threads proposal, Overview "Alignment" (atomic memory accesses)', rule: 'an atomic access whose effective address is not aligned to its size traps.' },
  'expected shared memory': { section: 'WebAssembly threads proposal, Overview "Wait" (`memory.atomic.wait32/64` on an unshared memory)', rule: 'a wait on an unshared memory traps.' },
  'null reference': { section: `${CORE}, §4.4.3 Reference Instructions and the typed function references proposal (\`call_ref\`, \`ref.as_non_null\`)`, rule: 'dereferencing a null reference traps.' },
  'uncaught exception': { section: 'WebAssembly exception handling proposal (`throw` with no handler)', rule: 'an exception that reaches the host unhandled ends the call.' },
  'cannot enter component instance': { section: 'Component Model, CanonicalABI.md (`trap_if(not inst.may_enter)` / instance state after a trap)', rule: 'a call into an instance that may not be entered traps.' },
  'cannot leave component instance': { section: 'Component Model, CanonicalABI.md (`trap_if(not inst.may_leave)`)', rule: 'calling an import while the instance may not leave (realloc, post-return) traps.' },
  'invalid variant discriminant': { section: 'Component Model, CanonicalABI.md (`lift_flat_variant`: `trap_if(case_index >= len(cases))`)', rule: 'lifting a variant whose case index is out of range traps.' },
  'out of fuel': { section: 'trapcheck\'s fuel model (DESIGN §5 "Fuel"; wasmtime `consume_fuel` semantics)', rule: 'a call that uses up its fuel budget traps at the next metering point.' },
};

/**
 * A site tag → the rule of that instruction, for the sites whose rule is not the trap kind's
 * (grow instructions return −1 instead of trapping; segments apply at instantiation). Other
 * sites (`i32.div_s`, `i64.load` …) are covered by their trap kind's rule.
 */
function siteRule(site: string): SpecRule | undefined {
  if (site === 'memory.grow') return { section: `${CORE}, §4.4.7 Memory Instructions (\`memory.grow\`) and §4.5.3.9 Growing memories`, rule: '`memory.grow` pushes the old size on success and −1 on failure; growing fails when the new size exceeds the declared maximum or 2¹⁶ pages, and a failed grow leaves the memory unchanged.' };
  if (site === 'table.grow') return { section: `${CORE}, §4.4.6 Table Instructions (\`table.grow\`) and §4.5.3.8 Growing tables`, rule: '`table.grow` pushes the old size on success and −1 on failure; growing fails past the declared maximum, and a failed grow leaves the table unchanged.' };
  if (site === 'elem-segment' || site === 'data-segment')
    return { section: `${CORE}, §4.5.4 Instantiation (active ${site === 'elem-segment' ? 'element' : 'data'} segments run as \`${site === 'elem-segment' ? 'table.init' : 'memory.init'}\`, in order)`, rule: 'a segment that does not fit its table or memory traps, so instantiation fails; the segments before it stay applied.' };
  return undefined;
}

/** A step whose memory or globals are checked: what changes them. */
const STATE: SpecRule = {
  section: `${CORE}, §4.4.7 Memory Instructions and §4.4.5 Variable Instructions (\`global.set\`); §4.4.8 (a trap aborts the call, §4.5.5)`,
  rule: 'only stores, bulk memory instructions and `memory.grow` change a memory, only `global.set` changes a global, and a trap aborts the call without undoing or altering what was already written.',
};

const EXIT: SpecRule = {
  section: 'WASI preview1, `proc_exit` (wasi_snapshot_preview1.witx: "Terminate the process normally"); exit codes as in wasi-testsuite (`exit_code`)',
  rule: '`proc_exit(N)` ends the whole process at once with status N; nothing after it runs.',
};

/** The rules a step's expectation follows: the site's instruction first (when tagged), then the outcome's. */
export function specRules(expected: ExpectedOutcome | undefined, site: string | undefined, checksState = false): SpecRule[] {
  const out: SpecRule[] = [];
  const bySite = site ? siteRule(site) : undefined;
  if (bySite) out.push(bySite);
  const add = (r: SpecRule | undefined): void => {
    if (r && !out.some((x) => x.section === r.section)) out.push(r);
  };
  switch (expected?.kind) {
    case 'trap':
      add(TRAPS[expected.trap]);
      break;
    case 'exit':
      add(EXIT);
      break;
    case 'rejected':
      add(
        expected.stage === 'malformed'
          ? { section: `${CORE}, §5 Binary Format`, rule: 'a module that does not decode is malformed and must be rejected.' }
          : expected.stage === 'invalid'
            ? { section: `${CORE}, §3 Validation`, rule: 'a module that does not validate must be rejected before it runs.' }
            : { section: `${CORE}, §4.5.4 Instantiation (import matching, §4.5.2)`, rule: 'instantiation fails when an import does not match its external type.' },
      );
      break;
    case 'return':
      add({ section: `${CORE}, §4.5.5 Invocation`, rule: 'the call returns the values the instructions compute, without a trap.' });
      break;
    default:
      break;
  }
  if (checksState) add(STATE);
  return out;
}
