/**
 * `wasmer-sdk`: @wasmer/sdk (Wasmer + WASIX compiled to wasm, run by Node's V8) running WASI /
 * WASIX commands, wasi-threads included, in a child process (wasmer-sdk/child.mjs) behind a
 * kill watchdog. The SDK has been seen hanging on a trapping thread (~11% of runs) and its
 * `close()` never resolving afterwards (feasibility §6): such a case observes `timeout`, the
 * child is SIGKILLed and a fresh one takes the next case, so the run goes on. Cases run on
 * LANES children side by side (wasmer-sdk/lanes.ts), so a hang costs its own case, not the
 * batch; a timeout is kept only when a run with twice the budget on a fresh child hangs too.
 *
 * Outcomes: `exitCode` with reason `exited` is `exit N` (and the profile's `threadTrap` code,
 * 129, is a trap of unknown kind in a threaded case); reason `timeout` is `timeout`; a thrown
 * EXECUTION_ERROR carrying a JS RuntimeError/RangeError is a trap classified with the V8 table
 * of the Node that runs the SDK (its output is lost with it).
 */
import { Buffer } from 'node:buffer';
import { fileURLToPath } from 'node:url';
import type { Case } from '../case.ts';
import { DEFAULT_CASE_TIMEOUT_MS } from '../case.ts';
import type { Feature } from '../features.ts';
import type { Observation } from '../observation.ts';
import type { Outcome } from '../outcome.ts';
import { classifyEngineError, currentEngine } from '../runtime/classify.ts';
import type { Capabilities, Runtime } from './adapter.ts';
import type { ChildSpec, LineChild } from './child.ts';
import { LanePool, SdkLane } from './wasmer-sdk/lanes.ts';
import { CONFIRM_SCALE } from './native/confirm-timeout.ts';
import { mapLimit } from './wabt.ts';
import { commandObservation, unknownTrap } from './command.ts';
import type { Profile } from '../profile.ts';
import { loadProfile } from './profiles.ts';
import { engineFeatures } from './reference.ts';
import { readSignatures } from '../wasm/signatures.ts';

interface SdkRequest {
  t: 'run';
  id: number;
  wasm: string;
  args: string[];
  env: Record<string, string>;
  stdin?: string;
  timeoutMs: number;
}
export interface SdkResult {
  exitCode: number;
  reason: string | null;
  stdout: string;
  stderr: string;
}
export interface SdkError {
  name: string;
  code: string | null;
  message: string;
}
type SdkMessage = { t: 'hello'; version: string } | { t: 'done'; id: number; result?: SdkResult; error?: SdkError };

const CHILD = fileURLToPath(new URL('./wasmer-sdk/child.mjs', import.meta.url));
/** Wall time past the SDK's own timeout before the child is killed (a hang that even the SDK's timeout misses). */
const KILL_SLACK_MS = 3_000;
/** SDK children running cases side by side (lanes.ts): a hang holds up one of them. */
const LANES = 2;

/** Proposals the SDK's engine (this Node's V8) validates, plus WASI and wasi-threads. */
const HOST: readonly Feature[] = ['wasi', 'wasi-threads'];
const NOT_PROVIDED: ReadonlySet<Feature> = new Set<Feature>(['fuel', 'asyncify', 'component', 'lunatic']);

/** The SDK's answer (or its absence) → the outcome of the command. Pure; exported for tests. */
export function sdkOutcome(c: Pick<Case, 'features'>, answer: { result?: SdkResult; error?: SdkError } | { killedAfterMs: number }, budgetMs: number, profile: Profile): Outcome {
  if ('killedAfterMs' in answer) return { kind: 'timeout', budgetMs };
  if (answer.result) {
    const r = answer.result;
    if (r.reason === 'timeout') return { kind: 'timeout', budgetMs };
    if (r.reason !== null && r.reason !== 'exited') return { kind: 'crash', detail: `@wasmer/sdk: process ${r.reason} with exit code ${r.exitCode}` };
    const threadTrap = profile.exitCodes.threadTrap;
    if (threadTrap !== undefined && r.exitCode === threadTrap && c.features.includes('wasi-threads'))
      return unknownTrap(`exit status ${threadTrap}: a thread failed with a runtime error (the SDK does not report which trap)`);
    return { kind: 'exit', code: r.exitCode };
  }
  const e = answer.error!;
  const m = /(RuntimeError|RangeError): (?:js: )?([^\n]*)/.exec(e.message);
  if (e.code === 'EXECUTION_ERROR' && m) return classifyEngineError(currentEngine(), m[1]!, m[2]!);
  if (/\b(?:CompileError|LinkError)\b/.test(e.message)) return { kind: 'rejected', stage: /LinkError/.test(e.message) ? 'unlinkable' : 'compile', message: e.message.split('\n')[0]! };
  return { kind: 'crash', detail: `@wasmer/sdk ${e.name}${e.code ? ` ${e.code}` : ''}: ${e.message.split('\n')[0]}` };
}

function cleanEnd(c: Case, answer: { result?: SdkResult; error?: SdkError } | { killedAfterMs: number }): boolean {
  if (!('result' in answer) || !answer.result || answer.result.reason !== 'exited' || answer.result.exitCode === 45) return false;
  if (c.features.includes('wasi-threads')) return false;
  try {
    return readSignatures(c.modules[0]!.bytes).start === undefined;
  } catch {
    return false;
  }
}

/** The SDK links a module's imported memory only as `env.memory`; anything else cannot run (measured: exit 45). */
export function sdkLinkProblem(c: Case): string | undefined {
  try {
    const mem = readSignatures(c.modules[0]!.bytes).imports.find((i) => i.kind === 'memory');
    if (mem && !(mem.module === 'env' && mem.name === 'memory')) return `memory imported as ${mem.module}.${mem.name} (@wasmer/sdk provides env.memory only; the module exits 45 unlinked)`;
  } catch {
    return undefined;
  }
  return undefined;
}

/** How a case ended in the SDK child: its result or SDK error, the watchdog, or the child's death. */
type Answer = { result?: SdkResult; error?: SdkError } | { killedAfterMs: number } | { died: string };

export async function createWasmerSdkRuntime(): Promise<Runtime> {
  const spec: ChildSpec = { name: 'wasmer-sdk', command: process.execPath, args: [CHILD], startTimeoutMs: 30_000 };
  const profile = loadProfile('wasmer-sdk');
  const started = await Promise.all(Array.from({ length: LANES }, () => SdkLane.start<SdkRequest, SdkMessage>(spec)));
  const hello = started[0]!.hello;
  const version = hello.t === 'hello' ? hello.version : '@wasmer/sdk';
  const pool = new LanePool(started.map((s) => s.lane));
  const features = new Set<Feature>(HOST);
  for (const f of engineFeatures()) if (!NOT_PROVIDED.has(f)) features.add(f);
  // args (after argv[0]), env and stdin reach the SDK; no thread limit, no never-ending stdin, no preopens
  const capabilities: Capabilities = { steps: new Set(['instantiate', 'start']), features, shape: 'command', wasiOptions: new Set(['args', 'env', 'stdin']) };
  let nextId = 1;

  const runOne = async (c: Case, lane: SdkLane<SdkRequest, SdkMessage>, scale = 1, retry = true): Promise<Observation> => {
    const budget = (c.timeoutMs ?? DEFAULT_CASE_TIMEOUT_MS) * scale;
    const link = sdkLinkProblem(c);
    if (link) return commandObservation(c, { kind: 'unsupported', feature: link }, '', '', {});
    const child = lane.child;
    let ch: LineChild<SdkRequest, SdkMessage>;
    try {
      ch = await lane.ready();
    } catch (e) {
      return commandObservation(c, { kind: 'crash', detail: (e as Error).message }, '', '', {});
    }
    const id = nextId++;
    const started = performance.now();
    let killed = false;
    const answer = await new Promise<Answer>((resolve) => {
      const settle = (a: Answer): void => {
        clearTimeout(timer);
        ch.onMessage(undefined);
        child.onDeath = undefined;
        resolve(a);
      };
      const timer = setTimeout(() => {
        killed = true;
        settle({ killedAfterMs: Math.round(performance.now() - started) });
      }, budget + KILL_SLACK_MS);
      ch.onMessage((m) => {
        if (m.t === 'done' && m.id === id) settle(m);
      });
      child.onDeath = (died) => settle({ died });
      const req: SdkRequest = {
        t: 'run',
        id,
        wasm: Buffer.from(c.modules[0]!.bytes).toString('base64'),
        args: (c.wasi?.args ?? [c.id]).slice(1),
        env: Object.fromEntries((c.wasi?.env ?? []).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)])),
        timeoutMs: budget,
      };
      if (c.wasi?.stdin !== undefined) req.stdin = c.wasi.stdin;
      ch.send(req);
    });
    if ('died' in answer) {
      lane.renew(false);
      return commandObservation(c, { kind: 'crash', detail: answer.died }, '', '', {});
    }
    // after an SDK error other than a guest trap the child's scheduler may be dead ("Scheduler is dead"): start afresh
    if ('error' in answer && answer.error) {
      lane.renew(false);
      // an earlier case killed this child's scheduler: not this case's doing, run it again on a fresh child
      if (retry && /Scheduler is dead|thread pool is shut down/.test(answer.error.message)) return runOne(c, lane, scale, false);
    } else if (killed) lane.renew(true);
    // Measured: after a command that ended abnormally (exit 45, a trap, a thread) or whose start
    // section called proc_exit, the next command in the same SDK instance can report exit 1 or a
    // different outcome than it does alone. Verdicts must not depend on neighbours: such a case
    // leaves a fresh child behind it.
    else if (!cleanEnd(c, answer)) lane.renew(false);
    const end = sdkOutcome(c, answer, budget, profile);
    // a timeout is kept only when a run on a fresh child with twice the budget times out again
    // (the SDK's own timeout and the kill watchdog are wall clocks: a loaded machine can reach them)
    if (end.kind === 'timeout' && scale === 1) {
      const again = await runOne(c, lane, CONFIRM_SCALE);
      return { ...again, raw: { ...again.raw, firstRunTimedOut: { step: again.steps.length - 1, confirmed: again.steps.some((st) => st.outcome.kind === 'timeout'), budgetScale: CONFIRM_SCALE } } };
    }
    const raw: Record<string, unknown> = 'killedAfterMs' in answer ? { killed: true, killedAfterMs: answer.killedAfterMs, watchdogKills: child.kills } : answer.result ? { exitCode: answer.result.exitCode, reason: answer.result.reason } : { error: answer.error?.message.split('\n')[0] };
    return commandObservation(c, end, answer && 'result' in answer && answer.result ? answer.result.stdout : '', answer && 'result' in answer && answer.result ? answer.result.stderr : '', raw);
  };

  return {
    name: 'wasmer-sdk',
    profile,
    capabilities,
    version: () => Promise.resolve(version),
    // each case on a free lane; a hang holds only its own lane (wasmer-sdk/lanes.ts)
    executeAll: (cases) => mapLimit(cases, LANES, (c) => pool.use((lane) => runOne(c, lane))),
    close: async () => {
      await Promise.all(pool.lanes.map((l) => l.close(1_000)));
    },
  };
}
