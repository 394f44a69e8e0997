/**
 * Reading what WAMR's iwasm prints, as measured on the real binaries (iwasm 2.0.0, 2.4.5 fast
 * interpreter, 2.4.5 classic; commands in profiles/iwasm.json). Pure functions, no I/O.
 *
 * Everything iwasm itself prints goes to STDOUT with stdio buffering, in one stream with the
 * guest's own fd 1 writes (which are unbuffered `write`s):
 *   - results: `0x2a:i32`, `0xfffffffffffffffe:i64`, multi-value joined by `,`, an empty line
 *     for a void function (REPL), floats as `%.7g` (lossy: the adapter never asks for floats);
 *   - a trap: `Exception: <text>` as the last line (guest output before it may end without a
 *     newline: `hiException: unreachable`);
 *   - load / instantiate failures: `WASM module load failed: <text>`,
 *     `WASM module instantiate failed: <text>` (a start-function trap: `…: Exception: <text>`);
 *   - log lines `[HH:MM:SS:mmm - TID]: <text>` (link warnings, thread manager errors), flushed
 *     with the rest of stdio, so they can land inside guest output.
 */
import type { Outcome, TrapKind } from '../../outcome.ts';
import type { IntType } from './probe-plan.ts';

/**
 * iwasm's exception texts → trap kinds. Every kind iwasm can raise prints the spec's own words
 * except stack exhaustion; `terminated by user` is its `--timeout`, never a guest trap.
 */
export const IWASM_TRAP_MESSAGES: ReadonlyArray<readonly [string, TrapKind]> = [
  ['unreachable', 'unreachable'],
  ['integer divide by zero', 'integer divide by zero'],
  ['integer overflow', 'integer overflow'],
  ['invalid conversion to integer', 'invalid conversion to integer'],
  ['out of bounds memory access', 'out of bounds memory access'],
  ['out of bounds table access', 'out of bounds table access'],
  ['undefined element', 'undefined element'],
  ['uninitialized element', 'uninitialized element'],
  ['indirect call type mismatch', 'indirect call type mismatch'],
  ['unaligned atomic', 'unaligned atomic'],
  ['expected shared memory', 'expected shared memory'],
  // the interpreter's own frame stack; `native stack overflow` is the AOT/JIT guard page
  ['wasm operand stack overflow', 'call stack exhausted'],
  ['native stack overflow', 'call stack exhausted'],
];

/** `Exception:` texts that are not traps of the guest but iwasm telling the host something. */
export const PROC_EXIT_TEXT = 'wasi proc exit';
export const TIMEOUT_TEXT = 'terminated by user';
const UNLINKED_IMPORT = /^failed to call unlinked import function \(([^,]*), ([^)]*)\)$/;

const LOG_LINE = /\[\d{2}:\d{2}:\d{2}:\d{3} - [0-9A-F]+\]: [^\n]*\n/g;

/** Removes iwasm's log lines (link warnings, thread manager errors) from captured stdout. */
export function stripLogLines(text: string): { text: string; logs: string[] } {
  const logs: string[] = [];
  const rest = text.replace(LOG_LINE, (line) => {
    logs.push(line.trimEnd());
    return '';
  });
  return { text: rest, logs };
}

/** An exception text → the outcome of the call that raised it. */
export function exceptionOutcome(message: string): Outcome {
  const kind = IWASM_TRAP_MESSAGES.find(([text]) => text === message)?.[1];
  if (kind) return { kind: 'trap', trap: [kind], message };
  const unlinked = UNLINKED_IMPORT.exec(message);
  // WAMR links functions lazily: a missing import is reported when it is called, not at instantiation
  if (unlinked) return { kind: 'rejected', stage: 'unlinkable', message };
  return { kind: 'crash', detail: `unclassified iwasm exception: ${message}` };
}

const TRAILING_EXCEPTION = /Exception: ([^\n]*)\n?$/;

/** Splits a trailing `Exception: <text>` line off captured stdout (the guest's output stays). */
export function splitException(stdout: string): { guest: string; exception?: string } {
  const m = TRAILING_EXCEPTION.exec(stdout);
  if (!m) return { guest: stdout };
  return { guest: stdout.slice(0, m.index), exception: m[1]! };
}

/**
 * What iwasm printed before its REPL prompt or instead of it: the load / instantiate verdict.
 * Returns undefined when the module was instantiated (only log lines, or nothing).
 */
export function bannerOutcome(text: string): Outcome | undefined {
  const load = /WASM module load failed: ([^\n]*)/.exec(text);
  if (load) return loadFailure(load[1]!.trim());
  const inst = /WASM module instantiate failed: ([^\n]*)/.exec(text);
  if (inst) return instantiateFailure(inst[1]!.trim());
  return undefined;
}

/** `WASM module load failed: …`: decoding and validation are one stage in WAMR's loader. */
function loadFailure(message: string): Outcome {
  if (message.startsWith('a module with WASI apis must export memory'))
    return { kind: 'unsupported', feature: 'a WASI module that exports no memory (iwasm refuses it: "a module with WASI apis must export memory by default")' };
  if (/^unsupported opcode|^multiple memories/.test(message)) return { kind: 'unsupported', feature: `a proposal this iwasm build lacks (${message})` };
  return { kind: 'rejected', stage: 'compile', message };
}

/** `WASM module instantiate failed: …`: linking, active segments, the start function. */
function instantiateFailure(message: string): Outcome {
  if (message.startsWith('Exception: ')) return exceptionOutcome(message.slice('Exception: '.length));
  if (/^failed to link import/.test(message)) return { kind: 'rejected', stage: 'unlinkable', message };
  // active data / element segments out of range: the spec's trap at instantiation, no `Exception:`
  const kind = IWASM_TRAP_MESSAGES.find(([text]) => text === message)?.[1];
  if (kind) return { kind: 'trap', trap: [kind], message };
  return { kind: 'crash', detail: `iwasm could not instantiate the module: ${message}` };
}

/** A printed result list (`0x1:i32,0xfffffffffffffffe:i64`) of the given integer types → raw bits. */
export function parseResults(line: string, types: readonly IntType[]): bigint[] | undefined {
  if (types.length === 0) return line === '' ? [] : undefined;
  const parts = line.split(',');
  if (parts.length !== types.length) return undefined;
  const out: bigint[] = [];
  for (let i = 0; i < parts.length; i++) {
    const m = /^0x([0-9a-f]+):(i32|i64)$/.exec(parts[i]!);
    if (!m || m[2] !== types[i]) return undefined;
    out.push(BigInt(`0x${m[1]}`));
  }
  return out;
}

/** One REPL reply split into the guest's output and what iwasm printed for the call. */
export interface ReplAnswer {
  guest: string;
  /** `values`: the call returned (raw bits); `exception`: iwasm printed `Exception: <text>`. */
  result: { kind: 'values'; bits: bigint[] } | { kind: 'exception'; message: string } | { kind: 'unreadable'; text: string };
}

/**
 * A REPL reply (the text between the line sent and the next prompt): guest output first, then
 * iwasm's own last line. The guest's output may lack a final newline, so the call's line is
 * taken from the end, shaped by the result types the call must print.
 */
export function readReplReply(reply: string, types: readonly IntType[]): ReplAnswer {
  const { text } = stripLogLines(reply);
  const ex = splitException(text);
  if (ex.exception !== undefined) return { guest: ex.guest, result: { kind: 'exception', message: ex.exception } };
  if (!text.endsWith('\n')) return { guest: text, result: { kind: 'unreadable', text } };
  const body = text.slice(0, -1);
  if (types.length === 0) return { guest: body, result: { kind: 'values', bits: [] } };
  const value = '0x[0-9a-f]+:i(?:32|64)';
  const m = new RegExp(`(${Array(types.length).fill(value).join(',')})$`).exec(body);
  const bits = m ? parseResults(m[1]!, types) : undefined;
  if (!m || !bits) return { guest: body, result: { kind: 'unreadable', text } };
  return { guest: body.slice(0, m.index), result: { kind: 'values', bits } };
}
