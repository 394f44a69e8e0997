/**
 * The views of one control block (control-layout.ts has the map) and what every part of it
 * needs: the process lock, the kill flag, the end record (first termination wins) and waking a
 * blocked thread. The thread table's waits (control-waits.ts) and the stdio (control-stdio.ts)
 * build on it.
 */
import type { Outcome } from '../../outcome.ts';
import { E_NONE, E_SET, END_BYTES, END_OFF, MAX_THREADS, slot, T_BLOCKED, T_RUNNING, T_STUCK, T_TIMED, TIME_OFF, TO_RESULT, TO_STATE, TO_WAKE, W_END, W_END_LEN, W_KILL, W_LOCK, W_NEXT_TID, WORDS } from './control-layout.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();

export class ControlBlock {
  readonly words: Int32Array;
  /** Virtual clock (ns) at [0], then one deadline per thread. */
  readonly times: Float64Array;
  readonly bytes: Uint8Array;

  constructor(readonly sab: SharedArrayBuffer) {
    this.words = new Int32Array(sab, 0, WORDS);
    this.times = new Float64Array(sab, TIME_OFF, 1 + MAX_THREADS);
    this.bytes = new Uint8Array(sab);
  }

  // --- lock (a three-state futex mutex; critical sections are a few dozen loads) -----------------

  lock(): void {
    const w = this.words;
    let c = Atomics.compareExchange(w, W_LOCK, 0, 1);
    if (c === 0) return;
    do {
      if (c === 2 || Atomics.compareExchange(w, W_LOCK, 1, 2) !== 0) Atomics.wait(w, W_LOCK, 2);
    } while ((c = Atomics.compareExchange(w, W_LOCK, 0, 2)) !== 0);
  }

  unlock(): void {
    if (Atomics.sub(this.words, W_LOCK, 1) !== 1) {
      Atomics.store(this.words, W_LOCK, 0);
      Atomics.notify(this.words, W_LOCK, 1);
    }
  }

  // --- kill flag and end record ------------------------------------------------------------------

  get killed(): boolean {
    return Atomics.load(this.words, W_KILL) !== 0;
  }

  /** The end record, once some thread ended the process. */
  end(): Outcome | undefined {
    if (Atomics.load(this.words, W_END) === E_NONE) return undefined;
    const len = Atomics.load(this.words, W_END_LEN);
    return JSON.parse(dec.decode(this.bytes.slice(END_OFF, END_OFF + len))) as Outcome;
  }

  /** (Lock held.) Records `outcome` unless an end is recorded already, sets the kill flag, wakes every blocked thread. */
  terminateLocked(outcome: Outcome): void {
    const w = this.words;
    if (w[W_END] === E_NONE) {
      let text = enc.encode(JSON.stringify(outcome));
      if (text.length > END_BYTES) text = enc.encode(JSON.stringify({ ...outcome, message: '' }));
      this.bytes.set(text.subarray(0, END_BYTES), END_OFF);
      w[W_END_LEN] = Math.min(text.length, END_BYTES);
      Atomics.store(w, W_END, E_SET);
    }
    Atomics.store(w, W_KILL, 1);
    const n = w[W_NEXT_TID]!;
    for (let tid = 0; tid < n; tid++) {
      const s = w[slot(tid, TO_STATE)]!;
      if (s === T_BLOCKED || s === T_TIMED || s === T_STUCK) this.wake(tid, 2);
    }
  }

  /** Sets the wake word of a blocked thread and wakes it (lock held). */
  wake(tid: number, result: number): void {
    const w = this.words;
    w[slot(tid, TO_STATE)] = T_RUNNING;
    w[slot(tid, TO_RESULT)] = result;
    Atomics.store(w, slot(tid, TO_WAKE), 1);
    Atomics.notify(w, slot(tid, TO_WAKE));
  }
}
