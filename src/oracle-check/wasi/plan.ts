/**
 * How a WASI case runs on wasm-interp in one process: its module with the WASI imports lowered
 * (lower-wasi.ts), the probe plan's wrappers appended (src/runtimes/native/probe-plan.ts: each
 * `invoke` step a nullary function returning its results as integer bits), and an export section
 * holding only `__tc_<k>` per acting step, in step order: `--run-all-exports` then performs the
 * steps in order on one instance (a `start` step is `_start` itself; `instantiate` is the load).
 *
 * Not evaluable here (named): several modules or instances; steps other than instantiate,
 * start, invoke and get; memory or global expectations (wasm-interp calls exports without
 * arguments and reads nothing after them); the case's WASI settings (args, env, stdin, preopens:
 * the shim has none of them).
 */
import type { Case } from '../../case.ts';
import { singleInstanceProblem } from '../../runtimes/adapter.ts';
import type { ProbePlan } from '../../runtimes/native/probe-plan.ts';
import { planProbes } from '../../runtimes/native/probe-plan.ts';
import { appendToModule, editSections, uleb } from '../../wasm/append.ts';
import { readLayout } from '../../wasm/layout.ts';
import { SignatureError } from '../../wasm/signatures.ts';
import { lowerWasi } from './lower-wasi.ts';
import { loadedMarkerBody } from './shim-code.ts';

export const STEP_EXPORT = '__tc_';

export interface WasiRunPlan {
  bytes: Uint8Array;
  probes: ProbePlan;
  /** Steps performed by an export call (`__tc_<k>`), in order. */
  acting: number[];
}

const utf8 = new TextEncoder();

function exportEntry(name: string, func: number): number[] {
  const b = utf8.encode(name);
  return [...uleb(b.length), ...b, 0x00, ...uleb(func)];
}

/** Why the case cannot run on the shim, or undefined. */
export function wasiShapeProblem(c: Case): string | undefined {
  const shape = singleInstanceProblem(c);
  if (shape) return shape;
  const setting = Object.entries(c.wasi ?? {}).find(([, v]) => v !== undefined);
  if (setting) return `WASI setting ${setting[0]} (the shim has no args, env, stdin or preopens)`;
  for (const s of c.steps) {
    if (s.op !== 'instantiate' && s.op !== 'start' && s.op !== 'invoke' && s.op !== 'get') return `step ${s.op} through wasm-interp`;
    if (s.expect.memory !== undefined || s.expect.globals !== undefined) return 'memory or global expectations (wasm-interp reads no state after a call)';
    if (s.expect.anyOf !== undefined) return 'a step with several allowed outcomes';
  }
  return undefined;
}

/** The run of `c`, or why it cannot be made. */
export function planWasiRun(c: Case): WasiRunPlan | { unsupported: string } | { rejected: string } {
  const problem = wasiShapeProblem(c);
  if (problem) return { unsupported: problem };
  let lowered;
  try {
    lowered = lowerWasi(c.modules[0]!.bytes);
  } catch (e) {
    // a module the layout reader refuses is malformed: wasm-interp itself must say so
    if (e instanceof SignatureError) return { rejected: e.message };
    throw e;
  }
  if ('unsupported' in lowered) return lowered;
  const probes = planProbes({ ...c, modules: [{ bytes: lowered.bytes }] }, { mode: 'return' });
  if ('unsupported' in probes) return probes;
  const probed = probes.modules[0]!;
  const before = readLayout(probed);
  // the `loaded` marker (shim-code.ts), exported first: it runs once instantiation is over
  const planned = appendToModule(probed, { types: [[[], []]], functions: [{ type: before.typeCount, locals: [], body: loadedMarkerBody(0) }], globals: [], exports: [] });
  const layout = readLayout(planned);
  const acting: number[] = [];
  const entries: number[][] = [exportEntry(`${STEP_EXPORT}load`, before.funcs.length)];
  let missing: string | undefined;
  probes.steps.forEach((s, k) => {
    if (!s.action) return;
    const target = layout.exports.get(s.action.export);
    if (!target || target.kind !== 'func') {
      missing ??= `step ${k} calls ${JSON.stringify(s.action.export)}, which the module does not export as a function`;
      return;
    }
    entries.push(exportEntry(`${STEP_EXPORT}${k}`, target.index));
    acting.push(k);
  });
  if (missing) return { unsupported: missing };
  const bytes = editSections(planned, new Map([[7, { replace: { count: 0, parts: [] }, entries }]]));
  return { bytes, probes, acting };
}
