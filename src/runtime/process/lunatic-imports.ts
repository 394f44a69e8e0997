/**
 * Lunatic's host functions (module → name → function) for one process, with the names and
 * signatures of its linker (lunatic-solutions/lunatic @ 28a2f387,
 * crates/lunatic-{process,messaging,trap,version}-api/src/lib.rs).
 */
import { HostError, Killed, ProcessUnsupported } from './errors.ts';
import { LUNATIC_VERSION } from './limits.ts';
import { messageApi } from './lunatic-message-api.ts';
import { processApi } from './lunatic-process-api.ts';
import type { Proc, ProcessConfig } from './proc.ts';
import type { ProcessScheduler } from './scheduler.ts';

/** What the host functions need from the process system. */
export interface LunaticHost {
  readonly scheduler: ProcessScheduler;
  /** A new process of module `index` (instantiated, not started), or why it could not be created. */
  create(index: number, config: ProcessConfig): Proc | string;
}

export type ImportNamespaces = Record<string, Record<string, unknown>>;

export function lunaticImports(p: Proc, host: LunaticHost): ImportNamespaces {
  const trap: Record<string, unknown> = {
    // (function: i32, pointer: i32) -> i32: `_lunatic_catch_trap(function, pointer)`, 0 when it fails
    catch: (fnIndex: number, pointer: number): number => {
      const target = p.exports['_lunatic_catch_trap'];
      if (typeof target !== 'function') throw new HostError('lunatic::trap::catch: No export `_lunatic_catch_trap` defined in module');
      p.catchDepth++;
      try {
        return ((target as (a: number, b: number) => number)(fnIndex, pointer) | 0);
      } catch (e) {
        // a kill (KILLED) or an unsupported feature is the host's, not a trap the guest may catch
        if (e instanceof Killed || e instanceof ProcessUnsupported) throw e;
        return 0;
      } finally {
        p.catchDepth--;
      }
    },
  };
  const version: Record<string, unknown> = { major: () => LUNATIC_VERSION[0], minor: () => LUNATIC_VERSION[1], patch: () => LUNATIC_VERSION[2] };
  return { 'lunatic::process': processApi(p, host), 'lunatic::message': messageApi(p, host.scheduler), 'lunatic::trap': trap, 'lunatic::version': version };
}
