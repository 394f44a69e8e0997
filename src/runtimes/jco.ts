/**
 * `jco`: component cases run as REAL components through jco (@bytecodealliance/jco-transpile,
 * the transpiler of jco 1.35): the case's core module is wrapped with a WIT world generated from
 * its ComponentConfig (componentEmbed → componentNew), transpiled with sync instantiation, and
 * driven from JS, with trapcheck's own `wasi:cli/exit` (preview2-shim's would `process.exit`).
 * Everything runs in a child process (jco/child.ts) under a watchdog: the build has its own
 * generous budget, then the case's budget starts; a hang is SIGKILLed and observed as `timeout`
 * at its step, keeping the observations of the steps before it.
 *
 * jco implements the `spec` component profile's shape (automatic post-return, per-instance
 * poisoning); its departures from it are known divergences (known-divergences.json).
 */
import { fileURLToPath } from 'node:url';
import type { Case } from '../case.ts';
import { DEFAULT_CASE_TIMEOUT_MS } from '../case.ts';
import type { Feature } from '../features.ts';
import type { Observation, StepObservation } from '../observation.ts';
import type { Outcome } from '../outcome.ts';
import type { Capabilities, Runtime } from './adapter.ts';
import type { ChildSpec, LineChild } from './child.ts';
import { RespawningChild } from './respawning-child.ts';
import { loadProfile } from './profiles.ts';
import { engineFeatures } from './reference.ts';
import type { BuildReport, JcoMessage, JcoRequest } from './jco/wire.ts';
import { toJcoWire } from './jco/wire.ts';
import { serialExecutor } from './serial.ts';

const ENTRY = fileURLToPath(new URL('./jco/child-entry.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Building a case's components (wasm-tools + bindgen, 40–260 ms each, more on a loaded machine) is not the case's time. */
const BUILD_BUDGET_MS = 60_000;
/** Each distinct component leaves its generated module in the child's ESM cache: recycle the child past this many. */
const RECYCLE_AFTER_MODULES = 1_000;

/** Host facilities of the reference runtime that jco does not have (fuel, asyncify: no pause points; no threads, no processes). */
const NOT_PROVIDED: ReadonlySet<Feature> = new Set<Feature>(['fuel', 'asyncify', 'wasi-threads', 'wasi-preopens', 'lunatic']);

export function jcoCapabilities(): Capabilities {
  const features = new Set<Feature>(['component']);
  // the guest's core module runs on this Node's V8; `wasi` here is the preview2 exit of the world
  for (const f of engineFeatures()) if (!NOT_PROVIDED.has(f)) features.add(f);
  return { steps: new Set(['instantiate', 'call']), features, wasiOptions: new Set() };
}

/** Why jco cannot run this case at all (beyond steps and features), or undefined. Pure; exported for tests. */
export function jcoCaseProblem(c: Case): string | undefined {
  if (!c.component) return 'core modules (the jco runtime runs component cases only)';
  if (c.component.profile !== 'spec')
    return `component profile ${c.component.profile} (jco runs post-return itself and poisons per instance: only spec-profile cases apply)`;
  const adapter = Object.entries(c.component.imports ?? {}).find(([, h]) => h.kind === 'adapter');
  if (adapter) return `fused adapter import ${adapter[0]} (a guest→guest link needs a composed component; jco runs one component per world)`;
  if (c.steps.some((s) => s.op === 'call' && s.pauseAt !== undefined)) return 'pauseAt (jco runs lifted calls to the end)';
  return undefined;
}

const unsupported = (feature: string): Observation => ({ steps: [{ outcome: { kind: 'unsupported', feature } }], stdout: '', stderr: '' });

export async function createJcoRuntime(): Promise<Runtime> {
  const spec: ChildSpec = { name: 'jco', command: process.execPath, args: [ENTRY], cwd: ROOT, startTimeoutMs: 60_000 };
  const { child, hello } = await RespawningChild.start<JcoRequest, JcoMessage>(spec);
  const version = hello.t === 'hello' ? hello.version : '@bytecodealliance/jco-transpile';
  let nextId = 1;

  const runOne = async (c: Case): Promise<Observation> => {
    const problem = jcoCaseProblem(c);
    if (problem) return unsupported(problem);
    let ch: LineChild<JcoRequest, JcoMessage>;
    try {
      ch = await child.ensure();
    } catch (e) {
      return { steps: [{ outcome: { kind: 'crash', detail: (e as Error).message } }], stdout: '', stderr: '' };
    }
    const id = nextId++;
    const budget = c.timeoutMs ?? DEFAULT_CASE_TIMEOUT_MS;
    const steps: StepObservation[] = [];
    let build: BuildReport | undefined;
    const obs = await new Promise<Observation>((resolve) => {
      let timer: NodeJS.Timeout;
      const end = (outcome: Outcome): void => {
        clearTimeout(timer);
        ch.onMessage(undefined);
        child.onDeath = undefined;
        resolve({ steps: [...steps, { outcome }], stdout: '', stderr: '', raw: { jco: build, ended: outcome.kind, atStep: steps.length, watchdogKills: child.kills } });
      };
      const kill = (outcome: Outcome): void => {
        child.kill();
        end(outcome);
      };
      timer = setTimeout(() => kill({ kind: 'crash', detail: `jco did not build the component within ${BUILD_BUDGET_MS} ms` }), BUILD_BUDGET_MS);
      ch.onMessage((m) => {
        if (!('id' in m) || m.id !== id) return;
        if (m.t === 'built') {
          build = m.build;
          clearTimeout(timer);
          timer = setTimeout(() => kill({ kind: 'timeout', budgetMs: budget }), budget);
        } else if (m.t === 'step') steps.push(m.obs);
        else if (m.t === 'done') {
          clearTimeout(timer);
          ch.onMessage(undefined);
          child.onDeath = undefined;
          resolve(m.obs);
        }
      });
      child.onDeath = (detail) => end({ kind: 'crash', detail });
      ch.send({ t: 'run', id, case: toJcoWire(c) });
    });
    // every generated module stays in this process's ESM cache: start afresh now and then
    if (build && build.loaded >= RECYCLE_AFTER_MODULES) await child.close(1_000);
    return obs;
  };

  return {
    name: 'jco',
    profile: loadProfile('jco'),
    capabilities: jcoCapabilities(),
    version: () => Promise.resolve(version),
    executeAll: serialExecutor((c) => runOne(c)),
    close: () => child.close(1_000),
  };
}
