/** `trapcheck runtimes`: every registered runtime, whether it is available here, and its version. */
import { createRuntime, RUNTIME_NAMES } from '../../runtimes/registry.ts';
import { TrapcheckError } from '../../errors.ts';
import { parse } from '../args.ts';
import type { CliIo } from '../io.ts';

export async function runtimesCommand(argv: string[], io: CliIo): Promise<number> {
  parse('runtimes', argv, {});
  for (const name of RUNTIME_NAMES) {
    try {
      const rt = await createRuntime(name);
      const version = await rt.version();
      io.out(`${name.padEnd(12)} available  ${version}  (profile ${rt.profile.runtime}, ${rt.profile.versions})`);
      await rt.close();
    } catch (e) {
      if (!(e instanceof TrapcheckError)) throw e;
      io.out(`${name.padEnd(12)} missing    ${e.message}`);
    }
  }
  return 0;
}
