/**
 * SpiderMonkey through gjs (GNOME's JavaScript host; Debian's gjs 1.74 links SpiderMonkey 102).
 * Not a wasm CLI: an engine, driven like node / deno / bun. gjs runs trapcheck's driver
 * (driver/driver.ts with the shared step executor and host layers: WASI, fuel / Asyncify calls,
 * components) bundled for it with Node-module shims (driver/gjs-bundle.ts), over the same wire
 * and under the same supervision (supervised.ts: a watchdog per case, a fresh child after a
 * hang or a crash). The wasm engine and its trap messages are SpiderMonkey's
 * (runtime/classify.ts `spidermonkey`); which proposals it has is probed at start-up, as on
 * every engine driver (gjs 102 refuses shared memory, so no threads).
 */
import { fileURLToPath } from 'node:url';
import { TrapcheckError } from '../../errors.ts';
import type { Runtime } from '../adapter.ts';
import type { ChildSpec } from '../child.ts';
import { gjsDriverPath } from '../driver/gjs-bundle.ts';
import { driverCapabilities } from '../engine.ts';
import { loadProfile } from '../profiles.ts';
import { SupervisedDriver } from '../supervised.ts';
import type { NativeRuntimeOptions } from './options.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Command line of the bundled driver under gjs (exported for tests). */
export async function gjsDriverSpec(opts: Pick<NativeRuntimeOptions, 'name' | 'binary'>): Promise<ChildSpec> {
  let driver: string;
  try {
    driver = await gjsDriverPath();
  } catch (e) {
    const first = (e instanceof Error ? e.message : String(e)).split('\n')[0];
    throw new TrapcheckError('RUNTIME_NOT_FOUND', `runtime ${opts.name}: cannot bundle the driver for gjs: ${first}`);
  }
  return { name: opts.name, command: opts.binary, args: ['-m', driver], cwd: ROOT };
}

export async function createSpiderMonkeyRuntime(opts: NativeRuntimeOptions): Promise<Runtime> {
  const driver = await SupervisedDriver.start(await gjsDriverSpec(opts));
  const { engine, version } = driver.hello;
  if (engine !== 'spidermonkey') {
    await driver.close();
    throw new TrapcheckError('RUNTIME_NOT_FOUND', `runtime ${opts.name}: \`${opts.binary}\` ran the driver on ${engine} (${version}), not SpiderMonkey`);
  }
  return {
    name: opts.name,
    profile: loadProfile('spidermonkey'),
    capabilities: driverCapabilities(driver.hello),
    version: () => Promise.resolve(`${version} at ${opts.binary}`),
    executeAll: (cases) => driver.executeAll(cases),
    close: () => driver.close(),
  };
}
