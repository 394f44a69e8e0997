/**
 * Probe plan: how a runtime that can only call exports by name (a CLI's `-f`, a REPL, wizer's
 * init function, a lowered `_start`) performs a case's steps and reads the state its
 * expectations name, bit-exactly.
 *
 * Each module of the case gets exports appended (src/wasm/append.ts: nothing renumbered, the
 * module's own code untouched):
 *   - per `invoke` / `get` step k, `__trapcheck_step<k>`: a nullary wrapper that calls the target
 *     with the case's arguments as constants and returns its results as integers (an f32 as its
 *     i32 bits, an f64 as its i64 bits), so no runtime's float printing or argument parsing can
 *     blur a value. In `store` mode (wizer: its init function must be `() -> ()`) the wrapper
 *     returns nothing and stores the results in appended exported globals
 *     `__trapcheck_result<k>_<j>` instead;
 *   - `__trapcheck_peek64(addr) -> i64` and `__trapcheck_peek8(addr) -> i32`: little-endian
 *     reads of the memory expectations look at (the exported `memory`, else memory 0; the address
 *     is i64 on a memory64);
 *   - `__trapcheck_global<i>() -> i32|i64`: the bits of global i, for `globals` expectations.
 * `start` steps call `_start` itself. Steps address instances as the case does (`as` names, the
 * latest by default); a runtime runs one process or session per instance.
 *
 * Reads happen after the step; on a runtime whose process ends at a trap, reads after a trapping
 * step cannot be made, and the adapter reports them missing (never as matching).
 */
import type { Case, MemoryRegion, Step } from '../../case.ts';
import type { WasmValue } from '../../outcome.ts';
import { appendToModule } from '../../wasm/append.ts';
import { readLayout } from '../../wasm/layout.ts';
import type { SigType } from '../../wasm/signatures.ts';
import { ModuleProbes, ProbeUnsupported, bitsToValue } from './probe-module.ts';

export { ProbeUnsupported, bitsToValue, valueBits } from './probe-module.ts';

export type IntType = 'i32' | 'i64';

export interface ProbeArg {
  type: IntType;
  /** Two's complement bits, as an unsigned value of the type's width. */
  bits: bigint;
}

export interface ProbeCall {
  export: string;
  args: ProbeArg[];
  results: IntType[];
}

export interface StepProbes {
  /** The instance the step addresses (`as` name, or `#n` for the n-th instantiate step). */
  instance: string;
  /** Index of the case module that instance runs. */
  module: number;
  /** The call that performs an `invoke` / `get` / `start` step. */
  action?: ProbeCall;
  /** `store` mode: exported globals holding the action's results, in result order. */
  resultGlobals?: string[];
  /** Calls that read the state the step's expectation names, made after the step, in order. */
  reads: ProbeCall[];
}

export interface ProbePlan {
  /** The case's modules with the probes appended (same order as `Case.modules`). */
  modules: Uint8Array[];
  /** One entry per case step. */
  steps: StepProbes[];
  /** The action's results as the target's typed values (raw: integer results as printed, any sign). */
  decodeAction(step: number, raw: readonly bigint[]): WasmValue[];
  /** The step's memory regions and globals from its reads' raw results (one array per read). */
  decodeReads(step: number, raw: ReadonlyArray<readonly bigint[]>): { memory?: MemoryRegion[]; globals?: Record<string, WasmValue> };
}

export interface ProbeOptions {
  mode: 'return' | 'store';
}

interface Decoding {
  actionTypes: SigType[];
  /** Per read: a memory chunk (region index, byte offset within it, width) or a global (name, type). */
  reads: Array<{ region: number; at: number; width: 1 | 8 } | { global: string; type: SigType }>;
  regions: MemoryRegion[];
}

function moduleOf(step: Step, index: number, instances: Map<string, number>, latest: string | undefined): { instance: string; module: number } {
  if (step.op === 'instantiate') return { instance: step.as ?? `#${index}`, module: step.module ?? 0 };
  const instance = step.instance ?? latest;
  if (instance === undefined || !instances.has(instance)) throw new ProbeUnsupported(`step ${index} addresses no instance`);
  return { instance, module: instances.get(instance)! };
}

/** The probe plan of a case, or why the case cannot be driven through exports. */
export function planProbes(c: Case, options: ProbeOptions): ProbePlan | { unsupported: string } {
  try {
    return buildPlan(c, options);
  } catch (e) {
    if (e instanceof ProbeUnsupported) return { unsupported: e.message };
    throw e;
  }
}

function buildPlan(c: Case, options: ProbeOptions): ProbePlan {
  const probes = new Map<number, ModuleProbes>();
  const probesOf = (m: number): ModuleProbes => {
    let p = probes.get(m);
    if (!p) {
      const mod = c.modules[m];
      if (!mod) throw new ProbeUnsupported(`no module ${m}`);
      p = new ModuleProbes(readLayout(mod.bytes));
      probes.set(m, p);
    }
    return p;
  };
  const instances = new Map<string, number>();
  let latest: string | undefined;
  const steps: StepProbes[] = [];
  const decodings: Decoding[] = [];
  c.steps.forEach((step, k) => {
    const { instance, module } = moduleOf(step, k, instances, latest);
    const p = probesOf(module);
    const planned: StepProbes = { instance, module, reads: [] };
    const decoding: Decoding = { actionTypes: [], reads: [], regions: [] };
    switch (step.op) {
      case 'instantiate':
        instances.set(instance, module);
        latest = instance;
        break;
      case 'invoke': {
        const w = p.invokeWrapper(k, step.export, step.args ?? [], options.mode);
        planned.action = w.call;
        if (w.resultGlobals) planned.resultGlobals = w.resultGlobals;
        decoding.actionTypes = w.types;
        break;
      }
      case 'get': {
        const r = p.globalReader(p.exportedGlobal(step.global));
        planned.action = r.call;
        decoding.actionTypes = [r.type];
        break;
      }
      case 'start':
        planned.action = { export: '_start', args: [], results: [] };
        break;
      default:
        throw new ProbeUnsupported(`step ${step.op} has no export-call form`);
    }
    if (options.mode === 'return') {
      (step.expect.memory ?? []).forEach((region, ri) => {
        decoding.regions.push(region);
        let at = 0;
        for (const call of p.memoryReads(region)) {
          planned.reads.push(call);
          const width = call.results[0] === 'i64' ? 8 : 1;
          decoding.reads.push({ region: ri, at, width });
          at += width;
        }
      });
      for (const name of Object.keys(step.expect.globals ?? {})) {
        const r = p.globalReader(p.exportedGlobal(name));
        planned.reads.push(r.call);
        decoding.reads.push({ global: name, type: r.type });
      }
    }
    steps.push(planned);
    decodings.push(decoding);
  });
  const modules = c.modules.map((m, i) => {
    const p = probes.get(i);
    return p ? appendToModule(m.bytes, p.add) : m.bytes;
  });
  return {
    modules,
    steps,
    decodeAction: (k, raw) => decodings[k]!.actionTypes.map((t, j) => bitsToValue(t, raw[j] ?? 0n)),
    decodeReads: (k, raw) => decodeReads(decodings[k]!, raw),
  };
}

function decodeReads(d: Decoding, raw: ReadonlyArray<readonly bigint[]>): { memory?: MemoryRegion[]; globals?: Record<string, WasmValue> } {
  const out: { memory?: MemoryRegion[]; globals?: Record<string, WasmValue> } = {};
  const bytes = d.regions.map((r) => new Array<string>(r.hex.length / 2).fill(''));
  d.reads.forEach((read, i) => {
    const value = raw[i]?.[0];
    if (value === undefined) return; // not read (the process ended): stays missing
    if ('global' in read) {
      (out.globals ??= {})[read.global] = bitsToValue(read.type, value);
      return;
    }
    const bits = BigInt.asUintN(read.width * 8, value);
    for (let b = 0; b < read.width; b++) bytes[read.region]![read.at + b] = Number((bits >> BigInt(8 * b)) & 0xffn).toString(16).padStart(2, '0');
  });
  if (d.regions.length) {
    // a region with any byte unread is reported as far as it was read; the judge sees the mismatch
    out.memory = d.regions.map((r, i) => {
      const hex = bytes[i]!;
      const readLength = hex.indexOf('') < 0 ? hex.length : hex.indexOf('');
      return { offset: r.offset, hex: hex.slice(0, readLength).join('') };
    });
  }
  return out;
}
