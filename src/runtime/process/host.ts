/**
 * Lunatic-style processes in the reference runtime (DESIGN §5 "Processes";
 * ../shared/reference/instance-semantics.md §4, state machine §4.1, rows L1–L8).
 *
 * Every process is its own instance (own memory, own globals) of a module instrumented with fuel
 * metering and Asyncify (./instrument.ts). All processes of a case run on ONE worker under a
 * scheduler this file controls, so interleaving is a pure function of the case:
 *
 *   - a FIFO run queue; a process runs until it reaches a *yield point* (a `receive` with no
 *     matching message, `sleep_ms`), where it is parked with Asyncify (unwound; its data lives in
 *     a host buffer) and resumed later; a fuel slice is a signal point but does not park;
 *   - signals (link, unlink, kill, LinkDied, die_when_link_dies, messages) are queued per process.
 *     A process that is not running handles its signals as they come (tokio's biased select does
 *     the same for a pending future); the running process handles its own only at a yield point,
 *     and a process about to be resumed handles them first — so `kill` is effective at the next
 *     yield point and the wasm of a killed process is simply dropped, never unwound;
 *   - time is virtual: when nothing is runnable, the earliest timed receive / sleep fires;
 *   - the run ends when every process is dead or blocked forever (quiescence).
 *
 * Deaths follow lunatic-process/src/lib.rs: returning or proc_exit(0) is Normal; a trap, host
 * error, proc_exit(≠0), out-of-fuel, a kill or a linked Failure is Failure. On death every link
 * gets LinkDied(self, tag of the dead process's own entry, reason); Normal is ignored by the
 * receiver (the entry is removed either way), Failure / NoProcess kill a receiver with
 * die_when_link_dies on, or become a `LinkDied(tag)` mailbox message when it is off.
 *
 * Host-function names and signatures are Lunatic's own (lunatic-solutions/lunatic @ 28a2f387,
 * crates/lunatic-{process,messaging,trap,version}-api/src/lib.rs), see `lunaticImports`.
 */
import type { MailboxMessage, MemoryRegion, ProcessCause } from '../../case.ts';
import type { ProcessObservation } from '../../observation.ts';
import type { Outcome, TrapKind } from '../../outcome.ts';
import { OutOfFuel, FUEL_GLOBAL, FUEL_HOOK, FUEL_INITIAL, FUEL_MODULE } from '../../wasm/instrument/fuel-abi.ts';
import type { Engine } from '../classify.ts';
import { classifyEngineError, currentEngine } from '../classify.ts';
import type { RunnableCase } from '../exec.ts';
import type { WasmExports, WasmMemory, WasmModule } from '../wasm-api.ts';
import { WA } from '../wasm-api.ts';
import { readRegions } from '../state-reader.ts';
import type { MemoryBinding } from '../wasi/wasi.ts';
import { Capture, Deadlocked, isImplementedWasiFunction, ProcExit, WASI_MODULE, WasiHost } from '../wasi/wasi.ts';
import { AsyncifyStack, SuspendUnsupported } from '../calls/asyncify-stack.ts';
import type { ProcessModuleInfo } from './instrument.ts';
import { instrumentProcessModule, ProcessInstrumentError, withMemoryLimit } from './instrument.ts';

/** Lunatic's UNIT_OF_COMPUTE_IN_INSTRUCTIONS: one fuel slice, and the unit of `config_set_max_fuel`. */
export const FUEL_SLICE = 100_000n;
/** Lunatic's default max_memory (4 GiB). */
export const DEFAULT_MAX_MEMORY = 4n * 1024n * 1024n * 1024n;
/** Bytes of guest memory lent to Asyncify while a process is parked (swapped out otherwise). */
const ASYNC_BYTES = 16 * 1024;
/** Most processes one case may spawn (a fork bomb ends as a host error, not a hung worker). */
export const MAX_PROCESSES = 4096;
/** The version `lunatic::version` reports: the source the host functions were read from. */
const VERSION = [0, 13, 2] as const;
const PAGE = 65536;
const NO_INITIAL_FUEL = new WA.Global({ value: 'i64', mutable: false }, 0n);

export class HostError {
  constructor(readonly message: string) {}
}
class Killed {
  readonly killed = true;
}
const KILLED = new Killed();
export class ProcessUnsupported {
  constructor(readonly feature: string) {}
}

export interface ProcessConfig {
  maxMemory: bigint;
  /** In fuel slices (units of 100k instructions); 0 = unlimited. */
  maxFuel: bigint;
  canCompileModules: boolean;
  canCreateConfigs: boolean;
  canSpawnProcesses: boolean;
}

type Reason = 'normal' | 'failure' | 'no-process';
type Signal =
  | { k: 'message'; msg: Message }
  | { k: 'link'; pid: number; tag: bigint | null }
  | { k: 'unlink'; pid: number }
  | { k: 'kill' }
  | { k: 'link-died'; pid: number; tag: bigint | null; reason: Reason }
  | { k: 'die-when-link-dies'; value: boolean }
  | { k: 'monitor'; pid: number }
  | { k: 'stop-monitoring'; pid: number }
  | { k: 'process-died'; pid: number };
type Message =
  | { kind: 'data'; tag: bigint; data: number[]; read: number }
  | { kind: 'link-died'; tag: bigint }
  | { kind: 'process-died'; pid: number };

interface Wait {
  tags: bigint[] | null;
  deadline: bigint | undefined;
  sleep: boolean;
}

interface ProcessEnd {
  reason: 'normal' | 'failure';
  cause: ProcessCause;
  trap?: TrapKind[];
  code?: number;
  detail?: string;
  /** The outcome a root process reports for this end (the `start` step). */
  outcome: Outcome;
}

interface LoadedModule {
  index: number;
  info: ProcessModuleInfo;
  compiled: Map<number, WasmModule>;
}

export class Proc {
  state: 'new' | 'runnable' | 'running' | 'blocked' | 'dead' = 'new';
  end: ProcessEnd | undefined;
  exports!: WasmExports;
  memory: WasmMemory | undefined;
  dieWhenLinkDies = true;
  readonly links = new Map<number, bigint | null>();
  readonly monitors = new Set<number>();
  readonly signals: Signal[] = [];
  readonly mailbox: Message[] = [];
  scratch: Message | undefined;
  readonly configs = new Map<bigint, ProcessConfig>();
  nextResource = 1n;
  readonly errors = new Map<bigint, string>();
  entry: { name: string; args: unknown[] } = { name: '_start', args: [] };
  wait: Wait | undefined;
  timedOut = false;
  slices = 0n;
  catchDepth = 0;
  /** Asyncify parking (guest bytes swapped out while the region holds asyncify data), and the parked stack. */
  stack!: AsyncifyStack;
  parked: Uint8Array | undefined;
  afterUnwind: 'runnable' | 'blocked' = 'runnable';
  wasi!: WasiHost;
  constructor(
    readonly pid: number,
    readonly module: LoadedModule,
    readonly config: ProcessConfig,
  ) {}
  get alive(): boolean {
    return this.state !== 'dead';
  }
}

/** Test-only mutation hook (the property test's deliberately broken host): drop one LinkDied. */
export interface HostFaults {
  /** Return true to drop this LinkDied signal instead of delivering it. */
  dropLinkDied?(from: number, to: number, reason: Reason): boolean;
}

const bigintMax = (a: bigint, b: bigint): bigint => (a > b ? a : b);

/** The process system of one case. */
export class ProcessHost {
  readonly procs: Proc[] = [];
  private readonly byPid = new Map<number, Proc>();
  private readonly runQueue: Proc[] = [];
  private readonly pending: Proc[] = [];
  private running: Proc | undefined;
  private clock = 0n;
  private readonly modules: Array<LoadedModule | Outcome | undefined> = [];
  readonly stdout = new Capture();
  readonly stderr = new Capture();
  private stdinPos = 0;
  root: Proc | undefined;
  /** Total processes spawned (the root included): bench figures. */
  spawned = 0;

  constructor(
    private readonly c: RunnableCase,
    private readonly engine: Engine = currentEngine(),
    private readonly faults: HostFaults = {},
  ) {}

  // --- modules --------------------------------------------------------------------------------

  private load(index: number): LoadedModule | Outcome {
    const cached = this.modules[index];
    if (cached) return cached;
    let r: LoadedModule | Outcome;
    const m = this.c.modules[index];
    if (!m) r = { kind: 'crash', detail: `case has no module ${index}` };
    else
      try {
        if (!WA.validate(m.bytes)) new WA.Module(m.bytes); // the engine's own CompileError
        const info = instrumentProcessModule(m.bytes);
        r = info.importsMemory ? { kind: 'unsupported', feature: 'lunatic process module that imports its memory' } : { index, info, compiled: new Map() };
      } catch (e) {
        if (e instanceof WA.CompileError) r = { kind: 'rejected', stage: 'compile', message: e.message.replace(/^WebAssembly\.Module\(\): /, '') };
        else if (e instanceof ProcessInstrumentError) r = { kind: 'crash', detail: e.message };
        else r = { kind: 'crash', detail: `process instrumentation: ${String(e)}` };
      }
    this.modules[index] = r;
    return r;
  }

  private compiled(mod: LoadedModule, maxMemory: bigint): WasmModule {
    const pages = Number(maxMemory / BigInt(PAGE) > 65536n ? 65536n : maxMemory / BigInt(PAGE));
    let c = mod.compiled.get(pages);
    if (!c) {
      c = new WA.Module(pages >= 65536 ? mod.info.bytes : withMemoryLimit(mod.info.bytes, pages));
      mod.compiled.set(pages, c);
    }
    return c;
  }

  // --- spawning ---------------------------------------------------------------------------------

  /**
   * Creates a process of module `index` (instantiated, not started). Returns the process, or a
   * string: why instantiation failed (Lunatic's `spawn` then returns 1 with an error id).
   * Throws (an Outcome-carrying error) only for the root.
   */
  private create(index: number, config: ProcessConfig): Proc | string {
    const mod = this.load(index);
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
    this.procs.push(p);
    this.byPid.set(pid, p);
    this.spawned++;
    const prev = this.running;
    this.running = p;
    try {
      const inst = new WA.Instance(this.compiled(mod, config.maxMemory), imports.imports);
      p.exports = inst.exports;
      const mem = mod.info.memoryExport ? p.exports[mod.info.memoryExport] : undefined;
      if (mem instanceof WA.Memory) binding.memory = p.memory = mem;
      p.stack = new AsyncifyStack(p.exports, () => p.memory, ASYNC_BYTES);
      (p.exports[FUEL_GLOBAL] as { value: bigint }).value = FUEL_SLICE;
    } catch (e) {
      this.procs.pop();
      this.byPid.delete(pid);
      this.spawned--;
      if (e instanceof WA.LinkError) return `unlinkable: ${e.message}`;
      return `instantiation failed: ${e instanceof Error ? e.message : String(e)}`;
    } finally {
      this.running = prev;
    }
    return p;
  }

  /** The `instantiate` step: the root process (pid 1) with Lunatic's initial config (every permission, no limits). */
  instantiateRoot(index: number): Outcome {
    const mod = this.load(index);
    if ('kind' in mod) return mod as Outcome;
    if (this.root) return { kind: 'unsupported', feature: 'more than one root process in a lunatic case' };
    let r: Proc | string;
    try {
      r = this.create(index, { maxMemory: DEFAULT_MAX_MEMORY, maxFuel: 0n, canCompileModules: true, canCreateConfigs: true, canSpawnProcesses: true });
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
    this.makeRunnable(root);
    this.run();
    return root.end?.outcome ?? (root.alive ? { kind: 'deadlock' } : { kind: 'crash', detail: 'root ended without a record' });
  }

  // --- the scheduler --------------------------------------------------------------------------

  private makeRunnable(p: Proc): void {
    p.state = 'runnable';
    this.runQueue.push(p);
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
      this.clock = bigintMax(this.clock, next.wait!.deadline!);
      next.timedOut = true;
      this.makeRunnable(next);
    }
  }

  /** Signals of processes that are not running are handled as they arrive (FIFO over deliveries). */
  private drain(): void {
    while (this.pending.length) {
      const q = this.pending.shift()!;
      if (q !== this.running) this.handleSignals(q);
    }
  }

  private deliver(to: Proc | undefined, s: Signal): void {
    if (!to || !to.alive) return;
    to.signals.push(s);
    if (to !== this.running) this.pending.push(to);
  }

  private handleSignals(q: Proc): void {
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
    this.running = p;
    try {
      // biased: pending signals first (a kill before the first instruction drops the process unrun)
      if (p.signals.length) {
        this.handleSignals(p);
        if (!p.alive) return;
      }
      p.state = 'running';
      const fn = p.exports[p.entry.name] as (...a: unknown[]) => unknown;
      if (p.parked) this.startRewind(p);
      try {
        fn(...p.entry.args);
      } catch (e) {
        this.fail(p, e);
        return;
      }
      if (p.stack.unwinding) this.finishUnwind(p);
      else this.terminate(p, { reason: 'normal', cause: 'return', outcome: { kind: 'exit', code: 0 } });
    } finally {
      this.running = undefined;
      if (p.alive && p.signals.length) this.pending.push(p);
    }
  }

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

  // --- asyncify parking -----------------------------------------------------------------------

  /** Called by an async import: park `p` (the import returns; the export call unwinds to `slice`). */
  private suspend(p: Proc, after: 'runnable' | 'blocked'): void {
    if (p.catchDepth > 0) throw new ProcessUnsupported('blocking inside lunatic::trap::catch');
    try {
      p.stack.startUnwind();
    } catch (e) {
      if (e instanceof SuspendUnsupported) throw new ProcessUnsupported('a process without linear memory cannot be suspended');
      throw e;
    }
    p.afterUnwind = after;
  }

  private finishUnwind(p: Proc): void {
    p.parked = p.stack.finishUnwind();
    if (p.afterUnwind === 'runnable') this.makeRunnable(p);
    else p.state = 'blocked';
  }

  private startRewind(p: Proc): void {
    p.stack.startRewind(p.parked!);
    p.parked = undefined;
  }

  /** In an async import: true when this call is the end of a rewind (the import then returns its deferred result). */
  private rewound(p: Proc): boolean {
    if (!p.stack.rewinding) return false;
    p.stack.finishRewind();
    return true;
  }

  /** A yield point of the running process: its own signals now; throws KILLED when they killed it. */
  private yieldPoint(p: Proc): void {
    this.handleSignals(p);
    if (!p.alive) throw KILLED;
    this.drain();
    if (!p.alive) throw KILLED;
  }

  // --- observation ----------------------------------------------------------------------------

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

  // --- host functions ---------------------------------------------------------------------------

  private importsFor(p: Proc, binding: MemoryBinding): { imports: Record<string, Record<string, unknown>> } | { unsupported: string } | { unlinkable: string } {
    const lunatic = this.lunaticImports(p);
    const fuel = { [FUEL_HOOK]: () => this.fuelExhausted(p) };
    const imports: Record<string, Record<string, unknown>> = {};
    let wasiFns: Record<string, unknown> | undefined;
    for (const imp of WA.Module.imports(this.compiled(p.module, DEFAULT_MAX_MEMORY))) {
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
    if (p.catchDepth > 0 || this.running !== p) return;
    this.handleSignals(p);
    if (!p.alive) throw KILLED;
  }

  private mem(p: Proc): Uint8Array {
    if (!p.memory) throw new HostError('lunatic: the process has no linear memory');
    return new Uint8Array(p.memory.buffer);
  }

  private bytesAt(p: Proc, ptr: number, len: number, what: string): Uint8Array {
    const m = this.mem(p);
    const a = ptr >>> 0;
    const n = len >>> 0;
    if (a + n > m.length) throw new HostError(`${what}: memory access out of bounds`);
    return m.subarray(a, a + n);
  }

  private writeU64(p: Proc, ptr: number, v: bigint, what: string): void {
    const b = this.bytesAt(p, ptr, 8, what);
    new DataView(b.buffer, b.byteOffset, 8).setBigUint64(0, BigInt.asUintN(64, v), true);
  }

  private config(p: Proc, id: bigint, what: string): ProcessConfig {
    const c = p.configs.get(BigInt.asUintN(64, id));
    if (!c) throw new HostError(`lunatic::process::${what}: Config ID doesn't exist`);
    return c;
  }

  /** Lunatic's host functions (module → name → function), signatures as in its linker. */
  private lunaticImports(p: Proc): Record<string, Record<string, unknown>> {
    const process: Record<string, unknown> = {
      // () -> i64: a new config with every permission denied, or -1 without permission
      create_config: (): bigint => {
        if (!p.config.canCreateConfigs) return -1n;
        const id = p.nextResource++;
        p.configs.set(id, { maxMemory: DEFAULT_MAX_MEMORY, maxFuel: 0n, canCompileModules: false, canCreateConfigs: false, canSpawnProcesses: false });
        return id;
      },
      drop_config: (id: bigint): void => {
        this.config(p, id, 'drop_config');
        p.configs.delete(BigInt.asUintN(64, id));
      },
      config_set_max_memory: (id: bigint, bytes: bigint): void => {
        this.config(p, id, 'config_set_max_memory').maxMemory = BigInt.asUintN(64, bytes);
      },
      config_get_max_memory: (id: bigint): bigint => this.config(p, id, 'config_get_max_memory').maxMemory,
      config_set_max_fuel: (id: bigint, units: bigint): void => {
        this.config(p, id, 'config_set_max_fuel').maxFuel = BigInt.asUintN(64, units);
      },
      config_get_max_fuel: (id: bigint): bigint => this.config(p, id, 'config_get_max_fuel').maxFuel,
      config_can_compile_modules: (id: bigint): number => (this.config(p, id, 'config_can_compile_modules').canCompileModules ? 1 : 0),
      config_set_can_compile_modules: (id: bigint, can: number): void => {
        this.config(p, id, 'config_set_can_compile_modules').canCompileModules = can !== 0;
      },
      config_can_create_configs: (id: bigint): number => (this.config(p, id, 'config_can_create_configs').canCreateConfigs ? 1 : 0),
      config_set_can_create_configs: (id: bigint, can: number): void => {
        this.config(p, id, 'config_set_can_create_configs').canCreateConfigs = can !== 0;
      },
      config_can_spawn_processes: (id: bigint): number => (this.config(p, id, 'config_can_spawn_processes').canSpawnProcesses ? 1 : 0),
      config_set_can_spawn_processes: (id: bigint, can: number): void => {
        this.config(p, id, 'config_set_can_spawn_processes').canSpawnProcesses = can !== 0;
      },
      // (link: i64, config_id: i64, module_id: i64, func_str_ptr, func_str_len, params_ptr, params_len, id_ptr) -> i32
      spawn: (link: bigint, configId: bigint, moduleId: bigint, fnPtr: number, fnLen: number, paramsPtr: number, paramsLen: number, idPtr: number): number =>
        this.spawn(p, link, configId, moduleId, fnPtr, fnLen, paramsPtr, paramsLen, idPtr),
      // (millis: i64): virtual time; 0 is a plain yield
      sleep_ms: (ms: bigint): void => {
        if (this.rewound(p)) {
          p.wait = undefined;
          p.timedOut = false;
          return;
        }
        this.yieldPoint(p);
        if (ms === 0n) {
          if (this.runQueue.some((q) => q.state === 'runnable')) this.suspend(p, 'runnable');
          return;
        }
        p.wait = { tags: null, deadline: this.clock + BigInt.asUintN(64, ms), sleep: true };
        this.suspend(p, 'blocked');
      },
      // (trap: i32): 0 turns linked failures into LinkDied messages (a signal to itself)
      die_when_link_dies: (trap: number): void => {
        p.signals.push({ k: 'die-when-link-dies', value: trap !== 0 });
      },
      process_id: (): bigint => BigInt(p.pid),
      environment_id: (): bigint => 1n,
      // (tag: i64, process_id: i64)
      link: (tag: bigint, pid: bigint): void => {
        const t = tag === 0n ? null : tag;
        const other = this.lookup(pid);
        if (other) {
          this.deliver(other, { k: 'link', pid: p.pid, tag: t });
          p.signals.push({ k: 'link', pid: other.pid, tag: t });
        } else p.signals.push({ k: 'link-died', pid: pidNumber(pid), tag: t, reason: 'no-process' });
      },
      unlink: (pid: bigint): void => {
        this.deliver(this.lookup(pid), { k: 'unlink', pid: p.pid });
        p.signals.push({ k: 'unlink', pid: pidNumber(pid) });
      },
      monitor: (pid: bigint): void => this.deliver(this.lookup(pid), { k: 'monitor', pid: p.pid }),
      stop_monitoring: (pid: bigint): void => this.deliver(this.lookup(pid), { k: 'stop-monitoring', pid: p.pid }),
      kill: (pid: bigint): void => {
        const target = this.lookup(pid);
        if (target === p) p.signals.push({ k: 'kill' });
        else this.deliver(target, { k: 'kill' });
      },
      exists: (pid: bigint): number => (this.lookup(pid) ? 1 : 0),
    };
    const message: Record<string, unknown> = {
      create_data: (tag: bigint, _capacity: bigint): void => {
        p.scratch = { kind: 'data', tag, data: [], read: 0 };
      },
      write_data: (ptr: number, len: number): number => {
        const s = p.scratch;
        if (!s || s.kind !== 'data') throw new HostError('lunatic::message::write_data: no data message in the scratch area');
        for (const b of this.bytesAt(p, ptr, len, 'lunatic::message::write_data')) s.data.push(b);
        return len >>> 0;
      },
      read_data: (ptr: number, len: number): number => {
        const s = p.scratch;
        if (!s || s.kind !== 'data') throw new HostError('lunatic::message::read_data: no data message in the scratch area');
        const out = this.bytesAt(p, ptr, len, 'lunatic::message::read_data');
        const n = Math.min(out.length, s.data.length - s.read);
        for (let i = 0; i < n; i++) out[i] = s.data[s.read + i]!;
        s.read += n;
        return n;
      },
      seek_data: (index: bigint): void => {
        const s = p.scratch;
        if (!s || s.kind !== 'data') throw new HostError('lunatic::message::seek_data: no data message in the scratch area');
        s.read = Number(BigInt.asUintN(32, index));
      },
      get_tag: (): bigint => {
        const s = p.scratch;
        if (!s) throw new HostError('lunatic::message::get_tag: no message in the scratch area');
        return s.kind === 'process-died' ? 0n : s.tag;
      },
      get_process_id: (): bigint => {
        const s = p.scratch;
        if (!s) throw new HostError('lunatic::message::get_process_id: no message in the scratch area');
        return s.kind === 'process-died' ? BigInt(s.pid) : 0n;
      },
      data_size: (): bigint => {
        const s = p.scratch;
        if (!s || s.kind !== 'data') throw new HostError('lunatic::message::data_size: no data message in the scratch area');
        return BigInt(s.data.length);
      },
      // (process_id: i64) -> i32
      send: (pid: bigint): number => {
        const s = p.scratch;
        if (!s) throw new HostError('lunatic::message::send::no_message');
        p.scratch = undefined;
        const to = this.lookup(pid);
        if (to === p) p.signals.push({ k: 'message', msg: s });
        else this.deliver(to, { k: 'message', msg: s });
        return 0;
      },
      // (tag_ptr: i32, tag_len: i32, timeout_duration: i64) -> i32: 0 data, 1 LinkDied, 2 ProcessDied, 9027 timeout
      receive: (tagPtr: number, tagLen: number, timeout: bigint): number => this.receive(p, tagPtr, tagLen, timeout),
    };
    const trap: Record<string, unknown> = {
      // (function: i32, pointer: i32) -> i32: `_lunatic_catch_trap(function, pointer)`, 0 when it fails
      catch: (fnIndex: number, pointer: number): number => {
        const target = p.exports['_lunatic_catch_trap'];
        if (typeof target !== 'function') throw new HostError('lunatic::trap::catch: No export `_lunatic_catch_trap` defined in module');
        p.catchDepth++;
        try {
          return ((target as (a: number, b: number) => number)(fnIndex, pointer) | 0);
        } catch (e) {
          if (e instanceof Killed || e instanceof ProcessUnsupported) throw e;
          return 0;
        } finally {
          p.catchDepth--;
        }
      },
    };
    const version: Record<string, unknown> = { major: () => VERSION[0], minor: () => VERSION[1], patch: () => VERSION[2] };
    return { 'lunatic::process': process, 'lunatic::message': message, 'lunatic::trap': trap, 'lunatic::version': version };
  }

  private lookup(pid: bigint): Proc | undefined {
    const p = this.byPid.get(pidNumber(pid));
    return p && p.alive ? p : undefined;
  }

  private receive(p: Proc, tagPtr: number, tagLen: number, timeout: bigint): number {
    let tags: bigint[] | null = null;
    if (p.stack.rewinding) {
      this.rewound(p);
      tags = p.wait?.tags ?? null;
    } else if (tagLen >>> 0 > 0) {
      const b = this.bytesAt(p, tagPtr, (tagLen >>> 0) * 8, 'lunatic::message::receive');
      const v = new DataView(b.buffer, b.byteOffset, b.length);
      tags = [];
      for (let i = 0; i < b.length; i += 8) tags.push(v.getBigInt64(i, true));
    }
    const take = (): number => {
      const i = findMessage(p.mailbox, tags);
      if (i < 0) return -1;
      const m = p.mailbox.splice(i, 1)[0]!;
      p.scratch = m;
      p.wait = undefined;
      return m.kind === 'data' ? 0 : m.kind === 'link-died' ? 1 : 2;
    };
    if (p.wait) {
      // resumed: a matching message arrived, or the timer fired
      const r = take();
      if (r >= 0) return r;
      if (p.timedOut) {
        p.timedOut = false;
        p.wait = undefined;
        return 9027;
      }
    }
    const now = take();
    if (now >= 0) return now;
    const t = BigInt.asUintN(64, timeout);
    if (t === 0n) return 9027;
    // a yield point: own signals first (they may add the message, or kill)
    this.yieldPoint(p);
    const after = take();
    if (after >= 0) return after;
    p.wait = { tags, deadline: t === 0xffffffffffffffffn ? undefined : this.clock + t, sleep: false };
    p.timedOut = false;
    this.suspend(p, 'blocked');
    return 0;
  }

  private spawn(p: Proc, link: bigint, configId: bigint, moduleId: bigint, fnPtr: number, fnLen: number, paramsPtr: number, paramsLen: number, idPtr: number): number {
    if (!p.config.canSpawnProcesses) throw new HostError('Process doesn\'t have permissions to spawn sub-processes');
    if (p.state === 'new') throw new HostError('Cannot spawn process during module initialization');
    const config = configId === -1n ? p.config : { ...this.config(p, configId, 'spawn') };
    if (moduleId !== -1n) throw new HostError('lunatic::process::spawn: Module ID doesn\'t exist');
    let name: string;
    try {
      name = new TextDecoder('utf-8', { fatal: true }).decode(this.bytesAt(p, fnPtr, fnLen, 'lunatic::process::spawn'));
    } catch (e) {
      throw e instanceof HostError ? e : new HostError('lunatic::process::spawn: function name is not UTF-8');
    }
    const raw = this.bytesAt(p, paramsPtr, paramsLen, 'lunatic::process::spawn');
    if (raw.length % 17 !== 0) throw new HostError(`Params array must be in chunks of 17 bytes, but ${raw.length % 17} bytes remained`);
    const args: unknown[] = [];
    const dv = new DataView(raw.buffer, raw.byteOffset, raw.length);
    for (let i = 0; i < raw.length; i += 17) {
      const lo = dv.getBigUint64(i + 1, true);
      if (raw[i] === 0x7f) args.push(Number(BigInt.asIntN(32, lo)));
      else if (raw[i] === 0x7e) args.push(BigInt.asIntN(64, lo));
      else if (raw[i] === 0x7b) throw new ProcessUnsupported('v128 spawn parameters');
      else throw new HostError('Unsupported type ID');
    }
    const child = this.create(p.module.index, config);
    let failure: string | undefined;
    if (typeof child === 'string') failure = child;
    else if (typeof child.exports[name] !== 'function') failure = `function ${name} not found`;
    if (failure !== undefined || typeof child === 'string') {
      if (typeof child !== 'string') {
        // instantiated but unusable: it never ran and nobody knows its pid
        child.state = 'dead';
        child.end = { reason: 'failure', cause: 'host-error', detail: failure, outcome: { kind: 'exit', code: 1 } };
      }
      const id = p.nextResource++;
      p.errors.set(id, failure!);
      this.writeU64(p, idPtr, id, 'lunatic::process::spawn');
      return 1;
    }
    child.entry = { name, args };
    if (link !== 0n) {
      child.links.set(p.pid, link); // the child's link is in place before any child code runs
      p.signals.push({ k: 'link', pid: child.pid, tag: null });
    }
    this.makeRunnable(child);
    this.writeU64(p, idPtr, BigInt(child.pid), 'lunatic::process::spawn');
    return 0;
  }
}

function pidNumber(pid: bigint): number {
  const u = BigInt.asUintN(64, pid);
  return u > BigInt(Number.MAX_SAFE_INTEGER) ? -1 : Number(u);
}

function maxPages(maxMemory: bigint): number {
  const pages = maxMemory / BigInt(PAGE);
  return pages > 65536n ? 65536 : Number(pages);
}

function findMessage(mailbox: readonly Message[], tags: readonly bigint[] | null): number {
  if (!tags) return mailbox.length ? 0 : -1;
  for (let i = 0; i < mailbox.length; i++) {
    const m = mailbox[i]!;
    const tag = m.kind === 'process-died' ? 0n : m.tag;
    if (tags.includes(tag)) return i;
  }
  return -1;
}

function toMailboxMessage(m: Message): MailboxMessage {
  if (m.kind === 'process-died') return { kind: 'process-died', pid: m.pid };
  return { kind: m.kind, tag: m.tag.toString() };
}
