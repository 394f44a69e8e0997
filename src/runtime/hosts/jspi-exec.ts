/**
 * Entry points of the JSPI executor (./jspi-case-run.ts) for the deno / bun driver in JSPI mode
 * (src/runtimes/driver/driver.ts): which cases it runs, and running one.
 */
import type { Observation } from '../../observation.ts';
import { FUEL_MODULE, HOST_MODULE } from '../../wasm/instrument/fuel-abi.ts';
import { readSignatures } from '../../wasm/signatures.ts';
import { jspiApi } from './jspi-api.ts';
import { JSPI_MODULE } from './jspi-calls.ts';
import { JspiCaseRun } from './jspi-case-run.ts';
import { runStepsAsync } from './step-loop.ts';
import type { ExecOptions, RunnableCase } from './types.ts';

const ASYNC_OPS: ReadonlySet<string> = new Set(['call', 'resume', 'cancel', 'refuel']);

/** Whether the JSPI executor runs this case: a plain core case with async steps or importing the suspendable host ABI. */
export function isJspiCase(c: RunnableCase): boolean {
  if (c.component !== undefined || c.threads || c.lunatic) return false;
  return c.steps.some((s) => ASYNC_OPS.has(s.op)) || c.modules.some((m) => importsHostAbi(m.bytes));
}

function importsHostAbi(bytes: Uint8Array): boolean {
  try {
    return readSignatures(bytes).imports.some((i) => i.module === HOST_MODULE || i.module === FUEL_MODULE || i.module === JSPI_MODULE);
  } catch {
    return false; // unreadable bytes: the plain executor reports what the engine says of them
  }
}

/** Runs a whole case under JSPI; an engine without JSPI observes `unsupported` at the first step. */
export async function executeJspiCase(c: RunnableCase, options: ExecOptions = {}): Promise<Observation> {
  const api = jspiApi();
  if (typeof api === 'string') return { steps: [{ outcome: { kind: 'unsupported', feature: api } }], stdout: '', stderr: '' };
  const run = new JspiCaseRun(c, api, options);
  const steps = await runStepsAsync(c, options, (step) => run.step(step));
  return { steps, stdout: run.stdout, stderr: run.stderr };
}
