/**
 * The host-side futex queue of a wasi-threads process and its progress rule (control.ts has the
 * why). The rewritten `memory.atomic.wait/notify` of every thread go through here, under the
 * process lock, together with the process's one virtual clock, which only finite waits that time
 * out (and WASI clock reads) move forward.
 */
import type { ControlBlock } from './control-block.ts';
import { slot, T_BLOCKED, T_RUNNING, T_STUCK, T_TIMED, TO_ADDR, TO_RESULT, TO_SEQ, TO_STATE, TO_WAKE, W_NEXT_TID, W_SEQ } from './control-layout.ts';
import { KILLED } from './thread-killed.ts';

export class ThreadWaits {
  constructor(private readonly b: ControlBlock) {}

  /**
   * The progress rule (lock held, process alive): when no thread is RUNNING, the earliest finite
   * waiter times out (virtual time advances); when none is waiting finitely either, the process
   * is deadlocked.
   */
  progressCheck(): void {
    const w = this.b.words;
    const times = this.b.times;
    const n = w[W_NEXT_TID]!;
    let earliest = -1;
    let blocked = 0;
    for (let tid = 0; tid < n; tid++) {
      const s = w[slot(tid, TO_STATE)]!;
      if (s === T_RUNNING) return;
      if (s === T_TIMED) {
        if (earliest < 0) earliest = tid;
        else {
          const d = times[1 + tid]!;
          const e = times[1 + earliest]!;
          if (d < e || (d === e && w[slot(tid, TO_SEQ)]! < w[slot(earliest, TO_SEQ)]!)) earliest = tid;
        }
      } else if (s === T_BLOCKED || s === T_STUCK) blocked++;
    }
    if (earliest >= 0) {
      times[0] = Math.max(times[0]!, times[1 + earliest]!);
      this.b.wake(earliest, 2);
      return;
    }
    if (blocked > 0) this.b.terminateLocked({ kind: 'deadlock' });
  }

  /**
   * `memory.atomic.wait32/64` for thread `tid` on effective address `ea`. `matches` reads the
   * guest word atomically (done under the lock, so a notify between the check and the sleep is
   * never lost). Returns 0 (woken), 1 (not equal) or 2 (timed out); throws KILLED when the process
   * ended while waiting.
   */
  wait(tid: number, ea: number, matches: () => boolean, timeoutNs: bigint): number {
    const b = this.b;
    const w = b.words;
    const wakeIdx = slot(tid, TO_WAKE);
    b.lock();
    try {
      if (b.killed) throw KILLED;
      if (!matches()) return 1;
      if (timeoutNs === 0n) return 2;
      const finite = timeoutNs > 0n;
      w[slot(tid, TO_STATE)] = finite ? T_TIMED : T_BLOCKED;
      w[slot(tid, TO_ADDR)] = ea;
      w[slot(tid, TO_SEQ)] = ++w[W_SEQ]!;
      w[wakeIdx] = 0;
      if (finite) b.times[1 + tid] = b.times[0]! + Number(timeoutNs);
      this.progressCheck();
    } finally {
      b.unlock();
    }
    // A finite wait also honours real time (a peer busy for longer than the timeout).
    const realMs = timeoutNs > 0n ? Number(timeoutNs) / 1e6 : undefined;
    const until = realMs === undefined ? Infinity : performance.now() + realMs;
    for (;;) {
      const left = until - performance.now();
      const r = Atomics.wait(w, wakeIdx, 0, left === Infinity ? undefined : Math.max(0, left));
      if (b.killed) throw KILLED;
      if (Atomics.load(w, wakeIdx) !== 0) return w[slot(tid, TO_RESULT)]!;
      if (r === 'timed-out' && performance.now() >= until) {
        b.lock();
        try {
          if (w[wakeIdx] === 0) {
            w[slot(tid, TO_STATE)] = T_RUNNING;
            return 2;
          }
          return w[slot(tid, TO_RESULT)]!;
        } finally {
          b.unlock();
        }
      }
    }
  }

  /** `memory.atomic.notify`: wakes up to `count` waiters on `ea`, oldest first; returns how many. */
  notify(ea: number, count: number): number {
    const b = this.b;
    const w = b.words;
    b.lock();
    try {
      let woken = 0;
      const n = w[W_NEXT_TID]!;
      while (woken < count) {
        let best = -1;
        for (let tid = 0; tid < n; tid++) {
          const s = w[slot(tid, TO_STATE)]!;
          if ((s === T_BLOCKED || s === T_TIMED) && w[slot(tid, TO_ADDR)] === ea && (best < 0 || w[slot(tid, TO_SEQ)]! < w[slot(best, TO_SEQ)]!)) best = tid;
        }
        if (best < 0) break;
        b.wake(best, 0);
        woken++;
      }
      return woken;
    } finally {
      b.unlock();
    }
  }

  /** Blocks thread `tid` until the process ends (a read that can never complete). Always throws KILLED. */
  blockForever(tid: number): never {
    const b = this.b;
    const w = b.words;
    const wakeIdx = slot(tid, TO_WAKE);
    b.lock();
    try {
      if (!b.killed) {
        w[slot(tid, TO_STATE)] = T_STUCK;
        w[wakeIdx] = 0;
        this.progressCheck();
      }
    } finally {
      b.unlock();
    }
    while (!b.killed) Atomics.wait(w, wakeIdx, 0);
    throw KILLED;
  }

  // --- the virtual clock -------------------------------------------------------------------------

  /** Virtual time of the process in ns (advanced by finite waits that time out). */
  get virtualNs(): number {
    return this.b.times[0]!;
  }

  /** The process's one virtual clock as WASI reads it (ns since the process started). */
  clockNs(): bigint {
    return BigInt(Math.round(this.b.times[0]!));
  }

  /** Moves the process clock forward to `ns` (a clock read's tick); never back. */
  setClock(ns: bigint): void {
    const b = this.b;
    b.lock();
    try {
      b.times[0] = Math.max(b.times[0]!, Number(ns));
    } finally {
      b.unlock();
    }
  }

  /**
   * A poll_oneoff sleep of thread `tid` until virtual `ns`: a finite wait nobody can notify (its
   * address is negative), so it ends when the process clock reaches `ns` (every thread blocked)
   * or its real-time bound passes; either way the clock is at `ns` afterwards.
   */
  sleepUntil(tid: number, ns: bigint): void {
    const left = ns - this.clockNs();
    if (left > 0n) this.wait(tid, -1 - tid, () => true, left);
    this.setClock(ns);
  }
}
