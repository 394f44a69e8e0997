/**
 * Runs one case on wasmtime through wizer: one wizer process per step, each on the snapshot the
 * previous step of that instance left (a chain per instance). The probe plan (mode `store`) gives
 * every invoke step a `() -> ()` wrapper that calls the target with the case's constant arguments
 * and stores its results, as integer bits, in exported globals; the snapshot then holds the
 * results, the memory and the globals exactly.
 *
 * Where chaining is sound (measured, profiles/wasmtime-wizer.json): the snapshot carries linear
 * memory (contents and current size), every global (float bits included), tables (wizer refuses
 * every instruction that could change one after instantiation), and drops the start section, so a
 * chained step never re-runs it. Where it is not, later steps of that instance are `unsupported`
 * with the reason, never guessed:
 *   - after a trap (or a WASI host error) there is no snapshot: the state after the trap is
 *     unknown. The trapping step itself is still judged on its outcome: a wrong trap kind fails;
 *     only when it matches are its memory/global expectations reported as unobservable;
 *   - a snapshot that lost a passive data segment (wizer 10 drops them): checked after every run;
 *   - WASI state outside the module (closed fds, stdin position): refused up front (wizer-limits.ts).
 * An exit (proc_exit, or `_start` returning) ends the WASI process: every later step observes the
 * same exit, as on the reference runtime.
 */
import type { Case, Step } from '../../case.ts';
import { DEFAULT_CASE_TIMEOUT_MS, expectsStream } from '../../case.ts';
import type { Observation, StepObservation } from '../../observation.ts';
import type { Outcome } from '../../outcome.ts';
import { appendToModule } from '../../wasm/append.ts';
import { readLayout } from '../../wasm/layout.ts';
import { readSignatures } from '../../wasm/signatures.ts';
import type { ExitCodeRules } from '../../profile.ts';
import { projectExitCode } from '../../profile.ts';
import type { ProbePlan, StepProbes } from './probe-plan.ts';
import { planProbes } from './probe-plan.ts';
import { isCompileOnly, runCompileOnly } from './wizer-compile.ts';
import { importsWasi, wizerCaseProblem } from './wizer-limits.ts';
import type { StepRun, StepRunResult } from './wizer-run.ts';
import { runStep } from './wizer-run.ts';
import type { Snapshot } from './wizer-snapshot.ts';
import { exportedGlobal, exportedGlobalBits, inspectedMemory, memoryBytes, readSnapshot } from './wizer-snapshot.ts';

export interface WizerCaseContext {
  binary: string;
  /** Scratch directory for input and snapshot files. */
  dir: string;
  exitRules: ExitCodeRules;
  /** Most extra wall time a starved process gets over the case's budget (wizer-process.ts). */
  graceMs: number;
}

/** The init function appended for an instantiate step that must be observed on its own. */
export const NOP_EXPORT = '__trapcheck_wizer_nop';

const AFTER_TRAP = 'a step after a trap on this instance (wizer writes no snapshot when its init function traps, so the state the trap left is unknown)';
const STATE_AFTER_END = 'memory and globals after a trap or an exit (wizer writes its snapshot only when the init function returns)';

/** `bytes` with a `() -> ()` export that does nothing: instantiation alone, as an init function. */
export function withNopExport(bytes: Uint8Array): Uint8Array {
  const layout = readLayout(bytes);
  return appendToModule(bytes, {
    types: [[[], []]],
    functions: [{ type: layout.typeCount, locals: [], body: [0x0b] }],
    globals: [],
    exports: [{ name: NOP_EXPORT, kind: 'func', index: layout.funcs.length }],
  });
}

interface Chain {
  /** What the next process of this instance runs: the probed module, then its latest snapshot. */
  bytes: Uint8Array;
  wasi: boolean;
  hasStart: boolean;
  /** The instance's state after its last step, when that step returned. */
  snapshot?: Snapshot;
  /** Why no later step can run on this instance. */
  blocked?: string;
}

const utf8 = new TextDecoder('utf-8');

function outcomeMatches(step: Step, observed: Outcome, rules: ExitCodeRules): boolean {
  const e = step.expect.outcome;
  if (!e) return true;
  if (e.kind === 'trap') return observed.kind === 'trap' && observed.trap.includes(e.trap);
  if (e.kind === 'exit') return observed.kind === 'exit' && observed.code === projectExitCode(e.code, rules);
  return e.kind === observed.kind;
}

/** Walks one case through its steps; one instance of this class per case. */
class CaseDriver {
  private readonly stdout: Buffer[] = [];
  private readonly stderr: Buffer[] = [];
  private readonly chains = new Map<string, Chain>();
  private readonly steps: StepObservation[] = [];
  private readonly runs: Array<Record<string, unknown>> = [];
  private ended: Outcome | undefined;

  constructor(
    private readonly c: Case,
    private readonly plan: ProbePlan,
    private readonly ctx: WizerCaseContext,
  ) {}

  /**
   * Each process gets the case's whole budget (of CPU, see wizer-process.ts): a wall-clock share
   * of it would run out while a process merely waits for a core on a loaded machine.
   */
  private get budget(): number {
    return this.c.timeoutMs ?? DEFAULT_CASE_TIMEOUT_MS;
  }

  async run(): Promise<Observation> {
    const steps = this.c.steps;
    for (let k = 0; k < steps.length; k++) {
      const step = steps[k]!;
      const probe = this.plan.steps[k]!;
      if (this.ended) {
        this.steps.push(this.observe(step, this.ended, this.chains.get(probe.instance)?.snapshot));
        continue;
      }
      let lost = false;
      if (step.op === 'instantiate') {
        const chain = this.newChain(probe);
        if (this.canDefer(k, probe, chain)) {
          // observed together with the next step, in one process (no start section: instantiation writes nothing)
          lost = await this.action(k + 1, chain, k);
          k++;
        } else lost = await this.instantiate(k, chain);
      } else {
        const chain = this.chains.get(probe.instance);
        if (!chain) this.steps.push({ outcome: { kind: 'crash', detail: `wizer adapter: no instance ${probe.instance}` } });
        else if (chain.blocked) this.steps.push({ outcome: { kind: 'unsupported', feature: chain.blocked } });
        else if (step.op === 'get') this.steps.push(this.getGlobal(step, chain));
        else lost = await this.action(k, chain);
      }
      if (lost) break;
    }
    return { steps: this.steps, stdout: this.text(this.stdout), stderr: this.text(this.stderr), raw: { wizerRuns: this.runs } };
  }

  private newChain(probe: StepProbes): Chain {
    const bytes = this.plan.modules[probe.module]!;
    const sigs = readSignatures(bytes);
    const chain: Chain = { bytes, wasi: importsWasi(sigs), hasStart: sigs.start !== undefined };
    this.chains.set(probe.instance, chain);
    return chain;
  }

  private canDefer(k: number, probe: StepProbes, chain: Chain): boolean {
    const step = this.c.steps[k]!;
    const next = this.c.steps[k + 1];
    const nextProbe = this.plan.steps[k + 1];
    return !chain.hasStart && step.expect.memory === undefined && step.expect.globals === undefined && (next?.op === 'invoke' || next?.op === 'start') && nextProbe?.instance === probe.instance;
  }

  private async exec(chain: Chain, bytes: Uint8Array, initFunc: string, k: number): Promise<StepRun> {
    const wasi = this.c.wasi;
    const run = await runStep({
      binary: this.ctx.binary,
      dir: this.ctx.dir,
      bytes,
      initFunc,
      wasi: chain.wasi,
      budgetMs: this.budget,
      graceMs: this.ctx.graceMs,
      ...(wasi?.env !== undefined ? { env: wasi.env } : {}),
      ...(wasi?.stdin !== undefined ? { stdin: wasi.stdin } : {}),
      ...(wasi?.stdinOpen ? { stdinOpen: true } : {}),
    });
    this.stdout.push(run.stdout);
    this.stderr.push(run.stderr);
    this.runs.push({ step: k, initFunc, status: run.code, result: run.result.kind, report: run.report.slice(0, 2000) });
    return run;
  }

  /** An instantiate step on its own: the module with a nop init function. Returns true when the case must stop. */
  private async instantiate(k: number, chain: Chain): Promise<boolean> {
    const step = this.c.steps[k]!;
    let bytes: Uint8Array;
    try {
      bytes = withNopExport(chain.bytes);
    } catch (e) {
      this.steps.push({ outcome: { kind: 'rejected', stage: 'malformed', message: (e as Error).message } });
      return true;
    }
    const run = await this.exec(chain, bytes, NOP_EXPORT, k);
    const r = run.result;
    if (r.kind === 'returned') {
      this.accept(chain, bytes, r);
      this.steps.push(this.observe(step, { kind: 'return', values: [] }, chain.snapshot));
      return false;
    }
    this.steps.push(this.endOf(step, chain, r));
    return r.kind === 'lost';
  }

  /**
   * An invoke or start step (k), with the instantiate step `deferred` before it when the two share
   * one process. Returns true when the case must stop.
   */
  private async action(k: number, chain: Chain, deferred?: number): Promise<boolean> {
    const step = this.c.steps[k]!;
    const probe = this.plan.steps[k]!;
    const initFunc = probe.action!.export;
    const outputBefore = this.outputNow();
    const run = await this.exec(chain, chain.bytes, initFunc, k);
    const r = run.result;
    const instantiated = (outcome: Outcome = { kind: 'return', values: [] }): void => {
      if (deferred !== undefined) this.steps.push(this.observe(this.c.steps[deferred]!, outcome, undefined, outputBefore));
    };
    if (r.kind === 'ended' && r.phase === 'instantiate' && deferred !== undefined) {
      this.steps.push(this.endOf(this.c.steps[deferred]!, chain, r, outputBefore));
      this.steps.push(this.ended ? this.observe(step, this.ended, undefined) : { outcome: { kind: 'unsupported', feature: 'a step on an instance whose instantiation trapped' } });
      return false;
    }
    if (r.kind === 'refused') {
      instantiated(r.outcome);
      if (deferred === undefined || r.outcome.kind === 'rejected') this.steps.push({ outcome: r.outcome });
      return true;
    }
    instantiated();
    if (r.kind !== 'returned') {
      this.steps.push(this.endOf(step, chain, r));
      return r.kind === 'lost';
    }
    this.accept(chain, chain.bytes, r);
    let outcome: Outcome;
    if (step.op === 'start') {
      outcome = { kind: 'exit', code: 0 };
      this.ended = outcome;
    } else {
      const raw = (probe.resultGlobals ?? []).map((g) => exportedGlobalBits(r.snapshot, g));
      outcome = raw.every((b): b is bigint => b !== undefined)
        ? { kind: 'return', values: this.plan.decodeAction(k, raw) }
        : { kind: 'crash', detail: 'wizer adapter: a result global is missing from the snapshot' };
    }
    this.steps.push(this.observe(step, outcome, chain.snapshot));
    return false;
  }

  private getGlobal(step: Step & { op: 'get' }, chain: Chain): StepObservation {
    if (!chain.snapshot) return { outcome: { kind: 'unsupported', feature: STATE_AFTER_END } };
    const v = exportedGlobal(chain.snapshot, step.global);
    return this.observe(step, v ? { kind: 'return', values: [v] } : { kind: 'crash', detail: `get: no readable exported global ${JSON.stringify(step.global)}` }, chain.snapshot);
  }

  /** A run that returned: the snapshot becomes the instance, unless it lost a passive data segment. */
  private accept(chain: Chain, input: Uint8Array, r: Extract<StepRunResult, { kind: 'returned' }>): void {
    chain.bytes = r.bytes;
    chain.snapshot = r.snapshot;
    let before: ReadonlyArray<Uint8Array | undefined>;
    try {
      before = readSnapshot(input).passiveData;
    } catch {
      chain.blocked = 'a later step (the passive data segments of the module could not be read to check the snapshot)';
      return;
    }
    before.forEach((seg, i) => {
      const after = r.snapshot.passiveData[i];
      if (seg && !chain.blocked && !(after && Buffer.from(after).equals(Buffer.from(seg))))
        chain.blocked = `a later step (wizer's snapshot lost passive data segment ${i}, so memory.init in a chained run would read the wrong bytes)`;
    });
  }

  /** How a run that did not return ends its step; marks the instance (and, for an exit, the case). */
  private endOf(step: Step, chain: Chain, r: Exclude<StepRunResult, { kind: 'returned' }>, output?: { stdout: string; stderr: string }): StepObservation {
    delete chain.snapshot;
    if (r.kind === 'ended') {
      if (r.outcome.kind === 'exit') this.ended = r.outcome;
      else chain.blocked = AFTER_TRAP;
    } else chain.blocked ??= r.kind === 'refused' ? 'a step on an instance wizer refused' : 'a step after the process was lost';
    return this.observe(step, r.outcome, undefined, output);
  }

  private observe(step: Step, outcome: Outcome, snapshot: Snapshot | undefined, output?: { stdout: string; stderr: string }): StepObservation {
    const exp = step.expect;
    const wantsState = exp.memory !== undefined || exp.globals !== undefined;
    if (wantsState && !snapshot && outcomeMatches(step, outcome, this.ctx.exitRules) && outcome.kind !== 'unsupported')
      return { outcome: { kind: 'unsupported', feature: `${STATE_AFTER_END}; the step's outcome matched (${outcome.kind === 'trap' ? outcome.message : outcome.kind})` } };
    const obs: StepObservation = { outcome };
    if (snapshot && exp.memory) {
      const index = inspectedMemory(snapshot);
      obs.memory = exp.memory.map(({ offset, hex }) => ({ offset, hex: index === undefined ? '' : Buffer.from(memoryBytes(snapshot, index, offset, hex.length / 2)).toString('hex') }));
    }
    if (snapshot && exp.globals) {
      obs.globals = {};
      for (const name of Object.keys(exp.globals)) {
        const v = exportedGlobal(snapshot, name);
        if (v) obs.globals[name] = v;
      }
    }
    const now = output ?? this.outputNow();
    if (expectsStream(exp, 'stdout')) obs.stdout = now.stdout;
    if (expectsStream(exp, 'stderr')) obs.stderr = now.stderr;
    return obs;
  }

  private outputNow(): { stdout: string; stderr: string } {
    return { stdout: this.text(this.stdout), stderr: this.text(this.stderr) };
  }

  private text(parts: readonly Buffer[]): string {
    return utf8.decode(Buffer.concat(parts));
  }
}

/** A case whose module the probe planner cannot even read: wizer itself says what is wrong with it. */
async function unreadable(c: Case, ctx: WizerCaseContext): Promise<Observation> {
  const first = c.steps.find((s) => s.op === 'instantiate');
  const bytes = c.modules[first?.op === 'instantiate' ? (first.module ?? 0) : 0]?.bytes ?? new Uint8Array();
  const run = await runStep({ binary: ctx.binary, dir: ctx.dir, bytes, initFunc: NOP_EXPORT, wasi: false, budgetMs: c.timeoutMs ?? DEFAULT_CASE_TIMEOUT_MS, graceMs: ctx.graceMs });
  const outcome: Outcome = run.result.kind === 'returned' ? { kind: 'crash', detail: 'wizer accepted a module trapcheck cannot read' } : run.result.outcome;
  return { steps: [{ outcome }], stdout: '', stderr: '', raw: { wizerRuns: [{ status: run.code, report: run.report.slice(0, 2000) }] } };
}

export async function runWizerCase(c: Case, ctx: WizerCaseContext): Promise<Observation> {
  const unsupported = (feature: string): Observation => ({ steps: [{ outcome: { kind: 'unsupported', feature } }], stdout: '', stderr: '' });
  const problem = wizerCaseProblem(c);
  if (problem) return unsupported(problem);
  if (isCompileOnly(c)) return runCompileOnly(c, ctx);
  let plan;
  try {
    plan = planProbes(c, { mode: 'store' });
  } catch {
    return unreadable(c, ctx);
  }
  if ('unsupported' in plan) return unsupported(plan.unsupported);
  return new CaseDriver(c, plan, ctx).run();
}
