/**
 * A wasi-threads process's shared stdio in its control block: one stdin position every thread
 * claims from, and one output log (stdout and stderr of all threads as records `fd, u32 length,
 * bytes`, in order of arrival) that the supervisor reads back per fd.
 */
import type { ControlBlock } from './control-block.ts';
import { OUT_OFF, THREAD_OUTPUT_BYTES, W_OUT_DROPPED, W_OUT_LEN, W_STDIN_POS } from './control-layout.ts';

/** A record's header: the fd byte, then the u32 length. */
const RECORD_HEADER = 5;

export class SharedStdio {
  constructor(private readonly b: ControlBlock) {}

  /** Claims up to `want` bytes of stdin from `length` available; returns the start offset and count. */
  takeStdin(length: number, want: number): [number, number] {
    const b = this.b;
    b.lock();
    try {
      const pos = b.words[W_STDIN_POS]!;
      const take = Math.max(0, Math.min(want, length - pos));
      b.words[W_STDIN_POS] = pos + take;
      return [pos, take];
    } finally {
      b.unlock();
    }
  }

  /** Appends one write (fd 1 or 2) to the process's output log, in order of arrival. */
  write(fd: number, data: Uint8Array): void {
    const b = this.b;
    b.lock();
    try {
      const w = b.words;
      const used = w[W_OUT_LEN]!;
      const room = THREAD_OUTPUT_BYTES - used - RECORD_HEADER;
      if (room <= 0) {
        w[W_OUT_DROPPED] = w[W_OUT_DROPPED]! + data.length;
        return;
      }
      const n = Math.min(room, data.length);
      if (n < data.length) w[W_OUT_DROPPED] = w[W_OUT_DROPPED]! + data.length - n;
      const at = OUT_OFF + used;
      b.bytes[at] = fd;
      new DataView(b.sab, at + 1, 4).setUint32(0, n, true);
      b.bytes.set(data.subarray(0, n), at + RECORD_HEADER);
      w[W_OUT_LEN] = used + RECORD_HEADER + n;
    } finally {
      b.unlock();
    }
  }

  /** Everything written to `fd` so far, concatenated in order of arrival. */
  output(fd: number): Uint8Array {
    const b = this.b;
    const used = Atomics.load(b.words, W_OUT_LEN);
    const parts: Uint8Array[] = [];
    let total = 0;
    const dv = new DataView(b.sab, OUT_OFF, THREAD_OUTPUT_BYTES);
    for (let p = 0; p < used; ) {
      const f = b.bytes[OUT_OFF + p]!;
      const n = dv.getUint32(p + 1, true);
      if (f === fd) {
        parts.push(b.bytes.slice(OUT_OFF + p + RECORD_HEADER, OUT_OFF + p + RECORD_HEADER + n));
        total += n;
      }
      p += RECORD_HEADER + n;
    }
    const out = new Uint8Array(total);
    let at = 0;
    for (const x of parts) {
      out.set(x, at);
      at += x.length;
    }
    return out;
  }

  /** Bytes that did not fit in the log. */
  get dropped(): number {
    return Atomics.load(this.b.words, W_OUT_DROPPED);
  }
}
