/**
 * `trapcheck runtimes`: every runtime, whether it is available here, and its version. Built-in
 * runtimes are started to ask their version; native ones are listed from discovery (the version
 * their binary printed) without starting an adapter, so a runtime whose adapter is not written yet
 * still shows. Anything missing or unusable is one line with the reason.
 */
import { adapterStatus } from '../../runtimes/native-adapters.ts';
import { discoverDefault } from '../../runtimes/discovery.ts';
import { NATIVE_FAMILIES } from '../../runtimes/native-kinds.ts';
import { BUILTIN_RUNTIMES, createRuntime } from '../../runtimes/registry.ts';
import { TrapcheckError } from '../../errors.ts';
import { parse } from '../args.ts';
import type { CliIo } from '../io.ts';

const WIDTH = 20;

export async function runtimesCommand(argv: string[], io: CliIo): Promise<number> {
  parse('runtimes', argv, {});
  // the native binaries are probed while the built-in runtimes start one by one
  const discovering = discoverDefault();
  let available = 0;
  let missing = 0;
  for (const name of BUILTIN_RUNTIMES) {
    try {
      const rt = await createRuntime(name);
      try {
        const version = await rt.version();
        io.out(`${name.padEnd(WIDTH)} available  ${version}  (profile ${rt.profile.runtime}, ${rt.profile.versions})`);
        available++;
      } finally {
        await rt.close();
      }
    } catch (e) {
      if (!(e instanceof TrapcheckError)) throw e;
      io.out(`${name.padEnd(WIDTH)} missing    ${e.message}`);
      missing++;
    }
  }
  const discovery = await discovering;
  for (const r of discovery.runtimes) {
    const adapter = adapterStatus(r.nativeKind.adapter);
    io.out(`${r.name.padEnd(WIDTH)} available  ${r.versionLine}  (${r.binary}, ${r.source}; adapter ${adapter.module})`);
    available++;
  }
  for (const family of NATIVE_FAMILIES) {
    if (discovery.runtimes.some((r) => r.family === family)) continue;
    io.out(`${family.padEnd(WIDTH)} missing    looked for ${(discovery.searched.get(family) ?? []).join(', ')}`);
    missing++;
  }
  for (const p of discovery.problems) io.out(`${p.family.padEnd(WIDTH)} unusable   ${p.message}`);
  for (const s of discovery.shadowed) io.out(`${s.family.padEnd(WIDTH)} duplicate  ${s.message}`);
  io.out(`${available} available, ${missing} missing${discovery.problems.length ? `, ${discovery.problems.length} unusable` : ''}`);
  return 0;
}
