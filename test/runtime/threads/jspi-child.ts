/**
 * Runs generated threads cases through the scheduler's stack-switching backend, in a node started
 * with the reference children's flags, or under Deno or Bun, which have the standard JSPI API
 * (test/runtime/threads/jspi-backend.test.ts spawns it: the test process itself has no stack
 * switching). Prints one JSON line: each case's observation, how many ran on stack switching, and
 * any thread left linked after its case (a stack not unwound).
 *
 *   node <flags> bin/run-ts.js test/runtime/threads/jspi-child.ts FAMILY SEED COUNT [PLANT]
 *   deno run --allow-read --allow-env --allow-sys test/runtime/threads/jspi-child.ts FAMILY SEED COUNT [PLANT]
 *   bun run test/runtime/threads/jspi-child.ts FAMILY SEED COUNT [PLANT]
 *
 * PLANT `out-of-order` makes the backend hand the CPU once per case to the wrong thread (the
 * lowest other tid that is parked) instead of the one the scheduler chose; `quantum` makes the
 * loop-header count one short (a switch at the 63rd header): the test must see either.
 */
import { generateCase } from '../../../generators/index.ts';
import { executeCaseAsync } from '../../../src/runtime/exec.ts';
import type { ThreadedProcessLike } from '../../../src/runtime/exec.ts';
import { toPoolCase } from '../../../src/runtime/pool.ts';
import { createThreadedProcess } from '../../../src/runtime/threads/process.ts';
import { JspiBackend } from '../../../src/runtime/threads/sched/jspi-backend.ts';
import { stackSwitching } from '../../../src/runtime/threads/sched/stack-switching.ts';

const [family, seed, count, plant] = process.argv.slice(2);
const switching = stackSwitching();
if (!switching) {
  process.stdout.write(`${JSON.stringify({ error: 'no stack switching in this node' })}\n`);
  process.exit(0);
}
if (plant === 'out-of-order') {
  type Internals = { env: { sched: { current: number } }; threads: Map<number, { tid: number; parked: boolean }>; planted?: boolean };
  const proto = JspiBackend.prototype as unknown as { handOver(this: Internals): void };
  const handOver = proto.handOver;
  proto.handOver = function (this: Internals): void {
    const chosen = this.env.sched.current;
    const other = [...this.threads.values()].filter((t) => t.parked && t.tid !== chosen).sort((a, b) => a.tid - b.tid)[0];
    if (other && !this.planted) {
      this.planted = true;
      this.env.sched.current = other.tid;
    }
    handOver.call(this);
  };
} else if (plant === 'quantum') {
  const { LOOP_QUANTUM } = await import('../../../src/runtime/threads/sched/scheduler.ts');
  const proto = JspiBackend.prototype as unknown as { link(t: { tid: number }, funcs: unknown, imports: Record<string, Record<string, unknown>>): unknown };
  const link = proto.link;
  proto.link = function (this: { env: { sched: { thread(tid: number): { polls: number } } } }, t, funcs, imports) {
    const poll = imports['trapcheck:threads']?.['poll'] as (() => unknown) | undefined;
    if (poll) {
      const sched = this.env.sched;
      imports['trapcheck:threads']!['poll'] = () => {
        sched.thread(t.tid).polls = LOOP_QUANTUM - 2;
        return poll();
      };
    }
    return link.call(this, t, funcs, imports);
  };
}

let last: ThreadedProcessLike | undefined;
const threads = { create: (c: Parameters<typeof createThreadedProcess>[0]) => (last = createThreadedProcess(c, { post: () => undefined })) };
const observations: string[] = [];
let onStackSwitching = 0;
const leaks: string[] = [];
for (let i = 0; i < Number(count); i++) {
  const c = toPoolCase(generateCase(family!, Number(seed), i));
  last = undefined;
  observations.push(JSON.stringify(await executeCaseAsync(c, { threads })));
  if ((last as unknown as { backend?: unknown } | undefined)?.backend instanceof JspiBackend) onStackSwitching++;
  if (switching.linked !== 0) leaks.push(`${c.id}: ${switching.linked} threads still linked`);
}
process.stdout.write(`${JSON.stringify({ api: switching.api, onStackSwitching, leaks, observations })}\n`);
