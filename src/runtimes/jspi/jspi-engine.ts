/**
 * `deno-jspi` and `bun-jspi` (issue #17): the deno / bun driver (../engine.ts) in JSPI mode. A
 * suspendable core case (async call steps, or the `trapcheck:host` / `trapcheck:fuel` ABI) runs
 * without Asyncify: the engine suspends the wasm stack itself (`WebAssembly.Suspending` imports,
 * `WebAssembly.promising` exports; src/runtime/hosts/jspi-case-run.ts). Every other case runs as on
 * `deno` / `bun`, so a family × runtime matrix stays comparable.
 *
 * The parent instruments `fuel` / `asyncify` modules before they reach the driver
 * (../supervised.ts); here the case it sees has no `asyncify` feature (components keep theirs:
 * lifted calls stay on Asyncify), so a metered module arrives metered only, and an unmetered one as
 * generated. The judge still sees the case as written.
 */
import type { Case } from '../../case.ts';
import type { Observation } from '../../observation.ts';
import { TrapcheckError } from '../../errors.ts';
import type { Capabilities, Runtime } from '../adapter.ts';
import type { EngineName } from '../engine.ts';
import type { Hello } from '../driver/wire.ts';
import { driverCapabilities, driverSpec } from '../engine.ts';
import { loadProfile } from '../profiles.ts';
import { SupervisedDriver } from '../supervised.ts';

export type JspiEngine = Extract<EngineName, 'deno' | 'bun'>;

/**
 * Parks a driver process takes before it is replaced. V8 15 (Deno 2.9.6) never frees the stack of
 * an abandoned suspended call, and aborts the process (FatalProcessOutOfMemory in
 * StackMemory::StackSegment) near 32k suspended stacks, live or abandoned (measured; README
 * "JSPI on Deno and Bun"). Without a fresh process every so many parks, a case's verdict would
 * depend on the cases run before it in the same process; a single case past the limit still
 * shows the abort.
 */
export const PARKS_PER_PROCESS = 16_000;

/** An upper bound on the stacks a case can leave suspended: every call or resume step with a pause point. */
export function parksOf(c: Case): number {
  let n = 0;
  for (const s of c.steps) if ((s.op === 'call' || s.op === 'resume') && s.pauseAt !== undefined && s.pauseAt !== 'entry') n++;
  return n;
}

/** The case as the JSPI driver gets it: suspension is the engine's, so no Asyncify rewrite. */
export function withoutAsyncify(c: Case): Case {
  if (c.component !== undefined || !c.features.includes('asyncify')) return c;
  return { ...c, features: c.features.filter((f) => f !== 'asyncify') };
}

/** The driver's capabilities plus `jspi`: the hello said the engine has JSPI (createJspiRuntime checks). */
export function jspiCapabilities(hello: Hello): Capabilities {
  const caps = driverCapabilities(hello);
  return { ...caps, features: new Set([...caps.features, 'jspi']) };
}

export async function createJspiRuntime(engine: JspiEngine, binary?: string): Promise<Runtime> {
  const name = `${engine}-jspi`;
  const base = driverSpec(engine, binary);
  const spec = { ...base, name, env: { ...(base.env ?? process.env), TRAPCHECK_DRIVER_JSPI: '1' } };
  let driver = await SupervisedDriver.start(spec);
  const jspi = driver.hello.jspi;
  if (jspi !== 'yes') {
    await driver.close();
    throw new TrapcheckError('RUNTIME_NOT_FOUND', `runtime \`${name}\`: ${jspi ?? 'the driver did not start in JSPI mode'}`);
  }
  const version = `${driver.hello.version}, JSPI`;
  let parks = 0;
  let queue: Promise<unknown> = Promise.resolve();
  const runOne = async (c: Case): Promise<Observation> => {
    const n = parksOf(c);
    if (parks > 0 && parks + n > PARKS_PER_PROCESS) {
      await driver.close();
      driver = await SupervisedDriver.start(spec);
      parks = 0;
    }
    parks += n;
    return (await driver.executeAll([withoutAsyncify(c)]))[0]!;
  };
  return {
    name,
    profile: loadProfile(name),
    capabilities: jspiCapabilities(driver.hello),
    version: () => Promise.resolve(binary ? `${version} at ${binary}` : version),
    executeAll: (cases) => {
      // serialised: a batch may replace the driver process between two cases
      const run = queue.then(async () => {
        const out: Observation[] = [];
        for (const c of cases) out.push(await runOne(c));
        return out;
      });
      queue = run.catch(() => undefined);
      return run;
    },
    close: () => driver.close(),
  };
}
