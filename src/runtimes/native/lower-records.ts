/**
 * Reading a lowered command's run back into an observation of the ORIGINAL case
 * (lower-command.ts). Input: the records the generated `_start` printed on stdout (lower-start.ts),
 * the guest's own output around them, and how the process ended. Output: one StepObservation per
 * case step.
 *
 * Which step ended the process: the first step without an end record `E`. Steps before it
 * completed: their results and reads are in the records. The ending step gets the process's end
 * (a trap, an exit, a timeout …); its instance state cannot be read any more (the process is
 * gone), so it is marked `unobservable` and the judge checks its outcome and output only. Every
 * later step never ran on that instance: it is reported `unsupported` with that reason, so the
 * case is never a pass on steps nobody saw.
 */
import { expectsStream } from '../../case.ts';
import type { Case } from '../../case.ts';
import type { Observation, StepObservation } from '../../observation.ts';
import type { Outcome } from '../../outcome.ts';
import { formatOutcome } from '../../outcome.ts';
import type { LoweredCommand } from './lower-command.ts';
import { RECORD_PREFIX, TAG } from './lower-start.ts';

export interface CommandEnd {
  /** How the process ended: `exit 0` when `_start` returned, else its exit, trap, timeout or crash. */
  outcome: Outcome;
  stdout: string;
  /** The guest's stderr: the runtime's own report (trap text, stack trace) already removed. */
  stderr: string;
}

interface Record {
  tag: string;
  step: number;
  index: number;
  value?: bigint;
}

interface Stream {
  records: Record[];
  /** The guest's bytes, records removed. */
  text: string;
  /** Guest text length when each step's end record was written. */
  endAt: Map<number, number>;
  done?: number;
}

const RECORD = new RegExp(`${RECORD_PREFIX.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')}([A-Z])([0-9a-f]{4})([0-9a-f]{4}):([0-9a-f]*)\\n`, 'g');

export function splitRecords(output: string): Stream {
  const stream: Stream = { records: [], text: '', endAt: new Map() };
  let last = 0;
  for (const m of output.matchAll(RECORD)) {
    stream.text += output.slice(last, m.index);
    last = m.index + m[0].length;
    const r: Record = { tag: m[1]!, step: parseInt(m[2]!, 16), index: parseInt(m[3]!, 16) };
    if (m[4]) r.value = BigInt(`0x${m[4]}`);
    stream.records.push(r);
    if (r.tag === TAG.end) stream.endAt.set(r.step, stream.text.length);
    if (r.tag === TAG.done) stream.done = stream.text.length;
  }
  stream.text += output.slice(last);
  return stream;
}

const NOT_RUN = (k: number, end: Outcome): string =>
  `not observable: the process ended at step ${k} (${formatOutcome(end)}); a command runtime cannot run later steps on that instance`;

/** The observation of `c` from a run of its lowered command. */
export function decodeLowered(c: Case, lowered: LoweredCommand, end: CommandEnd): Observation {
  const out = splitRecords(end.stdout);
  const err = lowered.mirrorStderr ? splitRecords(end.stderr) : undefined;
  const stderrText = err ? err.text : end.stderr;
  const has = (tag: string, k: number): boolean => out.records.some((r) => r.tag === tag && r.step === k);
  const values = (tag: string, k: number): bigint[] => {
    const v: bigint[] = [];
    for (const r of out.records) if (r.tag === tag && r.step === k && r.value !== undefined) v[r.index] = r.value;
    return v;
  };
  const allDone = out.done !== undefined;
  const steps: StepObservation[] = [];
  let ended: number | undefined;
  for (let k = 0; k < c.steps.length; k++) {
    const step = c.steps[k]!;
    if (ended !== undefined) {
      steps.push({ outcome: { kind: 'unsupported', feature: NOT_RUN(ended, steps[ended]!.outcome) } });
      continue;
    }
    const completed = k < lowered.steps && has(TAG.end, k);
    const obs: StepObservation = { outcome: { kind: 'return', values: [] } };
    if (completed) {
      if (step.op === 'invoke' || step.op === 'get') obs.outcome = { kind: 'return', values: lowered.plan.decodeAction(k, values(TAG.result, k)) };
      const raw = values(TAG.read, k);
      const reads = lowered.plan.steps[k]!.reads.map((_, j) => (raw[j] === undefined ? [] : [raw[j]!]));
      Object.assign(obs, lowered.plan.decodeReads(k, reads));
      if (expectsStream(step.expect, 'stdout')) obs.stdout = out.text.slice(0, out.endAt.get(k));
      if (expectsStream(step.expect, 'stderr')) obs.stderr = err ? stderrText.slice(0, err.endAt.get(k)) : stderrText;
      // `_start` returning is the command's end: exit 0, and nothing runs after it
      if (step.op === 'start') {
        obs.outcome = { kind: 'exit', code: 0 };
        ended = k;
      }
      steps.push(obs);
      continue;
    }
    ended = k;
    if (k >= lowered.steps || allDone) obs.outcome = { kind: 'crash', detail: `the lowered command ended (${formatOutcome(end.outcome)}) without running step ${k}` };
    else if (has(TAG.actionDone, k)) obs.outcome = { kind: 'crash', detail: `the lowered command ended (${formatOutcome(end.outcome)}) while reading the state after step ${k}` };
    else obs.outcome = end.outcome;
    obs.unobservable = `the process ended at this step (${formatOutcome(end.outcome)}): the instance's state after it cannot be read`;
    if (expectsStream(step.expect, 'stdout')) obs.stdout = out.text;
    if (expectsStream(step.expect, 'stderr')) obs.stderr = stderrText;
    steps.push(obs);
  }
  if (ended === undefined && !(end.outcome.kind === 'exit' && end.outcome.code === 0)) {
    // every step completed, yet the process did not end by returning from `_start`
    const last = steps[steps.length - 1]!;
    last.outcome = { kind: 'crash', detail: `the lowered command ran every step, then ended with ${formatOutcome(end.outcome)}` };
  }
  return { steps, stdout: out.text, stderr: stderrText, raw: { lowered: true, end: formatOutcome(end.outcome) } };
}

/** How a command case ([instantiate, start]) ended, from a runtime's observation of it (the reference runtime). */
export function commandEnd(obs: Observation): CommandEnd {
  const first = obs.steps[0];
  const outcome: Outcome = !first ? { kind: 'crash', detail: 'no step observed' } : first.outcome.kind !== 'return' ? first.outcome : (obs.steps[1]?.outcome ?? { kind: 'crash', detail: '`_start` never ran' });
  return { outcome, stdout: obs.stdout, stderr: obs.stderr };
}
