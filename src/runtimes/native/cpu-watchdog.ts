/**
 * The watchdog of one step of a native child (a REPL line, a banner, a one-shot command): it fires
 * when the child has HUNG, never because the machine is busy. Measured (session 7, iwasm 2.4.5 and
 * wasm3 0.9.0 on 96 core-traps cases, seed 21): with six busy loops beside them and trapcheck's own
 * event loop blocked 0.9 s a second, a wall-clock budget of 5 s for all of a case's steps turned 22
 * of 192 results into `timeout` (or, when it fired between two state reads, into "memory / global
 * differs"); the same cases took well under 1 s of CPU each. A wall clock there measures the load.
 *
 * So the budget is the child's CPU time since the step began (user + system, all its threads, from
 * /proc/<pid>/stat), and a child that uses none is only "hung" when it is blocked: every thread
 * asleep (state S) for `idleMs`, past the step's budget of wall time. A starved child is runnable
 * (state R) and is left alone up to the wall-clock `backstopMs`. Without /proc, wall time is all
 * there is, and the budget is wall time.
 *
 * It never decides on a stale view: a check runs on a timer, and the timer's callback runs before
 * Node reads the pipes that became readable while the event loop was busy, so a firing is only
 * acted on after one more turn of the loop (`setImmediate`), once pending output has been read and
 * has had the chance to disarm it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { existsSync, readdirSync, readFileSync } from 'node:fs';

export interface ProcessSample {
  /** CPU milliseconds used so far, all threads. */
  cpuMs: number;
  /** Some thread is runnable or in the kernel (R, D): the process is not blocked by its own choice. */
  runnable: boolean;
}

/** /proc/<pid>/stat (and its threads' states) → a sample; undefined when /proc cannot tell. */
export function sampleProcess(pid: number): ProcessSample | undefined {
  try {
    const cpuMs = ticksMs(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    let runnable = false;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      let stat: string;
      try {
        stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      } catch {
        continue; // the thread ended meanwhile
      }
      const state = stat.charAt(stat.lastIndexOf(')') + 2);
      if (state !== 'S' && state !== 'Z' && state !== 'X' && state !== 'I') runnable = true;
    }
    return { cpuMs, runnable };
  } catch {
    return undefined;
  }
}

/** utime + stime of a stat line, in ms (USER_HZ is 100 on Linux x86_64 and arm64: fixed in the ABI). */
function ticksMs(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

export interface StepLimits {
  /** CPU milliseconds the step may use (wall milliseconds where /proc is missing). */
  budgetMs: number;
  /** Wall milliseconds after which the step is ended whatever the CPU says (default 10× the budget). */
  backstopMs?: number;
}

export interface WatchdogFiring {
  why: 'cpu' | 'blocked' | 'backstop' | 'wall';
  cpuMs: number | undefined;
  wallMs: number;
}

/** What the watchdog reads; tests inject a slow or starved child here. */
export interface WatchdogProbe {
  now(): number;
  /** Whether /proc exists here at all (else the budget is wall time). */
  hasProc(): boolean;
  sample(pid: number): ProcessSample | undefined;
}

const PROC = existsSync('/proc/self/stat');
/** Every firing inside `recordFirings` is logged there (confirm-timeout.ts reads why a run hung). */
const firingLog = new AsyncLocalStorage<WatchdogFiring[]>();

/** Runs `work`, collecting the watchdog firings of the steps it starts. */
export async function recordFirings<T>(work: () => Promise<T>): Promise<{ value: T; firings: WatchdogFiring[] }> {
  const firings: WatchdogFiring[] = [];
  const value = await firingLog.run(firings, work);
  return { value, firings };
}

const REAL_PROBE: WatchdogProbe = { now: () => performance.now(), hasProc: () => PROC, sample: sampleProcess };
const POLL_MS = 100;
/** A blocked child: no thread runnable and no CPU used for this long. */
export const IDLE_MS = 1_500;
const BACKSTOP_FACTOR = 10;
/** Polls further apart than this mean trapcheck's event loop was busy, not the child. */
const STALL_GAP_MS = 4 * POLL_MS;

export class StepWatchdog {
  private timer: NodeJS.Timeout | undefined;
  private armedAt = 0;
  private cpuAtArm: number | undefined;
  private lastCpu: number | undefined;
  private busyAt = 0;
  private polledAt = 0;
  private limits: Required<StepLimits> = { budgetMs: 0, backstopMs: 0 };
  /** Bumped by every arm / disarm: a deferred firing of an older step is dropped. */
  private generation = 0;

  constructor(
    private readonly pid: () => number | undefined,
    private readonly onFire: (f: WatchdogFiring) => void,
    private readonly probe: WatchdogProbe = REAL_PROBE,
  ) {}

  /** Starts watching a new step. */
  arm(limits: StepLimits): void {
    this.disarm();
    this.limits = { budgetMs: limits.budgetMs, backstopMs: limits.backstopMs ?? limits.budgetMs * BACKSTOP_FACTOR };
    this.armedAt = this.probe.now();
    this.busyAt = this.armedAt;
    this.polledAt = this.armedAt;
    const pid = this.pid();
    this.cpuAtArm = pid === undefined ? undefined : this.probe.sample(pid)?.cpuMs;
    this.lastCpu = this.cpuAtArm;
    this.schedule();
  }

  /** The step ended (a reply came, the process ended). */
  disarm(): void {
    this.generation++;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    const gen = this.generation;
    this.timer = setTimeout(() => this.check(gen), POLL_MS);
  }

  /** One poll: fire (after a turn of the loop), or look again later. */
  check(gen: number): void {
    if (gen !== this.generation) return;
    const firing = this.verdict();
    if (!firing) return this.schedule();
    // let I/O that is already readable be read first: a reply that came in time disarms us
    setImmediate(() => {
      if (gen === this.generation) {
        this.disarm();
        firingLog.getStore()?.push(firing);
        this.onFire(firing);
      }
    });
  }

  /** Whether the step has hung, from one sample. Exported behaviour, tested with a fake probe. */
  verdict(): WatchdogFiring | undefined {
    const now = this.probe.now();
    const wallMs = now - this.armedAt;
    const pid = this.pid();
    if (!this.probe.hasProc()) return wallMs > this.limits.budgetMs ? { why: 'wall', cpuMs: undefined, wallMs } : undefined;
    const s = pid === undefined ? undefined : this.probe.sample(pid);
    // gone (a zombie has no threads to list): it ended, and its close event is on its way
    if (!s) return wallMs > this.limits.backstopMs ? { why: 'backstop', cpuMs: undefined, wallMs } : undefined;
    this.cpuAtArm ??= s.cpuMs;
    const cpuMs = s.cpuMs - this.cpuAtArm;
    // a long gap since the last poll: trapcheck's own loop was stalled, and the child may have
    // been idle only because its answer waited to be read; it does not count as blocked
    if (s.runnable || s.cpuMs !== this.lastCpu || now - this.polledAt > STALL_GAP_MS) this.busyAt = now;
    this.polledAt = now;
    this.lastCpu = s.cpuMs;
    if (cpuMs > this.limits.budgetMs) return { why: 'cpu', cpuMs, wallMs };
    if (wallMs > this.limits.budgetMs && now - this.busyAt > IDLE_MS) return { why: 'blocked', cpuMs, wallMs };
    if (wallMs > this.limits.backstopMs) return { why: 'backstop', cpuMs, wallMs };
    return undefined;
  }
}
