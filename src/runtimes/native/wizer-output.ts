/**
 * What one wizer process said, normalised. Every text below was printed by the real binaries
 * (wizer 10.0.0 = wasmtime 36.0.2, wizer 11.0.3 = wasmtime 42.0.1); the commands are in
 * profiles/wasmtime-wizer.json. The shape of wizer's error (anyhow's report, RUST_BACKTRACE unset):
 *
 *   Error: the `NAME` function trapped            ← the init function failed (a call)
 *   Error: failed to instantiate the Wasm module  ← wizer 10: instantiation failed (start section, segments)
 *   Error: error while executing at wasm backtrace:   ← wizer 11: the start section failed
 *   Error: wasm trap: out of bounds memory access ← wizer 11: an active segment did not fit
 *
 *   Caused by:
 *       0: error while executing at wasm backtrace:
 *              0:     0xe7 - <unknown>!<wasm function 1>
 *       1: wasm trap: integer divide by zero      ← wasmtime's Trap text, or
 *       1: Exited with i32 exit status 0          ← WASI proc_exit(N), N < 126: an error carrying N
 *       1: exit with invalid exit status outside of [0..126)   ← proc_exit(N ≥ 126)
 *
 * wizer inherits stdio, so stderr is the guest's own stderr followed by that report, with no
 * separator (a guest line without `\n` runs into `Error:`).
 */
import type { Outcome, TrapKind } from '../../outcome.ts';

/** wasmtime's trap texts (the line after `wasm trap: `), each as printed by both versions. */
export const WASMTIME_TRAP_TEXTS: ReadonlyArray<readonly [string, readonly TrapKind[]]> = [
  ['wasm `unreachable` instruction executed', ['unreachable']],
  ['integer divide by zero', ['integer divide by zero']],
  ['integer overflow', ['integer overflow']],
  ['invalid conversion to integer', ['invalid conversion to integer']],
  ['out of bounds memory access', ['out of bounds memory access']],
  // one text for an index past the table's end and (table.get/set, never reached: wizer refuses them) a table access
  ['undefined element: out of bounds table access', ['undefined element', 'out of bounds table access']],
  ['uninitialized element', ['uninitialized element']],
  ['indirect call type mismatch', ['indirect call type mismatch']],
  ['call stack exhausted', ['call stack exhausted']],
  ['unaligned atomic', ['unaligned atomic']],
  ['atomic wait on non-shared memory', ['expected shared memory']],
];

/** The headers wizer's own report starts with, most specific first (see the file comment). */
function reportHeaders(initFunc: string): string[] {
  return [`Error: the \`${initFunc}\` function trapped`, 'Error: failed to instantiate the Wasm module', 'Error: error while executing at wasm backtrace', 'Error: wasm trap: '];
}

/** Splits stderr into the guest's bytes and wizer's report (empty when the process succeeded). */
export function splitStderr(stderr: Buffer, initFunc: string, failed: boolean): { guest: Buffer; report: string } {
  if (!failed) return { guest: stderr, report: '' };
  for (const header of reportHeaders(initFunc)) {
    const at = stderr.lastIndexOf(header);
    if (at >= 0) return { guest: stderr.subarray(0, at), report: stderr.subarray(at).toString('utf8') };
  }
  // refusals come before any guest code runs: the whole stream is wizer's
  const at = stderr.indexOf('Error: ');
  return at >= 0 ? { guest: stderr.subarray(0, at), report: stderr.subarray(at).toString('utf8') } : { guest: stderr, report: stderr.toString('utf8') };
}

/** When the failure happened: inside the init function, or while instantiating (start section, segments). */
export type FailurePhase = 'call' | 'instantiate';

export type WizerVerdict =
  /** Guest code ran and ended the run: a trap, an exit, a WASI host error. */
  | { kind: 'ended'; phase: FailurePhase; outcome: Outcome }
  /** wizer refused the module or the run before any guest code ran. */
  | { kind: 'refused'; outcome: Outcome };

function lastMatch(text: string, re: RegExp): RegExpExecArray | undefined {
  let found: RegExpExecArray | undefined;
  for (const m of text.matchAll(new RegExp(re.source, `${re.flags.replace('g', '')}g`))) found = m as RegExpExecArray;
  return found;
}

export function classifyTrapText(text: string): Outcome {
  const t = text.trim();
  for (const [words, kinds] of WASMTIME_TRAP_TEXTS) if (t === words) return { kind: 'trap', trap: [...kinds], message: t };
  return { kind: 'crash', detail: `unclassified wasmtime trap text: ${t}` };
}

const REFUSALS: ReadonlyArray<readonly [RegExp, (m: RegExpExecArray) => string]> = [
  // measured: wizer 10 prints "unsupported typed `select` instruction" for a typed select (0x1c), the form contexts emit
  [/unsupported ((?:\w+ )*)`([^`]+)` instruction/, (m) => `instruction ${m[1]}${m[2]} (wizer refuses any module that uses it)`],
  [/imported (memories|globals|tables) are not supported/, (m) => `imported ${m[1]} (wizer refuses them)`],
  [/(memory|table and global) imports are not allowed in the root Wasm module/, (m) => `${m[1]} imports (wizer refuses them)`],
  [/shared memory support is disabled/, () => 'shared memory (off in wizer’s wasmtime configuration)'],
  [/(?:support is not enabled|proposal not enabled|must be enabled[^(\n]*|not supported without the \w+ feature)/, (m) => `a wasm feature wizer’s wasmtime leaves off (${m[0]})`],
];

/** Reads wizer's report (from splitStderr) for a run whose status was not 0. */
export function classifyReport(report: string, initFunc: string): WizerVerdict {
  const phase: FailurePhase = report.includes(`the \`${initFunc}\` function trapped`) ? 'call' : 'instantiate';
  const exit = lastMatch(report, /Exited with i32 exit status (\d+)/);
  if (exit) return { kind: 'ended', phase, outcome: { kind: 'exit', code: Number(exit[1]) } };
  // wasmtime-wasi refuses to exit with a status ≥ 126 and raises this error instead; the wasmtime CLI
  // exits 1 on it, the profile's `wasmtime` exit rule (N < 126 → N, else 1) judges it as that exit
  if (/exit with invalid exit status outside of \[0\.\.126\)/.test(report)) return { kind: 'ended', phase, outcome: { kind: 'exit', code: 1 } };
  const trapLine = lastMatch(report, /wasm trap: (.+)$/m);
  if (trapLine) return { kind: 'ended', phase, outcome: classifyTrapText(trapLine[1]!) };
  const wasiCall = /In func (wasi_snapshot_preview1::\w+)[^\n]*/.exec(report);
  if (wasiCall) return { kind: 'ended', phase, outcome: { kind: 'host-error', message: wasiCall[0] } };
  const unknownImport = /unknown import: `([^`]+)` has not been defined|unknown imported function: '([^']+)' '([^']+)'/.exec(report);
  if (unknownImport)
    return { kind: 'ended', phase, outcome: { kind: 'unsupported', feature: `calling import ${unknownImport[1] ?? `${unknownImport[2]}::${unknownImport[3]}`} (wizer links only WASI)` } };
  if (report.includes('missing required memory export')) return { kind: 'ended', phase, outcome: { kind: 'unsupported', feature: 'a WASI call from a module that exports no `memory` (wasmtime-wasi needs that export)' } };
  for (const [re, why] of REFUSALS) {
    const m = re.exec(report);
    if (m) return { kind: 'refused', outcome: { kind: 'unsupported', feature: why(m) } };
  }
  const firstLine = report.split('\n')[0]!.replace(/^Error: /, '');
  if (/does not have type `\[\] -> \[\]`|does not have a `[^`]*` export/.test(report))
    return { kind: 'refused', outcome: { kind: 'crash', detail: `wizer adapter: ${firstLine}` } };
  if (/wasm validation failed|failed to compile the Wasm module|\(at offset 0x[0-9a-f]+\)/.test(report)) {
    const detail = lastMatch(report, /^\s*(?:\d+: )?([^\n]*\(at offset 0x[0-9a-f]+\))/m)?.[1] ?? firstLine;
    return { kind: 'refused', outcome: { kind: 'rejected', stage: 'compile', message: detail.trim() } };
  }
  return { kind: 'refused', outcome: { kind: 'crash', detail: `wizer: ${firstLine || 'failed without a message'}` } };
}
