/**
 * One wasm-shell script runs many cases: before each case a tiny module whose start function
 * prints the case marker (`-(j+1) : f64`), then the case's planned module and one `(invoke
 * "__tc_<i>")` per plan entry. Reading stdout back, lines between markers belong to a case and an
 * entry: values (`<n> : i32|i64`), a trap (`[trap …]`) or a host limit (`[host limit …]`).
 *
 * wasm-shell aborts the whole script when a module fails to instantiate (a start-function or
 * segment trap) or to validate; the case in progress is then the last case marker printed, and the
 * runner starts a new script after it (runtime.ts).
 */
import type { Case } from '../../case.ts';
import type { Observation, StepObservation } from '../../observation.ts';
import type { Outcome, WasmValue } from '../../outcome.ts';
import { f32BitsToText, f64BitsToText } from '../../values.ts';
import type { SigType } from '../../wasm/signatures.ts';
import { classifyBinaryenTrap, hostLimitOutcome } from './messages.ts';
import type { ShellPlan } from './plan.ts';

export interface PlannedCase {
  c: Case;
  plan: ShellPlan;
}

const markerModule = (j: number): string => `(module (import "spectest" "print_f64" (func $p (param f64))) (func $s (call $p (f64.const ${-(j + 1)}))) (start $s))`;

const bytesLiteral = (bytes: Uint8Array): string => `"${Array.from(bytes, (b) => `\\${b.toString(16).padStart(2, '0')}`).join('')}"`;

export function shellScript(cases: readonly PlannedCase[]): string {
  const lines: string[] = [];
  cases.forEach(({ plan }, j) => {
    lines.push(markerModule(j), `(module binary ${bytesLiteral(plan.bytes)})`);
    plan.entries.forEach((_, i) => lines.push(`(invoke "__tc_${i}")`));
  });
  return `${lines.join('\n')}\n`;
}

/** What one case printed: a trap before its first entry (instantiation), and each entry's lines. */
export interface CaseOutput {
  instantiation?: Outcome;
  entries: Map<number, { values: string[]; end?: Outcome }>;
}

/** Splits wasm-shell's stdout by case marker (index into the script's cases). */
export function splitOutput(stdout: string): Map<number, CaseOutput> {
  const out = new Map<number, CaseOutput>();
  let current: CaseOutput | undefined;
  let entry: { values: string[]; end?: Outcome } | undefined;
  for (const line of stdout.split('\n')) {
    const marker = /^(-?\d+) : f64$/.exec(line);
    if (marker) {
      const n = Number(marker[1]);
      if (n < 0) {
        current = { entries: new Map() };
        out.set(-n - 1, current);
        entry = undefined;
      } else if (current) {
        entry = { values: [] };
        current.entries.set(n, entry);
      }
      continue;
    }
    if (!current) continue;
    const value = /^(-?\d+) : (i32|i64)$/.exec(line);
    const trap = /^\[trap (.*)\]$/.exec(line);
    const limit = /^\[host limit (.*)\]$/.exec(line);
    const end = trap ? classifyBinaryenTrap(trap[1]!) : limit ? hostLimitOutcome(limit[1]!) : undefined;
    if (value && entry && !entry.end) entry.values.push(value[1]!);
    else if (end && entry && !entry.end) entry.end = end;
    // a trap before the case's first entry: its module failed to instantiate
    else if (end && !entry && !current.instantiation) current.instantiation = end;
  }
  return out;
}

function readValue(printed: string, type: SigType): WasmValue {
  const n = BigInt(printed);
  switch (type) {
    case 'i32':
      return { type, value: String(BigInt.asIntN(32, n)) };
    case 'i64':
      return { type, value: String(BigInt.asIntN(64, n)) };
    case 'f32':
      return { type, value: f32BitsToText(Number(BigInt.asUintN(32, n))) };
    default:
      return { type: 'f64', value: f64BitsToText(BigInt.asUintN(64, n)) };
  }
}

/**
 * The observation of one case from its output. `cutShort`: the process ended inside this case
 * (an abort, a hang killed by the watchdog); `ending` is then the outcome of the entry that never
 * finished, or of the module when no entry started (a validation failure).
 */
export function caseObservation(pc: PlannedCase, output: CaseOutput | undefined, cutShort?: Outcome): Observation {
  const { c, plan } = pc;
  const steps: StepObservation[] = [];
  const done = (): Observation => ({ steps, stdout: '', stderr: '' });
  if (output?.instantiation) {
    steps.push({ outcome: output.instantiation });
    return done();
  }
  if (!output || (cutShort && output.entries.size === 0)) {
    steps.push({ outcome: cutShort ?? { kind: 'crash', detail: 'wasm-shell printed nothing for this case' } });
    return done();
  }
  // the process ended inside the last entry this case started, unless that entry trapped
  const last = Math.max(...output.entries.keys());
  const unfinished = cutShort && !output.entries.get(last)?.end ? last : undefined;
  for (let k = 0; k < c.steps.length; k++) {
    const step = c.steps[k]!;
    const mine = plan.entries.map((e, i) => ({ e, i })).filter(({ e }) => e.step === k);
    const main = mine.find(({ e }) => e.kind === 'step');
    let outcome: Outcome = { kind: 'return', values: [] };
    if (main && main.e.kind === 'step') {
      const printed = output.entries.get(main.i);
      const results = main.e.results;
      if (!printed || main.i === unfinished || (!printed.end && printed.values.length < results.length)) {
        steps.push({ outcome: cutShort ?? { kind: 'crash', detail: `wasm-shell ended before step ${k}` } });
        return done();
      }
      outcome = printed.end ?? { kind: 'return', values: printed.values.map((v, i) => readValue(v, results[i]!)) };
    }
    const obs: StepObservation = { outcome };
    if (step.expect.globals) {
      obs.globals = {};
      for (const { e, i } of mine) {
        const v = output.entries.get(i)?.values[0];
        if (e.kind === 'global' && v !== undefined) obs.globals[e.global] = readValue(v, e.type);
      }
    }
    if (step.expect.memory) {
      obs.memory = step.expect.memory.map((region, r) => {
        const entry = mine.find(({ e }) => e.kind === 'memory' && e.region === r);
        // bytes printed before an out-of-bounds read: cut off there, as the other adapters do
        const bytes = entry ? (output.entries.get(entry.i)?.values ?? []) : [];
        return { offset: region.offset, hex: bytes.map((b) => (Number(b) & 0xff).toString(16).padStart(2, '0')).join('') };
      });
    }
    steps.push(obs);
  }
  return done();
}
