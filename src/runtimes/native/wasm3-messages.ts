/**
 * What wasm3 prints, and what it means, per version line. Everything here was measured on the
 * real binaries (`../shared/runtimes/bin/wasm3-0.5.0`, `wasm3-head` = v0.9.0; commands in
 * profiles/wasm3.json `rules`), never taken from documentation:
 *
 *   - a trap is `Error: [trap] <text>` on stderr (REPL: followed by ` (<detail>)`), the same text
 *     through `--func`, `_start` and `:invoke`;
 *   - a load / instantiation failure is `Error: [Fatal] repl_load: <text>` (`repl_compile` with
 *     `--compile`) then `Error: <text>`, exit status 1 (head runs the start function inside
 *     repl_load, so its trap lands here);
 *   - the two lines differ between versions: 0.5.0 reports a null table slot as `null table
 *     element`, or as `undefined element` when it lies after the last element segment (its
 *     table ends there), head says `uninitialized element`; only head has `out of bounds table
 *     access` (reference types).
 */
import type { Feature } from '../../features.ts';
import type { Outcome, TrapKind } from '../../outcome.ts';

/** The two version lines measured here: 0.5.x, and 0.9.0 (git HEAD "Fix CI", c9b579d). */
export type Wasm3Line = '0.5' | 'head';

/** wasm3 < 0.9 behaves as the measured 0.5.0, anything newer as the measured head (0.9.0). */
export function wasm3Line(version: string): Wasm3Line {
  const m = /^(\d+)\.(\d+)/.exec(version);
  if (!m) return 'head';
  const [major, minor] = [Number(m[1]), Number(m[2])];
  return major === 0 && minor < 9 ? '0.5' : 'head';
}

/**
 * Features each line runs, each measured with a tiny module (test/runtimes/wasm3.test.ts
 * re-checks them). 0.5.0 lacks reference types (`element table index must be zero for MVP`,
 * `no operation found for opcode (25)` for table.get) and passive data segments (`restricted
 * opcode`, `no compiler found for opcode` for data.drop), so bulk-memory is not claimed although
 * memory.fill / memory.copy work. Neither claims tail-call: both accept return_call but compile it
 * to a call plus a return (0.5.0 README "☐ Tail call optimization"; head only with a compiler
 * that has musttail, which GCC 12 lacks: m3_config_platforms.h), so a 1,000,000-deep tail loop
 * ends in `stack overflow` (corpus controls/tail-call-no-stack-growth). Neither line has atomics
 * (`opcode 'fe' not available`; head: `unknown function`), SIMD (`opcode 'fd' not available`;
 * head: `unknown label`), threads or exceptions. WASI is wasm3's built-in "simple" WASI (no
 * preopens, empty environment).
 */
export const WASM3_FEATURES: Readonly<Record<Wasm3Line, readonly Feature[]>> = {
  '0.5': ['mvp', 'mutable-globals', 'sign-ext', 'nontrapping-fptoint', 'multi-value', 'wasi'],
  head: ['mvp', 'mutable-globals', 'sign-ext', 'nontrapping-fptoint', 'multi-value', 'bulk-memory', 'reference-types', 'extended-const', 'wasi'],
};

/**
 * Flags every run of a line gets. Head validates lazily (a function body when it is first
 * compiled, docs/Validation.md: "This deviates from the spec … a deliberate trade") and offers
 * `--compile` as the documented opt-in to compiling and validating every function at load, so
 * an invalid module is rejected at instantiation as the spec requires (measured: `Error: [Fatal]
 * repl_compile: incorrect type on stack`, rc 1). 0.5.0 has no such flag (it ignores it).
 */
export const WASM3_FLAGS: Readonly<Record<Wasm3Line, readonly string[]>> = {
  '0.5': [],
  head: ['--compile'],
};

/** `[trap] <text>` → kinds, per line (prefix `[trap] ` already removed). */
const TRAPS: Readonly<Record<Wasm3Line, ReadonlyArray<[string, TrapKind[]]>>> = {
  '0.5': [
    ['unreachable executed', ['unreachable']],
    ['integer divide by zero', ['integer divide by zero']],
    ['integer overflow', ['integer overflow']],
    ['invalid conversion to integer', ['invalid conversion to integer']],
    ['out of bounds memory access', ['out of bounds memory access']],
    // 0.5.0 sizes table 0 to the end of its element segments, not to its declared minimum
    // (m3_env.c InitElements), so a null slot after the last segment is "past the table"
    ['undefined element', ['undefined element', 'uninitialized element']],
    // a null slot before the end of the last segment
    ['null table element', ['uninitialized element']],
    ['indirect call type mismatch', ['indirect call type mismatch']],
    ['stack overflow', ['call stack exhausted']],
  ],
  head: [
    ['unreachable executed', ['unreachable']],
    ['integer divide by zero', ['integer divide by zero']],
    ['integer overflow', ['integer overflow']],
    ['invalid conversion to integer', ['invalid conversion to integer']],
    ['out of bounds memory access', ['out of bounds memory access']],
    ['out of bounds table access', ['out of bounds table access']],
    ['undefined element', ['undefined element']],
    ['uninitialized element', ['uninitialized element']],
    ['indirect call type mismatch', ['indirect call type mismatch']],
    ['stack overflow', ['call stack exhausted']],
  ],
};

/**
 * Instantiation failures that are the spec's instantiation traps (an active segment out of
 * bounds), printed without `[trap]`: 0.5.0 and head `data segment out of bounds`, head `out of
 * bounds table access` for an element segment (0.5.0 does not check element segments at all).
 */
const LOAD_TRAPS: ReadonlyArray<[string, TrapKind[]]> = [
  ['data segment out of bounds', ['out of bounds memory access']],
  ['out of bounds table access', ['out of bounds table access']],
];

/** wasm3's text for a proc_exit it does not turn into the process status (`--func`, start section, REPL). */
export const PROGRAM_CALLED_EXIT = '[trap] program called exit';

/**
 * Texts of a module or function wasm3 refused to compile (each seen on a tiny module). wasm3
 * validates lazily, per function, when the function is first called (`Error: incorrect type on
 * stack` on `:invoke`, the rest of the module still runs), and reports opcodes it lacks the same
 * way; at load time (`Error: [Fatal] repl_load: …`) the same texts reject the whole module.
 */
const COMPILE_ERRORS: readonly string[] = [
  'incorrect type on stack',
  'unknown opcode',
  'no operation found for opcode',
  'no compiler found for opcode',
  'restricted opcode',
  'unknown label',
  'unknown function',
  'malformed Wasm binary',
  'element table index must be zero for MVP',
  'unknown value_type',
];

/**
 * Link failures, reported lazily when the import is first called (0.5.0 / head texts). A core
 * case with imports never reaches wasm3 (wasm3CaseProblem), so in a WASI case the function is
 * one the built-in WASI lacks (0.5.0 has no sched_yield): the case needs what wasm3 cannot do.
 */
const MISSING_IMPORT: readonly string[] = ['missing imported function', 'function body is missing'];

/** An `Error: …` text (without `Error: `; a REPL detail may follow) → the outcome it reports, per line and stage. */
export function wasm3ErrorOutcome(text: string, line: Wasm3Line, stage: 'load' | 'call'): Outcome {
  const t = text.trim();
  if (t.startsWith('[trap] ')) {
    const body = t.slice('[trap] '.length);
    for (const [prefix, kinds] of TRAPS[line]) if (body.startsWith(prefix)) return { kind: 'trap', trap: [...kinds], message: t };
    if (t === PROGRAM_CALLED_EXIT) return lostExitCode(stage);
    return { kind: 'crash', detail: `unclassified wasm3 trap: ${t}` };
  }
  if (stage === 'load') for (const [prefix, kinds] of LOAD_TRAPS) if (t.startsWith(prefix)) return { kind: 'trap', trap: [...kinds], message: t };
  if (MISSING_IMPORT.some((e) => t.startsWith(e))) return { kind: 'unsupported', feature: `an import wasm3's built-in WASI does not provide (${t})` };
  if (t.startsWith('unallocated linear memory')) return { kind: 'unsupported', feature: `an imported memory (${t})` };
  if (COMPILE_ERRORS.some((e) => t.startsWith(e))) return { kind: 'rejected', stage: 'compile', message: t };
  // `function lookup failed`, `not enough arguments` …: the adapter asked for something wrong
  return { kind: 'crash', detail: `wasm3 error: ${t}` };
}

/**
 * proc_exit reached outside `_start` (an export run with `--func`, the start section): wasm3
 * prints `Error: [trap] program called exit` and exits 1 whatever the code (main.c calls
 * exit(code) only for `_start`; its REPL drops trapExit with a TODO). Not a trap, and no exit
 * whose code we could report: a runtime failure judged against the expected exit
 * (corpus/regressions/wasm3-export-proc-exit-code-lost).
 */
export function lostExitCode(stage: 'load' | 'call' | 'repl'): Outcome {
  if (stage === 'repl') return { kind: 'crash', detail: 'wasm3 lost the exit code: its REPL printed nothing for the call (it drops proc_exit silently)' };
  const where = stage === 'load' ? 'in the start function' : 'in an export run with --func';
  return { kind: 'crash', detail: `wasm3 lost the exit code: proc_exit ${where} became \`Error: ${PROGRAM_CALLED_EXIT}\`, status 1` };
}

/**
 * The text of a REPL error line `Error: <text> (<detail>)`: the detail is wasm3's error info,
 * empty for traps (` ()` is dropped) and the culprit's name otherwise (`missing imported
 * function ('env.nope')`), which stays.
 */
export function replErrorText(line: string): string | undefined {
  const m = /^Error: (.*)$/.exec(line.trim());
  if (!m) return undefined;
  return m[1]!.endsWith(' ()') ? m[1]!.slice(0, -3) : m[1]!;
}
