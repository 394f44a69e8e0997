/**
 * Lunatic-style processes in the reference runtime (DESIGN §5 "Processes";
 * ../shared/reference/instance-semantics.md §4, state machine §4.1, rows L1–L8).
 *
 * Every process is its own instance (own memory, own globals) of a module instrumented with fuel
 * metering and Asyncify (./instrument.ts). All processes of a case run on ONE worker under the
 * scheduler of ./scheduler.ts, so interleaving is a pure function of the case: a process runs
 * until a *yield point* (a `receive` with no matching message, `sleep_ms`), where it is parked
 * (./parking.ts); signals are queued per process; time is virtual; the run ends at quiescence.
 *
 * Deaths follow lunatic-process/src/lib.rs: returning or proc_exit(0) is Normal; a trap, host
 * error, proc_exit(≠0), out-of-fuel, a kill or a linked Failure is Failure. On death every link
 * gets LinkDied(self, tag of the dead process's own entry, reason); Normal is ignored by the
 * receiver (the entry is removed either way), Failure / NoProcess kill a receiver with
 * die_when_link_dies on, or become a `LinkDied(tag)` mailbox message when it is off.
 *
 * Host-function names and signatures are Lunatic's own (./lunatic-imports.ts). This file is the
 * case-facing side: the `instantiate` and `start` steps, creating processes, the observation.
 */
import type { MemoryRegion } from '../../case.ts';
import type { ProcessObservation } from '../../observation.ts';
import type { Outcome } from '../../outcome.ts';
import { OutOfFuel, FUEL_GLOBAL, FUEL_HOOK, FUEL_INITIAL, FUEL_MODULE } from '../../wasm/instrument/fuel-abi.ts';
import type { Engine } from '../classify.ts';
import { currentEngine } from '../classify.ts';
import type { RunnableCase } from '../exec.ts';
import { WA } from '../wasm-api.ts';
import { readRegions } from '../state-reader.ts';
import type { MemoryBinding } from '../wasi/wasi.ts';
import { Capture, isImplementedWasiFunction, WASI_MODULE, WasiHost } from '../wasi/wasi.ts';
import { AsyncifyStack } from '../calls/asyncify-stack.ts';
import { KILLED, ProcessUnsupported } from './errors.ts';
import { ASYNC_BYTES, DEFAULT_MAX_MEMORY, FUEL_SLICE, MAX_PROCESSES, maxPages, rootConfig } from './limits.ts';
import type { ImportNamespaces } from './lunatic-imports.ts';
import { lunaticImports } from './lunatic-imports.ts';
import { toMailboxMessage } from './mailbox.ts';
import { ProcessModules } from './modules.ts';
import type { ProcessConfig } from './proc.ts';
import { Proc } from './proc.ts';
import type { HostFaults } from './scheduler.ts';
import { ProcessScheduler } from './scheduler.ts';

export type { HostFaults } from './scheduler.ts';

const NO_INITIAL_FUEL = new WA.Global({ value: 'i64', mutable: false }, 0n);

/** The process system of one case. */
export class ProcessHost {
  readonly scheduler: ProcessScheduler;
  private readonly modules: ProcessModules;
  readonly stdout = new Capture();
  readonly stderr = new Capture();
  private stdinPos = 0;
  root: Proc | undefined;
  /** Total processes spawned (the root included): bench figures. */
  spawned = 0;

  constructor(
    private readonly c: RunnableCase,
    engine: Engine = currentEngine(),
    faults: HostFaults = {},
  ) {
    this.scheduler = new ProcessScheduler(engine, faults);
    this.modules = new ProcessModules(c);
  }

  get procs(): readonly Proc[] {
    return this.scheduler.procs;
  }

  /**
   * Creates a process of module `index` (instantiated, not started). Returns the process, or a
   * string: why instantiation failed (Lunatic's `spawn` then returns 1 with an error id).
   * Throws ProcessUnsupported when the module needs something the host does not model.
   */
  create(index: number, config: ProcessConfig): Proc | string {
    const mod = this.modules.load(index);
    if ('kind' in mod) return `module ${index}: ${(mod as Outcome).kind}`;
    const pages = maxPages(config.maxMemory);
    if (mod.info.initialPages > pages) return `initial memory (${mod.info.initialPages} pages) exceeds the process limit (${config.maxMemory} bytes)`;
    if (this.procs.length >= MAX_PROCESSES) return `process limit of ${MAX_PROCESSES} reached`;
    const pid = this.procs.length + 1;
    const p = new Proc(pid, mod, config);
    const binding: MemoryBinding = { memory: undefined };
    p.wasi = new WasiHost(this.c, {
      stdout: this.stdout,
      stderr: this.stderr,
      takeStdin: (length, want) => {
        const at = this.stdinPos;
        const take = Math.min(want, length - at);
        this.stdinPos += take;
        return [at, take];
      },
      blockForever: () => {
        throw new ProcessUnsupported('a process blocked forever in WASI');
      },
      procExit: () => undefined,
    });
    const imports = this.importsFor(p, binding);
    if ('unsupported' in imports) throw new ProcessUnsupported(imports.unsupported);
    if ('unlinkable' in imports) return imports.unlinkable;
    this.scheduler.add(p);
    this.spawned++;
    // the start function runs as `p`: signals it sends itself are its own, not deliveries
    return this.scheduler.asRunning(p, () => {
      try {
        const inst = new WA.Instance(this.modules.compiled(mod, config.maxMemory), imports.imports);
        p.exports = inst.exports;
        const mem = mod.info.memoryExport ? p.exports[mod.info.memoryExport] : undefined;
        if (mem instanceof WA.Memory) binding.memory = p.memory = mem;
        p.stack = new AsyncifyStack(p.exports, () => p.memory, ASYNC_BYTES);
        (p.exports[FUEL_GLOBAL] as { value: bigint }).value = FUEL_SLICE;
      } catch (e) {
        this.scheduler.removeNewest(p);
        this.spawned--;
        if (e instanceof WA.LinkError) return `unlinkable: ${e.message}`;
        return `instantiation failed: ${e instanceof Error ? e.message : String(e)}`;
      }
      return p;
    });
  }

  /** The `instantiate` step: the root process (pid 1) with Lunatic's initial config (every permission, no limits). */
  instantiateRoot(index: number): Outcome {
    const mod = this.modules.load(index);
    if ('kind' in mod) return mod as Outcome;
    if (this.root) return { kind: 'unsupported', feature: 'more than one root process in a lunatic case' };
    let r: Proc | string;
    try {
      r = this.create(index, rootConfig());
    } catch (e) {
      if (e instanceof ProcessUnsupported) return { kind: 'unsupported', feature: e.feature };
      throw e;
    }
    if (typeof r === 'string') return r.startsWith('unlinkable') ? { kind: 'rejected', stage: 'unlinkable', message: r } : { kind: 'crash', detail: r };
    this.root = r;
    return { kind: 'return', values: [] };
  }

  /** The `start` step: the root runs `_start`; the host runs every process to quiescence; the root's end is the outcome. */
  start(): Outcome {
    const root = this.root;
    if (!root) return { kind: 'crash', detail: 'start: no root process' };
    if (root.state !== 'new') return root.end?.outcome ?? { kind: 'crash', detail: 'start: the root already started' };
    if (typeof root.exports['_start'] !== 'function') return { kind: 'crash', detail: 'start: the module exports no _start function' };
    root.entry = { name: '_start', args: [] };
    this.scheduler.makeRunnable(root);
    this.scheduler.run();
    return root.end?.outcome ?? (root.alive ? { kind: 'deadlock' } : { kind: 'crash', detail: 'root ended without a record' });
  }

  observe(regions: ReadonlyMap<number, readonly MemoryRegion[]>): ProcessObservation[] {
    return this.procs.map((p) => {
      const o: ProcessObservation = { pid: p.pid, state: p.alive ? 'alive' : 'dead', mailbox: p.mailbox.map(toMailboxMessage) };
      if (p.end) {
        o.reason = p.end.reason;
        o.cause = p.end.cause;
        if (p.end.trap) o.trap = p.end.trap;
        if (p.end.code !== undefined) o.code = p.end.code;
        if (p.end.detail) o.detail = p.end.detail;
      }
      const want = regions.get(p.pid);
      if (want) o.memory = readRegions(p.memory, want);
      return o;
    });
  }

  private importsFor(p: Proc, binding: MemoryBinding): { imports: ImportNamespaces } | { unsupported: string } | { unlinkable: string } {
    const lunatic = lunaticImports(p, this);
    const fuel = { [FUEL_HOOK]: () => this.fuelExhausted(p) };
    const imports: ImportNamespaces = {};
    let wasiFns: Record<string, unknown> | undefined;
    for (const imp of WA.Module.imports(this.modules.compiled(p.module, DEFAULT_MAX_MEMORY))) {
      const ns = (imports[imp.module] ??= {});
      if (imp.module === FUEL_MODULE && imp.name === FUEL_HOOK) ns[imp.name] = fuel[FUEL_HOOK];
      // a process starts with no fuel: its first metering point takes the first slice
      else if (imp.module === FUEL_MODULE && imp.name === FUEL_INITIAL) ns[imp.name] = NO_INITIAL_FUEL;
      else if (imp.module.startsWith('lunatic::')) {
        const fn = lunatic[imp.module]?.[imp.name];
        if (!fn) return { unsupported: `import ${imp.module}.${imp.name}` };
        ns[imp.name] = fn;
      } else if (imp.module === WASI_MODULE) {
        wasiFns ??= p.wasi.importsFor(binding);
        if (!(imp.name in wasiFns)) return isImplementedWasiFunction(imp.name) ? { unlinkable: `unknown import ${imp.module}.${imp.name}` } : { unsupported: `import ${imp.module}.${imp.name}` };
        ns[imp.name] = wasiFns[imp.name];
      } else return { unlinkable: `unknown import ${imp.module}.${imp.name}` };
    }
    return { imports };
  }

  /**
   * A fuel slice (every 100k units): the budget check, then the process's own signals (a kill or a
   * linked failure queued to itself takes effect here). Slices do not park the process: metering
   * every function for Asyncify costs ~3× the instrumentation time, so a busy process keeps the
   * worker until it blocks, ends or runs dry (the case watchdog bounds an unlimited spinner).
   */
  private fuelExhausted(p: Proc): void {
    p.slices++;
    if (p.config.maxFuel > 0n && p.slices >= p.config.maxFuel) throw new OutOfFuel();
    const g = p.exports[FUEL_GLOBAL] as { value: bigint };
    g.value = g.value + FUEL_SLICE;
    if (p.catchDepth > 0 || this.scheduler.running !== p) return;
    this.scheduler.handleSignals(p);
    if (!p.alive) throw KILLED;
  }
}
