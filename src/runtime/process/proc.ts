/**
 * One Lunatic-style process: its own instance of the case's module, its links and monitors, the
 * signals queued to it, its mailbox, its configs and error resources, and (while parked at a
 * yield point) its Asyncify stack. The scheduler (scheduler.ts) moves it through the states of
 * ../shared/reference/instance-semantics.md §4.1.
 */
import type { ProcessCause } from '../../case.ts';
import type { Outcome, TrapKind } from '../../outcome.ts';
import type { AsyncifyStack } from '../calls/asyncify-stack.ts';
import type { WasmExports, WasmMemory, WasmModule } from '../wasm-api.ts';
import type { WasiHost } from '../wasi/wasi.ts';
import { HostError } from './errors.ts';
import type { ProcessModuleInfo } from './instrument.ts';
import type { Message } from './mailbox.ts';

export interface ProcessConfig {
  maxMemory: bigint;
  /** In fuel slices (units of 100k instructions); 0 = unlimited. */
  maxFuel: bigint;
  canCompileModules: boolean;
  canCreateConfigs: boolean;
  canSpawnProcesses: boolean;
}

/** Why a process died, as its links see it. */
export type Reason = 'normal' | 'failure' | 'no-process';

export type Signal =
  | { k: 'message'; msg: Message }
  | { k: 'link'; pid: number; tag: bigint | null }
  | { k: 'unlink'; pid: number }
  | { k: 'kill' }
  | { k: 'link-died'; pid: number; tag: bigint | null; reason: Reason }
  | { k: 'die-when-link-dies'; value: boolean }
  | { k: 'monitor'; pid: number }
  | { k: 'stop-monitoring'; pid: number }
  | { k: 'process-died'; pid: number };

/** What a blocked process waits for: a message with one of `tags` (any when null), or its timer. */
export interface Wait {
  tags: bigint[] | null;
  deadline: bigint | undefined;
  sleep: boolean;
}

export interface ProcessEnd {
  reason: 'normal' | 'failure';
  cause: ProcessCause;
  trap?: TrapKind[];
  code?: number;
  detail?: string;
  /** The outcome a root process reports for this end (the `start` step). */
  outcome: Outcome;
}

/** The case's module, instrumented once, compiled once per distinct memory limit. */
export interface LoadedModule {
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

  /** One of this process's configs by resource id; a host error (named after the calling function) when it has none. */
  configById(id: bigint, what: string): ProcessConfig {
    const c = this.configs.get(BigInt.asUintN(64, id));
    if (!c) throw new HostError(`lunatic::process::${what}: Config ID doesn't exist`);
    return c;
  }
}
