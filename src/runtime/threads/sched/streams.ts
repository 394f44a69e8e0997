/**
 * What the threads of a scheduled process share besides memory: stdout and stderr (one capture
 * each, written in the order the schedule ran the writes) and the stdin position. Plain objects:
 * every thread runs in the same worker.
 */
import type { RunnableCase } from '../../exec.ts';
import { Capture } from '../../wasi/wasi.ts';

export class SharedStreams {
  readonly stdout = new Capture();
  readonly stderr = new Capture();
  private stdinPos = 0;

  constructor(readonly c: Pick<RunnableCase, 'id' | 'wasi'>) {}

  /** Claims up to `want` of `length` stdin bytes; returns [offset, count]. */
  takeStdin(length: number, want: number): [number, number] {
    const pos = this.stdinPos;
    const take = Math.max(0, Math.min(want, length - pos));
    this.stdinPos = pos + take;
    return [pos, take];
  }
}
