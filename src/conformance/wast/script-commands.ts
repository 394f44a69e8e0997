/**
 * The typed commands a `.wast` script parses into (script.ts) and the converter turns into
 * steps (convert.ts): modules with their source, instances, registrations, actions, assertions,
 * and the constants and result patterns they carry.
 */
import type { FloatType } from './numbers.ts';
import type { SList } from './sexpr.ts';
import type { LanePattern, V128Shape } from './v128-lanes.ts';

export interface Located {
  /** 1-based line/column of the command's opening parenthesis. */
  line: number;
  col: number;
}

export type ModuleSource =
  /**
   * Module text: a complete `(module …)` whose byte positions match the file (earlier lines
   * blank), with annotations blanked and text-only abbreviations the assembler lacks expanded.
   * `node` is the parsed module (for feature detection).
   */
  | { kind: 'text'; text: Uint8Array; node: SList }
  | { kind: 'binary'; bytes: Uint8Array }
  /** `(module quote …)`: the strings concatenated, wrapped as `(module …)`. */
  | { kind: 'quote'; text: Uint8Array };

export interface ModuleCommand extends Located {
  type: 'module';
  /** `$name` of the module (or of the definition). */
  name?: string;
  /** `(module definition …)`: compiled, not instantiated. */
  definition: boolean;
  source: ModuleSource;
}

/** `(module instance $I $M)`: instantiates a module definition. */
export interface InstanceCommand extends Located {
  type: 'instance';
  name?: string;
  module?: string;
}

export interface RegisterCommand extends Located {
  type: 'register';
  as: string;
  name?: string;
}

export type Const =
  | { type: 'i32' | 'i64' | 'f32' | 'f64'; bits: bigint }
  | { type: 'v128'; bytes: Uint8Array }
  | { type: 'ref.null'; heap: string }
  | { type: 'ref.extern' | 'ref.host'; index: number };

export type ResultPattern =
  | { type: 'i32' | 'i64'; bits: bigint }
  | { type: FloatType; bits: bigint }
  | { type: FloatType; nan: 'canonical' | 'arithmetic' }
  | { type: 'v128'; shape: V128Shape; lanes: LanePattern[] }
  /** `(ref.null ht?)`: a null of (a subtype of) the heap type; any null when absent. */
  | { type: 'ref.null'; heap?: string }
  /** `(ref.extern n?)` / `(ref.host n?)`: the host reference n, or any non-null one. */
  | { type: 'ref.extern' | 'ref.host'; index?: number }
  /** `(ref.func)`, `(ref.struct)`, `(ref.array)`, `(ref.i31 n?)`, `(ref.eq)`, `(ref.any)`: a non-null reference of that kind. */
  | { type: 'ref.func' | 'ref.struct' | 'ref.array' | 'ref.i31' | 'ref.eq' | 'ref.any' | 'ref.exn'; index?: number }
  | { type: 'either'; options: ResultPattern[] };

export type Action =
  | { type: 'invoke'; module?: string; field: string; args: Const[] }
  | { type: 'get'; module?: string; field: string };

export interface ActionCommand extends Located {
  type: 'action';
  action: Action;
}

export type Assertion =
  | { type: 'assert_return'; action: Action; results: ResultPattern[] }
  | { type: 'assert_trap'; action: Action; message: string }
  | { type: 'assert_trap_module'; module: ModuleCommand; message: string }
  | { type: 'assert_exhaustion'; action: Action; message: string }
  | { type: 'assert_exception'; action: Action }
  | { type: 'assert_malformed' | 'assert_invalid' | 'assert_unlinkable' | 'assert_uninstantiable'; module: ModuleCommand; message: string };

export type AssertionType = Assertion['type'];

export type AssertionCommand = Located & { type: 'assertion'; assertion: Assertion };

export type Command = ModuleCommand | InstanceCommand | RegisterCommand | ActionCommand | AssertionCommand;

export interface Script {
  file: string;
  commands: Command[];
}
