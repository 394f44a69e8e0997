/**
 * The command that shows a case on one runtime with that runtime's own CLI, no trapcheck
 * (issue #16 §3). Built from the adapters' own builders where they have one, so the command is
 * the one the adapter runs:
 *   - a WASI command (`_start`): iwasm `commandArgv`, wasm3's argv (WASM3_FLAGS + file + args),
 *     wazero `wazeroArgv`, on the case's module as it is;
 *   - a core case (calls on one instance): iwasm `--repl` and wasm3 `--repl` with one line per
 *     `invoke`, on the case's own module and export names. The adapters send the same lines to
 *     the same REPL, but through nullary wrappers (probe-plan.ts) that return results as bits;
 *     an upstream reader needs the plain calls, which show the same outcomes;
 *   - wazero's and wasmtime's (wizer's) CLIs cannot call an export: there the command runs the
 *     module the adapter itself ran, the case lowered to a `_start` that performs the steps in
 *     order (lower-command.ts) and prints a record per step.
 * State reads (`get`, memory expectations) are not shown: the REPLs cannot print them.
 */
import type { Case, Step } from '../../case.ts';
import type { WasmValue } from '../../outcome.ts';
import { commandProblem } from '../../runtimes/adapter.ts';
import { commandArgv } from '../../runtimes/native/iwasm-command.ts';
import { iwasmFlags } from '../../runtimes/native/iwasm-flags.ts';
import { renameMemoryImport } from '../../runtimes/native/iwasm-lowering.ts';
import { runsAsCommand } from '../../runtimes/native/iwasm.ts';
import { lowerCommand } from '../../runtimes/native/lower-command.ts';
import { valueBits } from '../../runtimes/native/probe-module.ts';
import { WASM3_FLAGS, wasm3Line } from '../../runtimes/native/wasm3-messages.ts';
import { wasiOnRepl } from '../../runtimes/native/wasm3.ts';
import { wazeroArgv } from '../../runtimes/native/wazero.ts';
import { NOP_EXPORT, withNopExport } from '../../runtimes/native/wizer-case.ts';
import { wizerArgv } from '../../runtimes/native/wizer-process.ts';

/** The runtime as discovery names it (src/runtimes/discovery.ts). */
export interface NativeTarget {
  name: string;
  kind: string;
  version: string;
  binary: string;
}

export interface StandaloneRun {
  /** argv[0] is the program's usual name (`iwasm`); it runs as `target.binary`. */
  argv: string[];
  stdin?: string;
}

export interface Standalone {
  /** Files the command needs, written next to the report. */
  files: Array<{ name: string; bytes: Uint8Array }>;
  runs: StandaloneRun[];
  /** How the command relates to what the adapter ran (one or two sentences). */
  note: string;
  /** The same with another CLI of the runtime that is not installed here (not run). */
  elsewhere?: string;
}

export const MODULE_FILE = 'case.wasm';
const COMMAND_FILE = 'case-command.wasm';

/** An argument as the REPLs read it: integers as unsigned bits (iwasm: strtoul base 0, wasm3: base 10), floats as decimal text. */
function replArg(v: WasmValue, hex: boolean): string {
  if (v.type === 'i32' || v.type === 'i64') return hex ? `0x${valueBits(v).toString(16)}` : valueBits(v).toString();
  return v.value;
}

function invokes(c: Case): Array<Extract<Step, { op: 'invoke' }>> {
  return c.steps.filter((s): s is Extract<Step, { op: 'invoke' }> => s.op === 'invoke');
}

function shapeProblem(c: Case): string | undefined {
  if (c.modules.length !== 1) return 'several modules: no single-runtime command';
  if (c.steps[0]?.op !== 'instantiate' || c.steps.slice(1).some((s) => s.op === 'instantiate')) return 'not one instance: no single-runtime command';
  const other = c.steps.find((s) => !['instantiate', 'invoke', 'start', 'get'].includes(s.op));
  return other ? `step ${other.op}: no single-runtime command` : undefined;
}

function iwasm(c: Case): Standalone {
  // iwasm links an imported memory only as env.memory: the adapter renames it, so does this (another file name, the module differs)
  const renamed = renameMemoryImport(c.modules[0]!.bytes);
  const file = renamed.renamed === undefined ? MODULE_FILE : 'case-env-memory.wasm';
  const files = [{ name: file, bytes: renamed.bytes }];
  if (runsAsCommand(c)) return { files, runs: [{ argv: ['iwasm', ...commandArgv(c, file)], ...(c.wasi?.stdin ? { stdin: c.wasi.stdin } : {}) }], note: 'The command the adapter runs for a WASI command (iwasm-command.ts `commandArgv`).' };
  const calls = invokes(c);
  const lines = calls.map((s) => [s.export, ...(s.args ?? []).map((a) => replArg(a, true))].join(' '));
  const one = calls.length === 1 ? calls[0]! : undefined;
  return {
    files,
    runs: [{ argv: ['iwasm', ...iwasmFlags(c), '--repl', file], stdin: lines.map((l) => `${l}\n`).join('') }],
    note: 'iwasm\'s REPL with one line per call, on one instance as in the case (the adapter drives the same REPL with the same flags, through wrappers that return the results as bits).',
    ...(one ? { elsewhere: ['iwasm', ...iwasmFlags(c), '-f', one.export, file, ...(one.args ?? []).map((a) => replArg(a, true))].join(' ') } : {}),
  };
}

function wasm3(c: Case, version: string): Standalone {
  const flags = [...WASM3_FLAGS[wasm3Line(version)]];
  const files = [{ name: MODULE_FILE, bytes: c.modules[0]!.bytes }];
  const second = c.steps[1];
  if (c.features.includes('wasi') && !wasiOnRepl(c) && (second?.op === 'start' || second?.op === 'invoke')) {
    // one process, as the adapter runs a WASI case (wasm3-command.ts): `_start`, or `--func` for one call
    const stdin = c.wasi?.stdin ? { stdin: c.wasi.stdin } : {};
    if (second.op === 'start') return { files, runs: [{ argv: ['wasm3', ...flags, MODULE_FILE, ...(c.wasi?.args ?? []).slice(1)], ...stdin }], note: 'The command the adapter runs for a WASI command (wasm3-command.ts).' };
    const args = (second.args ?? []).map((a) => replArg(a, false));
    return { files, runs: [{ argv: ['wasm3', ...flags, '--func', second.export, MODULE_FILE, ...args], ...stdin }], note: 'One wasm3 process calling the export with `--func`, as the adapter runs a WASI case (wasm3-command.ts; the adapter calls a wrapper that returns the results as bits).' };
  }
  const lines = invokes(c).map((s) => [':invoke', s.export, ...(s.args ?? []).map((a) => replArg(a, false))].join(' '));
  return {
    files,
    runs: [{ argv: ['wasm3', ...flags, '--repl', MODULE_FILE], stdin: lines.map((l) => `${l}\n`).join('') }],
    note: 'wasm3\'s REPL with one `:invoke` per call, on one instance as in the case (the adapter drives the same REPL with the same flags, through wrappers that return the results as bits).',
  };
}

function lowered(c: Case, program: 'wazero' | 'wizer'): Standalone | { none: string } {
  if (commandProblem(c) === undefined) {
    const files = [{ name: MODULE_FILE, bytes: c.modules[0]!.bytes }];
    if (program === 'wazero') return { files, runs: [{ argv: ['wazero', ...wazeroArgv(MODULE_FILE, c)], ...(c.wasi?.stdin ? { stdin: c.wasi.stdin } : {}) }], note: 'The command the adapter runs for a WASI command (wazero.ts `wazeroArgv`).' };
    return { files, runs: [{ argv: ['wizer', ...wizerArgv({ input: MODULE_FILE, output: 'snapshot.wasm', initFunc: '_start', wasi: true })] }], note: 'wizer (which embeds wasmtime) runs `_start` as its init function.', elsewhere: `wasmtime run ${MODULE_FILE}` };
  }
  if (c.steps.length === 1) {
    // instantiation alone: the module as it is, nothing to call
    const files = [{ name: MODULE_FILE, bytes: program === 'wazero' ? c.modules[0]!.bytes : withNopExport(c.modules[0]!.bytes) }];
    if (program === 'wazero') return { files, runs: [{ argv: ['wazero', ...wazeroArgv(MODULE_FILE, c)] }], note: 'wazero instantiates the module (start function and active segments included) and, as it exports no `_start`, ends there: a failed instantiation prints an error and exits 1, a successful one exits 0 silently.' };
    return { files, runs: [{ argv: ['wizer', ...wizerArgv({ input: MODULE_FILE, output: 'snapshot.wasm', initFunc: NOP_EXPORT, wasi: false })] }], note: `wizer (which embeds wasmtime) instantiates the module and calls an empty export \`${NOP_EXPORT}\` (the case's module plus that export, as the adapter runs it): a failed instantiation exits 1 with wasmtime's error.`, elsewhere: `wasmtime run ${MODULE_FILE}   # with the wasmtime CLI (not installed here)` };
  }
  const low = lowerCommand(c);
  if ('unsupported' in low) {
    const cli = program === 'wizer' ? `; with the wasmtime CLI, each call on a fresh instance: ${invokes(c).map((s) => `\`wasmtime run --invoke ${s.export} ${MODULE_FILE}${(s.args ?? []).map((a) => ` ${a.value}`).join('')}\``).join(', ')}` : '';
    return { none: `the case cannot be lowered to a command here (${low.unsupported})${cli}` };
  }
  const files = [{ name: COMMAND_FILE, bytes: low.bytes }];
  const why =
    'its CLI cannot call an export, so this runs the module the adapter ran: the case lowered to a `_start` that performs the steps in order (src/runtimes/native/lower-command.ts) and writes a record `\\u0001tc:<letter><step><index>:<hex bits>` (step and index: 4 hex digits each) per event: `B` a call begins, `R` a result, `A` the call returned, `P` a state read, `E` the step is complete, `Z` every step ran. A trap ends the process at the step that traps.';
  if (program === 'wazero') return { files, runs: [{ argv: ['wazero', ...wazeroArgv(COMMAND_FILE, c)] }], note: `wazero: ${why}` };
  const calls = invokes(c).map((s) => `wasmtime run --invoke ${s.export} ${MODULE_FILE}${(s.args ?? []).map((a) => ` ${a.value}`).join('')}`);
  return {
    files: [...files, { name: MODULE_FILE, bytes: c.modules[0]!.bytes }],
    runs: [{ argv: ['wizer', ...wizerArgv({ input: COMMAND_FILE, output: 'snapshot.wasm', initFunc: '_start', wasi: true })] }],
    note: `wasmtime (embedded in wizer, which calls one init function): ${why}`,
    elsewhere: ['# with the wasmtime CLI (not installed here): each call runs on a fresh instance', ...calls].join('\n'),
  };
}

/** The single-runtime command for `c` on `target`, or why there is none. */
export function standaloneCommand(target: NativeTarget, c: Case): Standalone | { none: string } {
  const shape = shapeProblem(c);
  if (shape) return { none: shape };
  switch (target.kind) {
    case 'iwasm':
      return iwasm(c);
    case 'wasm3':
      return wasm3(c, target.version);
    case 'wazero':
      return lowered(c, 'wazero');
    case 'wasmtime':
      return lowered(c, 'wizer');
    default:
      return { none: `no single-runtime command for ${target.kind} (trapcheck runs it through its own driver script)` };
  }
}
