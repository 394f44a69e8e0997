/**
 * Lowering: a core case (one module, one instance, `invoke` / `get` / `start` steps with
 * expectations on results, memory and globals) becomes an equivalent WASI command, for runtimes
 * that can only run `_start` (wazero's CLI).
 *
 * 1. The probe plan (probe-plan.ts, `return` mode) appends a nullary wrapper per step returning
 *    the results as integer bits, and the readers of memory and globals the expectations name.
 * 2. Section edits (lower-sections.ts): a memory for a module without one, `memory` exported,
 *    the module's own `_start` export renamed (a `start` step still calls it by index).
 * 3. `wasi_snapshot_preview1.fd_write` is imported (lower-import.ts). That shifts every defined
 *    function's index; calls, `ref.func`, exports, elements and start are renumbered at the
 *    binary level, and no instruction of the guest is otherwise re-encoded.
 * 4. A generated `_start` (lower-start.ts) performs the steps in order with constant arguments
 *    and prints records on stdout: before each action, each result, after the action, each read,
 *    at the end of each step, and when all are done.
 * The run is read back with decodeLowered (lower-records.ts).
 *
 * A trap or exit ends the process, so one command observes the steps up to and including the
 * first that traps or exits: its outcome and output, but not the instance state after it, and no
 * later step. Those are reported as not observable (the judge: `skip` with the reason), never as
 * a pass. A `start` step ends the command too (returning from `_start` is `exit 0`).
 */
import { expectsStream } from '../../case.ts';
import type { Case } from '../../case.ts';
import { appendToModule } from '../../wasm/append.ts';
import { UnknownInstruction } from '../../wasm/instructions.ts';
import { readLayout } from '../../wasm/layout.ts';
import { singleInstanceProblem } from '../adapter.ts';
import { addFunctionImport, importModules } from './lower-import.ts';
import { definedMemoryPages, editSections } from './lower-sections.ts';
import type { StepCode } from './lower-start.ts';
import { startFunctions } from './lower-start.ts';
import type { ProbePlan } from './probe-plan.ts';
import { planProbes } from './probe-plan.ts';

export interface LoweredCommand {
  /** The WASI command module. */
  bytes: Uint8Array;
  /** How many of the case's steps the command performs (a prefix: up to its first `start`). */
  steps: number;
  plan: ProbePlan;
  /** End-of-step records are also written to stderr (some step expects stderr). */
  mirrorStderr: boolean;
}

/** The name the module's own `_start` export gets in the lowered command. */
export const ORIGINAL_START = '__trapcheck_original_start';
const WASI = 'wasi_snapshot_preview1';
const I32 = 0x7f;
const LOWERABLE = new Set(['instantiate', 'invoke', 'get', 'start']);

class Unlowerable extends Error {}

/** The lowered command of `c`, or why it cannot be lowered. */
export function lowerCommand(c: Case): LoweredCommand | { unsupported: string } {
  try {
    return lower(c);
  } catch (e) {
    if (e instanceof Unlowerable || e instanceof UnknownInstruction) return { unsupported: `lowering to a command: ${e.message}` };
    throw e;
  }
}

function lower(c: Case): LoweredCommand {
  const shape = singleInstanceProblem(c);
  if (shape) throw new Unlowerable(shape);
  const bad = c.steps.find((s) => !LOWERABLE.has(s.op));
  if (bad) throw new Unlowerable(`step ${bad.op} has no command form`);
  const firstStart = c.steps.findIndex((s) => s.op === 'start');
  const steps = firstStart < 0 ? c.steps.length : firstStart + 1;

  const plan = planProbes(c, { mode: 'return' });
  if ('unsupported' in plan) throw new Unlowerable(plan.unsupported);
  const probed = plan.modules[0]!;
  const layout = readLayout(probed);
  const foreign = importModules(probed).filter((m) => m !== WASI);
  if (foreign.length) throw new Unlowerable(`the module imports from ${JSON.stringify(foreign[0])} (a command runtime provides WASI only)`);
  if (layout.memories.length > 1) throw new Unlowerable('several memories');
  const pages = definedMemoryPages(probed);
  if (layout.memories.length === 1) {
    if (layout.memories[0]!.is64) throw new Unlowerable('a memory64 memory (WASI iovecs are 32-bit)');
    if (pages === undefined) throw new Unlowerable('an imported memory');
    if (pages === 0) throw new Unlowerable('memory 0 has 0 pages: no scratch space to print through without changing memory.size');
  }
  const memoryExport = layout.exports.get('memory');
  if (memoryExport && (memoryExport.kind !== 'memory' || memoryExport.index !== 0)) throw new Unlowerable('the export `memory` is not memory 0');
  const ownStart = layout.exports.get('_start');
  if (ownStart && ownStart.kind !== 'func') throw new Unlowerable('the export `_start` is not a function');
  if (c.steps.slice(0, steps).some((s) => s.op === 'start') && !ownStart) throw new Unlowerable('a `start` step on a module without `_start`');

  const edited = editSections(probed, {
    addMemory: layout.memories.length === 0,
    exportMemory: !memoryExport,
    ...(ownStart ? { renameStart: ORIGINAL_START } : {}),
  });
  const imported = addFunctionImport(edited, { module: WASI, name: 'fd_write', params: [I32, I32, I32, I32], results: [I32] });
  const after = readLayout(imported.bytes);
  const funcOf = (exportName: string): number => {
    const e = after.exports.get(exportName === '_start' ? ORIGINAL_START : exportName);
    if (!e || e.kind !== 'func') throw new Unlowerable(`no function export ${exportName}`);
    return e.index;
  };
  const code: StepCode[] = plan.steps.slice(0, steps).map((p, k) => ({
    step: k,
    ...(p.action ? { action: { func: funcOf(p.action.export), args: p.action.args, results: p.action.results } } : {}),
    reads: p.reads.map((r) => {
      const width = r.export.endsWith('peek64') ? 8 : r.export.endsWith('peek8') ? 1 : 0;
      return { func: funcOf(r.export), args: r.args, results: r.results, ...(width ? { bounds: { address: r.args[0]!.bits, width } } : {}) };
    }),
  }));
  const mirrorStderr = c.steps.some((s) => expectsStream(s.expect, 'stderr'));
  const start = startFunctions({ fdWrite: imported.index, firstFunction: after.funcs.length, firstType: after.typeCount, steps: code, mirrorStderr });
  const bytes = appendToModule(imported.bytes, { types: start.types, functions: start.functions, globals: [], exports: [{ name: '_start', kind: 'func', index: start.start }] });
  return { bytes, steps, plan, mirrorStderr };
}

/** The lowered command as a case of its own: instantiate, then run `_start` (any runtime with WASI can run it). */
export function commandCase(c: Case, lowered: LoweredCommand): Case {
  const out: Case = {
    id: `${c.id}#command`,
    family: c.family,
    modules: [{ bytes: lowered.bytes }],
    features: [...new Set([...c.features, 'wasi' as const])],
    steps: [
      { op: 'instantiate', expect: {} },
      { op: 'start', expect: {} },
    ],
    provenance: c.provenance,
  };
  if (c.wasi) out.wasi = c.wasi;
  if (c.timeoutMs !== undefined) out.timeoutMs = c.timeoutMs;
  return out;
}
