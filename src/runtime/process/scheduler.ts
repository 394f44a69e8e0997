/**
 * The scheduler of one case's processes (host.ts has the model). All processes run on this one
 * worker, so interleaving is a pure function of the case:
 *
 *   - a FIFO run queue; a process runs until it ends or parks at a yield point (parking.ts);
 *   - signals are queued per process. A process that is not running handles its signals as they
 *     come (tokio's biased select does the same for a pending future); the running process
 *     handles its own only at a yield point, and a process about to be resumed handles them
 *     first — so `kill` is effective at the next yield point and the wasm of a killed process is
 *     simply dropped, never unwound;
 *   - time is virtual: when nothing is runnable, the earliest timed receive / sleep fires;
 *   - the run ends when every process is dead or blocked forever (quiescence).
 */
import { OutOfFuel } from '../../wasm/instrument/fuel-abi.ts';
import type { Engine } from '../classify.ts';
import { classifyEngineError } from '../classify.ts';
import { Deadlocked, ProcExit } from '../wasi/wasi.ts';
import { HostError, Killed, KILLED, ProcessUnsupported } from './errors.ts';
import { findMessage } from './mailbox.ts';
import { startRewind } from './parking.ts';
import type { Proc, ProcessEnd, Reason, Signal } from './proc.ts';

/** Test-only mutation hook (the property test's deliberately broken host): drop one LinkDied. */
export interface HostFaults {
  /** Return true to drop this LinkDied signal instead of delivering it. */
  dropLinkDied?(from: number, to: number, reason: Reason): boolean;
}

const bigintMax = (a: bigint, b: bigint): bigint => (a > b ? a : b);

export class ProcessScheduler {
  /** Every process ever created, in pid order (pid = index + 1). */
  readonly procs: Proc[] = [];
  private readonly byPid = new Map<number, Proc>();
  private readonly runQueue: Proc[] = [];
  private readonly pending: Proc[] = [];
  private current: Proc | undefined;
  private now = 0n;

  constructor(
    private readonly engine: Engine,
    private readonly faults: HostFaults,
  ) {}

  /** The process whose wasm is on the stack (or being instantiated). */
  get running(): Proc | undefined {
    return this.current;
  }

  /** Virtual time in ms. */
  get clock(): bigint {
    return this.now;
  }

  add(p: Proc): void {
    this.procs.push(p);
    this.byPid.set(p.pid, p);
  }

  /** Forgets the newest process (its instantiation failed; nobody saw its pid). */
  removeNewest(p: Proc): void {
    this.procs.pop();
    this.byPid.delete(p.pid);
  }

  /** Runs `fn` with `p` as the running process (its start function's signals are its own). */
  asRunning<T>(p: Proc, fn: () => T): T {
    const prev = this.current;
    this.current = p;
    try {
      return fn();
    } finally {
      this.current = prev;
    }
  }

  /** A live process by a guest's pid argument. */
  lookup(pid: bigint): Proc | undefined {
    const p = this.byPid.get(pidNumber(pid));
    return p && p.alive ? p : undefined;
  }

  makeRunnable(p: Proc): void {
    p.state = 'runnable';
    this.runQueue.push(p);
  }

  hasRunnable(): boolean {
    return this.runQueue.some((q) => q.state === 'runnable');
  }

  /** Runs until every process is dead or blocked with nothing that could wake it. */
  run(): void {
    for (;;) {
      this.drain();
      const p = this.runQueue.shift();
      if (p) {
        if (p.state === 'runnable') this.slice(p);
        continue;
      }
      // nothing runnable: the earliest virtual timer fires (ties: lowest pid)
      let next: Proc | undefined;
      for (const q of this.procs)
        if (q.state === 'blocked' && q.wait?.deadline !== undefined && (!next || q.wait.deadline < next.wait!.deadline!)) next = q;
      if (!next) return;
      this.now = bigintMax(this.now, next.wait!.deadline!);
      next.timedOut = true;
      this.makeRunnable(next);
    }
  }

  /** Signals of processes that are not running are handled as they arrive (FIFO over deliveries). */
  private drain(): void {
    while (this.pending.length) {
      const q = this.pending.shift()!;
      if (q !== this.current) this.handleSignals(q);
    }
  }

  deliver(to: Proc | undefined, s: Signal): void {
    if (!to || !to.alive) return;
    to.signals.push(s);
    if (to !== this.current) this.pending.push(to);
  }

  handleSignals(q: Proc): void {
    while (q.signals.length && q.alive) {
      const s = q.signals.shift()!;
      switch (s.k) {
        case 'message':
          q.mailbox.push(s.msg);
          break;
        case 'link':
          q.links.set(s.pid, s.tag);
          break;
        case 'unlink':
          q.links.delete(s.pid);
          break;
        case 'kill':
          this.terminate(q, { reason: 'failure', cause: 'killed', outcome: { kind: 'exit', code: 1 }, detail: 'Process received Kill signal' });
          break;
        case 'link-died':
          q.links.delete(s.pid);
          if (s.reason === 'normal') break;
          if (q.dieWhenLinkDies)
            this.terminate(q, { reason: 'failure', cause: 'link-died', outcome: { kind: 'exit', code: 1 }, detail: `linked process ${s.pid} died (${s.reason})` });
          else q.mailbox.push({ kind: 'link-died', tag: s.tag ?? 0n });
          break;
        case 'die-when-link-dies':
          q.dieWhenLinkDies = s.value;
          break;
        case 'monitor':
          q.monitors.add(s.pid);
          break;
        case 'stop-monitoring':
          q.monitors.delete(s.pid);
          break;
        case 'process-died':
          q.mailbox.push({ kind: 'process-died', pid: s.pid });
          break;
      }
    }
    if (q.state === 'blocked' && q.wait && !q.wait.sleep && findMessage(q.mailbox, q.wait.tags) >= 0) this.makeRunnable(q);
  }

  private terminate(p: Proc, end: ProcessEnd): void {
    if (!p.alive) return;
    p.state = 'dead';
    p.end = end;
    p.signals.length = 0;
    const reason: Reason = end.reason;
    for (const [peer, tag] of p.links) {
      if (this.faults.dropLinkDied?.(p.pid, peer, reason)) continue;
      this.deliver(this.byPid.get(peer), { k: 'link-died', pid: p.pid, tag, reason });
    }
    for (const m of p.monitors) this.deliver(this.byPid.get(m), { k: 'process-died', pid: p.pid });
    p.links.clear();
  }

  /** Runs `p` until it ends or parks. */
  private slice(p: Proc): void {
    this.current = p;
    try {
      // biased: pending signals first (a kill before the first instruction drops the process unrun)
      if (p.signals.length) {
        this.handleSignals(p);
        if (!p.alive) return;
      }
      p.state = 'running';
      const fn = p.exports[p.entry.name] as (...a: unknown[]) => unknown;
      if (p.parked) startRewind(p);
      try {
        fn(...p.entry.args);
      } catch (e) {
        this.fail(p, e);
        return;
      }
      if (p.stack.unwinding) this.finishUnwind(p);
      else this.terminate(p, { reason: 'normal', cause: 'return', outcome: { kind: 'exit', code: 0 } });
    } finally {
      this.current = undefined;
      if (p.alive && p.signals.length) this.pending.push(p);
    }
  }

  /** Ends `p` by what its wasm threw (Lunatic: proc_exit(0) is Normal, everything else a Failure). */
  private fail(p: Proc, e: unknown): void {
    if (e instanceof Killed) return; // already terminated at a yield point
    if (e instanceof ProcExit || e === p.wasi.exit) {
      const code = (e as ProcExit).code;
      this.terminate(p, code === 0 ? { reason: 'normal', cause: 'exit', code, outcome: { kind: 'exit', code } } : { reason: 'failure', cause: 'exit', code, outcome: { kind: 'exit', code } });
      return;
    }
    if (e instanceof OutOfFuel)
      return this.terminate(p, { reason: 'failure', cause: 'out-of-fuel', trap: ['out of fuel'], outcome: { kind: 'trap', trap: ['out of fuel'], message: 'all fuel consumed by WebAssembly' } });
    if (e instanceof HostError) return this.terminate(p, { reason: 'failure', cause: 'host-error', detail: e.message, outcome: { kind: 'exit', code: 1 } });
    if (e instanceof ProcessUnsupported || e instanceof Deadlocked) {
      const feature = e instanceof ProcessUnsupported ? e.feature : 'a process blocked forever in WASI';
      return this.terminate(p, { reason: 'failure', cause: 'host-error', detail: `unsupported: ${feature}`, outcome: { kind: 'unsupported', feature } });
    }
    const o = e instanceof Error ? classifyEngineError(this.engine, e.name, e.message) : { kind: 'crash' as const, detail: `non-error value thrown: ${String(e)}` };
    if (o.kind === 'trap') this.terminate(p, { reason: 'failure', cause: 'trap', trap: o.trap, detail: o.message, outcome: o });
    else this.terminate(p, { reason: 'failure', cause: 'host-error', detail: o.kind === 'crash' ? o.detail : o.kind, outcome: o });
  }

  private finishUnwind(p: Proc): void {
    p.parked = p.stack.finishUnwind();
    if (p.afterUnwind === 'runnable') this.makeRunnable(p);
    else p.state = 'blocked';
  }

  /** A yield point of the running process: its own signals now; throws KILLED when they killed it. */
  yieldPoint(p: Proc): void {
    this.handleSignals(p);
    if (!p.alive) throw KILLED;
    this.drain();
    if (!p.alive) throw KILLED;
  }
}

/** A guest's i64 pid as a table key (-1, never a pid, past 2^53). */
export function pidNumber(pid: bigint): number {
  const u = BigInt.asUintN(64, pid);
  return u > BigInt(Number.MAX_SAFE_INTEGER) ? -1 : Number(u);
}
