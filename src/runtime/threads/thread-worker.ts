/**
 * Runs one spawned wasm thread inside a pooled worker: instantiate the (already instrumented)
 * module on the process's shared memory, call `wasi_thread_start(tid, arg)`, and report how it
 * ended into the process control block. A trap here ends the whole process (the first
 * termination wins); returning ends only this thread. The worker is reused afterwards.
 */
import type { Outcome } from '../../outcome.ts';
import { classifyEngineError, currentEngine } from '../classify.ts';
import { WA } from '../wasm-api.ts';
import { ProcExit } from '../wasi/wasi.ts';
import { ProcessControl, ThreadKilled } from './control.ts';
import type { PostSpawn, SpawnRequest } from './imports.ts';
import { threadImports } from './imports.ts';

const ENGINE = currentEngine();

/** What a thrown value means for the process: undefined when the thread merely unwound. */
export function terminationOf(e: unknown): Outcome | undefined {
  if (e instanceof ThreadKilled || e instanceof ProcExit) return undefined;
  if (WA.Exception && e instanceof WA.Exception) return classifyEngineError(ENGINE, 'Exception', '');
  if (e instanceof Error) return classifyEngineError(ENGINE, e.name, e.message);
  return { kind: 'crash', detail: `non-error value thrown in a thread: ${String(e)}` };
}

export function runThread(req: Omit<SpawnRequest, 'type'>, post: PostSpawn): void {
  const ctl = new ProcessControl(req.ctl);
  try {
    if (ctl.killed) return;
    const c = req.wasi ? { id: req.caseId, wasi: req.wasi } : { id: req.caseId };
    const setup = threadImports({ module: req.module, memory: req.memory, memoryImport: req.memoryImport, ctl, tid: req.tid, c, post });
    if ('unlinkable' in setup || 'unsupported' in setup) {
      ctl.terminate({ kind: 'crash', detail: `thread ${req.tid}: ${'unlinkable' in setup ? setup.unlinkable : setup.unsupported}` });
      return;
    }
    const instance = new WA.Instance(req.module, setup.imports);
    const start = instance.exports['wasi_thread_start'];
    if (typeof start !== 'function') {
      ctl.terminate({ kind: 'crash', detail: 'wasi-threads: the module exports no wasi_thread_start function' });
      return;
    }
    (start as (tid: number, arg: number) => unknown)(req.tid, req.arg);
  } catch (e) {
    const end = terminationOf(e);
    if (end) ctl.terminate(end);
  } finally {
    ctl.finish(req.tid);
  }
}
