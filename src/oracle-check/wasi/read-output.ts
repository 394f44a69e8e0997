/**
 * Reads one wasm-interp run of a planned WASI case (plan.ts) back into an observation. stdout is
 * one line per event, in execution order: `called host host.print(i32:T, i32:V) =>` for each
 * shim report (shim-code.ts; `loaded` from the first export, run once instantiation is over) and `__tc_<k>() => <results | error: <trap>>` when step k's export
 * returns or traps. A trap in the start function ends the load: `error initializing module: …`.
 *
 * Rules, those of a WASI process (README, case format): an exit marker is `exit(code)` at the step
 * that ran it (the trap line the shim's `unreachable` then causes is not the guest's); a `start`
 * step that returns is `exit 0`; after an exit every later step observes that exit and the output
 * written up to it (the process is gone: what wasm-interp printed after it is ignored). Output
 * is cumulative per step, decoded as UTF-8.
 */
import type { Case } from '../../case.ts';
import type { Observation, StepObservation } from '../../observation.ts';
import type { Outcome } from '../../outcome.ts';
import type { ProcessResult } from '../../runtimes/wabt.ts';
import { classifyWabt } from '../../runtimes/wabt.ts';
import type { WasiRunPlan } from './plan.ts';
import { STEP_EXPORT } from './plan.ts';
import { TAG } from './shim-code.ts';

type Event = { fd: 1 | 2; byte: number } | { exit: number } | { unsupported: string };
interface Segment {
  events: Event[];
  /** The export line that closes the segment. */
  result: string;
}

const PRINT = /^called host host\.print\(i32:(\d+), i32:(\d+)\) =>/;
const RESULT = new RegExp(`^${STEP_EXPORT}(\\d+)\\(\\) =>\\s?(.*)$`);

function eventOf(tag: number, value: number): Event {
  if (tag === 1 || tag === 2) return { fd: tag, byte: value & 0xff };
  if (tag === TAG.exit) return { exit: value };
  if (tag === TAG.otherFd) return { unsupported: `fd_write to fd ${value} (the shim has stdout and stderr only)` };
  if (tag === TAG.fault) return { unsupported: 'fd_write with an iovec, buffer or nwritten outside memory (EFAULT: the shim stops there)' };
  return { unsupported: `unknown shim report ${tag}` };
}

/** Events of the load (up to the `loaded` report), then those before each `__tc_<k>` line, by k. */
function segments(stdout: string): { load: Event[]; steps: Map<number, Segment> } {
  const load: Event[] = [];
  const steps = new Map<number, Segment>();
  let current: Event[] = load;
  for (const line of stdout.split('\n')) {
    const p = PRINT.exec(line);
    if (p && Number(p[1]) === TAG.loaded) current = [];
    else if (p) current.push(eventOf(Number(p[1]), Number(p[2])));
    const r = RESULT.exec(line);
    if (r) {
      steps.set(Number(r[1]), { events: current, result: r[2]! });
      current = [];
    }
  }
  return { load, steps };
}

/** Whole stdout / stderr bytes so far, and the first exit or unsupported report. */
class Streams {
  private readonly bytes: Record<1 | 2, number[]> = { 1: [], 2: [] };
  private readonly dec = new TextDecoder();
  end: Outcome | undefined;

  absorb(events: readonly Event[]): void {
    for (const e of events) {
      if (this.end) return;
      if ('fd' in e) this.bytes[e.fd].push(e.byte);
      else if ('exit' in e) this.end = { kind: 'exit', code: e.exit };
      else this.end = { kind: 'unsupported', feature: e.unsupported };
    }
  }

  text(fd: 1 | 2): string {
    return this.dec.decode(Uint8Array.from(this.bytes[fd]));
  }
}

function values(plan: WasiRunPlan, k: number, printed: string): Outcome {
  const parts = printed.trim() === '' ? [] : printed.split(', ');
  const raw: bigint[] = [];
  for (const p of parts) {
    const m = /^(?:i32|i64):(\d+)$/.exec(p.trim());
    if (!m) return { kind: 'crash', detail: `unreadable wasm-interp value ${JSON.stringify(p)}` };
    raw.push(BigInt(m[1]!));
  }
  return { kind: 'return', values: plan.probes.decodeAction(k, raw) };
}

export function readWasiRun(c: Case, plan: WasiRunPlan, r: ProcessResult): Observation {
  const raw = { exitCode: r.code, signal: r.signal };
  const { load, steps: seen } = segments(r.stdout);
  const streams = new Streams();
  const steps: StepObservation[] = [];
  const observe = (outcome: Outcome): void => {
    steps.push({ outcome, stdout: streams.text(1), stderr: streams.text(2) });
  };
  const init = /error initializing module: (.*)/.exec(`${r.stdout}\n${r.stderr}`);
  if (!init && seen.size === 0 && !r.timedOut && r.code !== 0) {
    const msg = `${r.stdout}\n${r.stderr}`.trim().split('\n').filter(Boolean).slice(-1)[0] ?? `exit code ${r.code}`;
    // the module as rewritten failed to load: reported as a crash of the adapter, never as the case's rejection
    return { steps: [{ outcome: { kind: 'crash', detail: `wasm-interp refused the lowered module: ${msg}` } }], stdout: '', stderr: '', raw };
  }
  for (let k = 0; k < c.steps.length; k++) {
    const step = c.steps[k]!;
    if (streams.end) {
      observe(streams.end);
      continue;
    }
    if (step.op === 'instantiate') {
      streams.absorb(load);
      observe(streams.end ?? (init ? classifyWabt(init[1]!) : { kind: 'return', values: [] }));
      if (init && !streams.end) break;
      continue;
    }
    const s = seen.get(k);
    if (!s) {
      observe(r.timedOut ? { kind: 'timeout', budgetMs: r.budgetMs } : { kind: 'crash', detail: `wasm-interp ended before step ${k} (${r.signal ? `signal ${r.signal}` : `exit code ${r.code}`})` });
      break;
    }
    streams.absorb(s.events);
    if (streams.end) observe(streams.end);
    else if (s.result.startsWith('error: ')) observe(classifyWabt(s.result.slice('error: '.length)));
    else if (step.op === 'start') {
      // returning from `_start` is exit 0, and the process ends there
      streams.end = { kind: 'exit', code: 0 };
      observe(streams.end);
    } else observe(values(plan, k, s.result));
  }
  return { steps, stdout: streams.text(1), stderr: streams.text(2), raw };
}
