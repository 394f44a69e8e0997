/**
 * The import object of one wasm thread of a wasi-threads process (main or spawned): the shared
 * memory under the module's own import names, `wasi.thread-spawn`, the host hooks the
 * instrumentation calls (wait/notify/poll), and WASI preview1 sharing stdio, stdin and exit with
 * the other threads through the process control block. No binaryen here: spawned threads load
 * only this and control.ts.
 */
import type { RunnableCase } from '../exec.ts';
import type { WasmImportDescriptor, WasmMemory, WasmModule } from '../wasm-api.ts';
import { WA } from '../wasm-api.ts';
import type { MemoryBinding } from '../wasi/wasi.ts';
import { Capture, isImplementedWasiFunction, WASI_MODULE, WasiHost } from '../wasi/wasi.ts';
import type { ProcessControl } from './control.ts';
import { KILLED } from './control.ts';

export const THREADS_MODULE = 'wasi';
export const SPAWN_NAME = 'thread-spawn';
/** Must match src/wasm/instrument/threads.ts HOOK_MODULE (kept literal: this file must not load binaryen). */
export const HOOK_MODULE = 'trapcheck:threads';

/** What the supervisor needs to start a spawned thread (posted by the spawning worker). */
export interface SpawnRequest {
  type: 'spawn';
  module: WasmModule;
  memory: WasmMemory;
  memoryImport: { module: string; base: string };
  ctl: SharedArrayBuffer;
  tid: number;
  arg: number;
  caseId: string;
  wasi?: RunnableCase['wasi'];
}

export type PostSpawn = (req: SpawnRequest) => void;

/** A stdio stream of a threaded process: writes go to the shared log, in order of arrival. */
export class SharedCapture extends Capture {
  constructor(
    private readonly ctl: ProcessControl,
    private readonly fd: 1 | 2,
  ) {
    super();
  }
  override write(bytes: Uint8Array): void {
    this.ctl.write(this.fd, bytes);
  }
  override get size(): number {
    return this.ctl.output(this.fd).length;
  }
  override text(): string {
    return new TextDecoder('utf-8').decode(this.ctl.output(this.fd));
  }
}

export interface ThreadSetup {
  module: WasmModule;
  memory: WasmMemory;
  memoryImport: { module: string; base: string };
  ctl: ProcessControl;
  tid: number;
  c: Pick<RunnableCase, 'id' | 'wasi'>;
  post: PostSpawn;
}

export interface ThreadImports {
  imports: Record<string, Record<string, unknown>>;
  wasi: WasiHost;
  binding: MemoryBinding;
}

/** The imports for one thread, or a string naming the import that cannot be satisfied. */
export function threadImports(s: ThreadSetup): ThreadImports | { unlinkable: string } | { unsupported: string } {
  const { ctl, tid, memory } = s;
  const wasi = new WasiHost(s.c, {
    stdout: new SharedCapture(ctl, 1),
    stderr: new SharedCapture(ctl, 2),
    takeStdin: (length, want) => ctl.takeStdin(length, want),
    blockForever: () => ctl.blockForever(tid),
    procExit: (code) => {
      ctl.terminate({ kind: 'exit', code });
    },
    // one virtual clock per process: a poll_oneoff sleep is a timed block ordered against every other thread's
    clock: { get: () => ctl.clockNs(), set: (ns) => ctl.setClock(ns), sleepUntil: (ns) => ctl.sleepUntil(tid, ns) },
  });
  const binding: MemoryBinding = { memory };
  const hooks = {
    wait32: (ea: number, expected: number, timeout: bigint): number =>
      ctl.wait(tid, ea, () => Atomics.load(new Int32Array(memory.buffer), ea >>> 2) === expected, timeout),
    wait64: (ea: number, expected: bigint, timeout: bigint): number =>
      ctl.wait(tid, ea, () => Atomics.load(new BigInt64Array(memory.buffer), ea >>> 3) === expected, timeout),
    notify: (ea: number, count: number): number => ctl.notify(ea, count >>> 0),
    poll: (): void => ctl.poll(),
  };
  const spawn = (arg: number): number => {
    const child = ctl.reserveThread();
    if (child === -1) throw KILLED;
    if (child < 0) return child;
    const req: SpawnRequest = { type: 'spawn', module: s.module, memory, memoryImport: s.memoryImport, ctl: ctl.sab, tid: child, arg, caseId: s.c.id };
    if (s.c.wasi) req.wasi = s.c.wasi;
    s.post(req);
    return child;
  };
  const imports: Record<string, Record<string, unknown>> = {};
  let wasiFns: Record<string, unknown> | undefined;
  for (const imp of WA.Module.imports(s.module) as WasmImportDescriptor[]) {
    const ns = (imports[imp.module] ??= {});
    if (imp.kind === 'memory' && imp.module === s.memoryImport.module && imp.name === s.memoryImport.base) ns[imp.name] = memory;
    else if (imp.module === HOOK_MODULE && imp.name in hooks) ns[imp.name] = hooks[imp.name as keyof typeof hooks];
    else if (imp.module === THREADS_MODULE && imp.name === SPAWN_NAME) ns[imp.name] = spawn;
    else if (imp.module === WASI_MODULE) {
      wasiFns ??= wasi.importsFor(binding);
      if (!(imp.name in wasiFns)) {
        if (!isImplementedWasiFunction(imp.name)) return { unsupported: `import ${WASI_MODULE}.${imp.name}` };
        return { unlinkable: `unknown import ${imp.module}.${imp.name}` };
      }
      ns[imp.name] = wasiFns[imp.name];
    } else return { unlinkable: `unknown import ${imp.module}.${imp.name}` };
  }
  return { imports, wasi, binding };
}
