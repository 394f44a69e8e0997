/**
 * JS-engine runtimes: `node` (any node binary), `deno` (V8 15) and `bun` (JavaScriptCore); gjs
 * (SpiderMonkey) runs the same driver bundled for it (native/spidermonkey.ts). Each
 * runs trapcheck's engine-neutral step executor in a driver child process (driver/driver.ts)
 * on that engine, batching every case through one long-lived child; a case that hangs is
 * killed and observed as `timeout` (supervised.ts). The wasm engine is theirs; the host
 * semantics (WASI subset, classification per engine) are trapcheck's, as in the reference.
 */
import { fileURLToPath } from 'node:url';
import { REFERENCE_STEPS } from './reference.ts';
import type { Feature } from '../features.ts';
import { isFeature } from '../features.ts';
import type { Capabilities, Runtime } from './adapter.ts';
import { findBinary } from './binaries.ts';
import type { ChildSpec } from './child.ts';
import { loadProfile } from './profiles.ts';
import { SupervisedDriver } from './supervised.ts';
import type { Hello } from './driver/wire.ts';

export type EngineName = 'node' | 'deno' | 'bun';

/** The driver deno and bun run: its TypeScript source in a checkout, the compiled file in the published package (dist/). */
const DRIVER_TS = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? './driver/driver.ts' : './driver/driver.js', import.meta.url));
const DRIVER_NODE = fileURLToPath(new URL('./driver/node-entry.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Host facilities the driver provides: WASI, and fuel / Asyncify calls and component instances
 * (the step executor's own layers, with modules instrumented by the parent: supervised.ts). The
 * reference runtime's threads and Lunatic processes live in its pool, not in the step executor,
 * so the driver does not claim them even when the engine probe lists them.
 */
const DRIVER_HOST_FEATURES: ReadonlySet<Feature> = new Set<Feature>(['wasi', 'fuel', 'asyncify', 'component']);
const HOST_FACILITIES: ReadonlySet<Feature> = new Set<Feature>(['wasi', 'wasi-threads', 'fuel', 'asyncify', 'component', 'lunatic']);

/** Command line of the driver under each engine (exported for tests). */
export function driverSpec(engine: EngineName, binary?: string): ChildSpec {
  switch (engine) {
    case 'node':
      return { name: 'node', command: findBinary('node', binary ?? process.execPath, [], ['node']), args: [DRIVER_NODE], cwd: ROOT };
    case 'deno':
      return {
        name: 'deno',
        command: findBinary('deno', binary, ['deno/deno', '@deno/linux-x64-glibc/deno', '@deno/linux-arm64-glibc/deno', '@deno/darwin-x64/deno', '@deno/darwin-arm64/deno'], ['deno']),
        // read: the driver's own sources and node_modules; env: process.env reads in shared code.
        args: ['run', '--quiet', '--no-prompt', '--no-lock', '--allow-read', '--allow-env', '--allow-sys', DRIVER_TS],
        cwd: ROOT,
        env: { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' },
      };
    case 'bun':
      return {
        name: 'bun',
        command: findBinary('bun', binary, ['bun/bin/bun.exe', '@oven/bun-linux-x64/bin/bun', '@oven/bun-linux-x64-baseline/bin/bun', '@oven/bun-darwin-aarch64/bin/bun'], ['bun']),
        args: ['run', '--no-install', DRIVER_TS],
        cwd: ROOT,
      };
  }
}

/** What a driver can run: every step kind, the wasm features its engine validated and the driver's host layers. */
export function driverCapabilities(hello: Hello): Capabilities {
  const features = new Set<Feature>();
  for (const f of hello.features) if (isFeature(f) && (!HOST_FACILITIES.has(f) || DRIVER_HOST_FEATURES.has(f))) features.add(f);
  return { steps: new Set(REFERENCE_STEPS), features };
}

export async function createEngineRuntime(engine: EngineName, binary?: string): Promise<Runtime> {
  const spec = driverSpec(engine, binary);
  const driver = await SupervisedDriver.start(spec);
  const capabilities = driverCapabilities(driver.hello);
  const version = driver.hello.version;
  return {
    name: engine,
    profile: loadProfile(engine),
    capabilities,
    version: () => Promise.resolve(binary ? `${version} at ${binary}` : version),
    executeAll: (cases) => driver.executeAll(cases),
    close: () => driver.close(),
  };
}

