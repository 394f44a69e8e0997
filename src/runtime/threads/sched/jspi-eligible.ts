/**
 * Which cases the scheduler may run on stack switching (./jspi-backend.ts) instead of Asyncify.
 * Both give the same interleavings, outcomes and output; stack switching only needs every switch
 * to happen inside a call it entered itself:
 * - the steps only instantiate (once: one main) and call `_start` (an `invoke` would call an
 *   export directly, a `call` / `resume` belongs to other hosts);
 * - no module has a start section (main's runs inside `new WebAssembly.Instance`, where no stack
 *   can be suspended; Asyncify's main runs the others inline there);
 * - the entries have their WASI types (`_start`: [] → [], `wasi_thread_start`: [i32 i32] → []:
 *   the trampoline calls them by those types, where a JS call would coerce any other);
 * - the engine can pass every imported function's types through (./stack-switching.ts).
 * Anything else, or a module it cannot read, stays on Asyncify (which reports what is wrong).
 */
import type { RunnableCase } from '../../exec.ts';
import type { FuncSig } from '../../../wasm/signatures.ts';
import { funcImportsOf, readLayout } from '../../../wasm/layout.ts';
import type { StackSwitching } from './stack-switching.ts';

const sameSig = (s: FuncSig | undefined, params: string[]): boolean => s !== undefined && s.results.length === 0 && s.params.length === params.length && s.params.every((p, i) => p === params[i]);

export function stackSwitchable(c: RunnableCase, switching: StackSwitching): boolean {
  if (!c.steps.every((s) => s.op === 'instantiate' || s.op === 'start')) return false;
  if (c.steps.filter((s) => s.op === 'instantiate').length > 1) return false;
  for (const m of c.modules) {
    let layout: ReturnType<typeof readLayout>;
    try {
      layout = readLayout(m.bytes);
    } catch {
      return false;
    }
    if (layout.start !== undefined) return false;
    const entry = (name: string, params: string[]): boolean => {
      const e = layout.exports.get(name);
      return e === undefined || (e.kind === 'func' && sameSig(layout.funcs[e.index], params));
    };
    if (!entry('_start', []) || !entry('wasi_thread_start', ['i32', 'i32'])) return false;
    if (!switching.supports(funcImportsOf(layout))) return false;
  }
  return true;
}
