/**
 * The raw V8 loop (compile + instantiate + call) in a child process under the same V8 flags as
 * the reference runtime's children (runtimes/process-pool.ts CHILD_EXEC_ARGV). The children run
 * without the trap handler and with eager Liftoff, which makes compile + instantiate ~30% cheaper
 * than under Node's defaults; a raw loop under the defaults therefore flatters every ratio
 * against it. This one is the fair baseline (bench/raw-compile-child.mjs does the loop).
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { CHILD_EXEC_ARGV } from '../src/runtimes/process-pool.ts';

type FromRawChild = { t: 'ready' | 'loaded' | 'done' };

export interface RawChild {
  /** One pass over every module; resolves when the child has run them all. */
  run(): Promise<void>;
  close(): void;
}

function nextMessage(proc: ChildProcess, t: FromRawChild['t']): Promise<void> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: FromRawChild): void => {
      if (m.t !== t) return;
      proc.off('message', onMessage);
      proc.off('exit', onExit);
      resolve();
    };
    const onExit = (code: number | null): void => {
      proc.off('message', onMessage);
      reject(new Error(`raw baseline child exited (code ${code}) while waiting for '${t}'`));
    };
    proc.on('message', onMessage);
    proc.once('exit', onExit);
  });
}

export async function startRawChild(modules: readonly Uint8Array[]): Promise<RawChild> {
  const proc = fork(new URL('./raw-compile-child.mjs', import.meta.url), [], { execArgv: [...CHILD_EXEC_ARGV], serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  await nextMessage(proc, 'ready');
  const loaded = nextMessage(proc, 'loaded');
  proc.send({ t: 'load', modules });
  await loaded;
  return {
    run(): Promise<void> {
      const done = nextMessage(proc, 'done');
      proc.send({ t: 'run' });
      return done;
    },
    close(): void {
      proc.kill();
    },
  };
}
