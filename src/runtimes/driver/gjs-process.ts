/**
 * `process` for the driver under gjs: the part of Node's global the driver and the step executor
 * touch (stdout.write, env, versions, exit). `versions.spidermonkey` is how shared code
 * (runtime/classify.ts `currentEngine`, driver.ts `engineVersion`) recognises the engine, as
 * `versions.bun` does for Bun. The bundler substitutes this object for the global `process` and
 * for `node:process` (gjs-bundle.ts).
 */
import { environment, exit, gjsVersion, spiderMonkeyVersion, writeStdout } from './gjs-host.ts';

export const process = {
  stdout: { write: (text: string): boolean => (writeStdout(text), true) },
  /** A marker for gjs-readline.ts: lines come from fd 0 through Gio. */
  stdin: { fd: 0 },
  env: environment(),
  versions: { gjs: gjsVersion(), spidermonkey: spiderMonkeyVersion() } as Record<string, string>,
  version: `gjs ${gjsVersion()}`,
  platform: 'linux',
  argv: [] as string[],
  exit: (code = 0): never => exit(code),
};

export default process;
