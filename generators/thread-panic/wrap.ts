/**
 * Puts a thread-panic module's sites inside transparent contexts (generators/contexts/): the
 * function holding the terminating instruction (or `_start` when no thread terminates), the
 * terminator's thread entry (its role function, or the spawned threads' `wasi_thread_start` when
 * main terminates or nobody does), and `_start` (main, around its spawns, joins and waits).
 *
 * Why that cannot change the outcome: a context only computes on its own locals (it never touches
 * memory, globals or imports, so no atomic, wait, notify or WASI call moves), runs a bounded
 * number of instructions, and passes the wrapped body's effects through unchanged. Which thread
 * ends the process is decided in the guest by atomic waits on the PARK counter, not by timing, so a
 * few extra instructions in any thread cannot reorder it.
 */
import type { Feature } from '../../src/features.ts';
import { wrapInContext } from '../contexts/index.ts';
import type { ThreadContexts } from './params.ts';

/** The `wrapped` tag's values: which sites got the context (main is the site when no thread terminates). */
export const WRAPPED = ['none', 'site', 'entry', 'main', 'site+entry', 'site+entry+main'] as const;

/** Function indices of the sites (`site` and `main` are both `_start` when no thread terminates). */
export interface Sites {
  site: number;
  entry: number;
  main: number;
}

export interface WrappedSites {
  bytes: Uint8Array;
  tags: Record<string, string>;
  features: Feature[];
  /** Which sites got a context, e.g. `site+entry+main`. */
  wrapped: string;
}

export function wrapSites(bytes: Uint8Array, sites: Sites, contexts: ThreadContexts | null): WrappedSites {
  if (!contexts) return { bytes, tags: {}, features: [], wrapped: 'none' };
  let out = bytes;
  const features = new Set<Feature>();
  let tags: Record<string, string> = {};
  const done: string[] = [];
  const wrapped = new Set<number>();
  for (const where of ['site', 'entry', 'main'] as const) {
    const index = sites[where];
    if ((contexts.at !== 'all' && contexts.at !== where) || wrapped.has(index)) continue;
    wrapped.add(index);
    // appended types, functions and tables never renumber what exists: later indices stay valid
    const w = wrapInContext(out, index, contexts.context);
    out = w.bytes;
    tags = w.tags;
    w.features.forEach((f) => features.add(f));
    done.push(where);
  }
  return { bytes: out, tags, features: [...features].sort(), wrapped: done.join('+') };
}
