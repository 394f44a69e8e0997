/**
 * `.wast` command parser: S-expressions → typed commands. Module text is not parsed here; it is
 * sliced out of the file (positions preserved) for the assembler. Every error is a
 * SPEC_PARSE_ERROR `file:line:col: problem`.
 *
 * The command types are script-commands.ts, values and result patterns script-values.ts, the
 * module text module-text.ts, v128 lanes v128-lanes.ts.
 */
import type { SList, SNode, SString } from './sexpr.ts';
import { describe, headOf, isAtom, isList, readSExprs, SourceText } from './sexpr.ts';
import type { TrapcheckError } from '../../errors.ts';
import { concatBytes } from '../../wasm/concat-bytes.ts';
import type { Action, Assertion, Command, InstanceCommand, ModuleCommand, RegisterCommand, Script } from './script-commands.ts';
import type { Edit } from './module-text.ts';
import { ascii, moduleText } from './module-text.ts';
import { ScriptValueParser } from './script-values.ts';

// these were declared here: their importers keep this path
export type {
  Action,
  ActionCommand,
  Assertion,
  AssertionCommand,
  AssertionType,
  Command,
  Const,
  InstanceCommand,
  Located,
  ModuleCommand,
  ModuleSource,
  RegisterCommand,
  ResultPattern,
  Script,
} from './script-commands.ts';
export type { LanePattern, V128Shape } from './v128-lanes.ts';
export { bytesToLanes, LANES, lanesToBytes } from './v128-lanes.ts';

/** Keywords that make a top-level form a module field (a script made of bare fields is one module). */
const MODULE_FIELDS = new Set(['type', 'rec', 'import', 'func', 'table', 'memory', 'global', 'export', 'start', 'elem', 'data', 'tag']);

/** Parses a whole `.wast` source. Throws SPEC_PARSE_ERROR naming file:line:col. */
export function parseScript(file: string, bytes: Uint8Array): Script {
  const src = SourceText.fromBytes(file, bytes);
  return new ScriptParser(src).parse();
}

class ScriptParser {
  private readonly values: ScriptValueParser;

  constructor(private readonly src: SourceText) {
    this.values = new ScriptValueParser(src);
  }

  private err(node: { start: number } | undefined, problem: string, fallback = 0): TrapcheckError {
    return this.src.error(node?.start ?? fallback, problem);
  }

  parse(): Script {
    const nodes = readSExprs(this.src).filter((n) => !isAnnotation(n));
    // A script that consists of module fields only is a single module (inline-module.wast).
    if (nodes.length > 0 && nodes.every((n) => MODULE_FIELDS.has(headOf(n) ?? ''))) {
      const first = nodes[0]!;
      const last = nodes[nodes.length - 1]!;
      const node: SList = { kind: 'list', items: [{ kind: 'atom', text: 'module', start: first.start, end: first.start, line: first.line, col: first.col }, ...nodes], start: first.start, end: last.end, line: first.line, col: first.col };
      const text = moduleText(this.src, node, first.line, first.col, [], false);
      return {
        file: this.src.file,
        commands: [{ type: 'module', definition: false, source: { kind: 'text', text, node }, line: first.line, col: first.col }],
      };
    }
    return { file: this.src.file, commands: nodes.map((n) => this.command(n)) };
  }

  private command(n: SNode): Command {
    if (!isList(n)) throw this.err(n, `expected a command, found ${describe(n)}`);
    const head = headOf(n);
    const at = { line: n.line, col: n.col };
    switch (head) {
      case 'module':
        return this.module(n);
      case 'register': {
        const name = n.items[1];
        if (name?.kind !== 'string') throw this.err(name ?? n, 'register: expected a module name string');
        const id = n.items[2];
        if (id !== undefined && !isId(id)) throw this.err(id, `register: expected a module $id, found ${describe(id)}`);
        if (n.items.length > 3) throw this.err(n.items[3], 'register: unexpected extra item');
        const cmd: RegisterCommand = { type: 'register', as: this.name(name), ...at };
        if (id) cmd.name = id.text;
        return cmd;
      }
      case 'invoke':
      case 'get':
        return { type: 'action', action: this.action(n), ...at };
      case 'assert_return':
      case 'assert_trap':
      case 'assert_exhaustion':
      case 'assert_exception':
      case 'assert_malformed':
      case 'assert_invalid':
      case 'assert_unlinkable':
      case 'assert_uninstantiable':
        return { type: 'assertion', assertion: this.assertion(n, head), ...at };
      default:
        throw this.err(n, head ? `unknown command "${head}"` : 'expected a command keyword');
    }
  }

  private assertion(n: SList, head: string): Assertion {
    const target = n.items[1];
    const message = (i: number): string => {
      const m = n.items[i];
      if (m?.kind !== 'string') throw this.err(m ?? n, `${head}: expected a failure message string, found ${describe(m)}`);
      if (n.items.length > i + 1) throw this.err(n.items[i + 1], `${head}: unexpected item after the message`);
      return new TextDecoder().decode(m.bytes);
    };
    switch (head) {
      case 'assert_return': {
        if (!isList(target)) throw this.err(target ?? n, 'assert_return: expected (invoke …) or (get …)');
        return { type: 'assert_return', action: this.action(target), results: n.items.slice(2).map((r) => this.values.result(r)) };
      }
      case 'assert_trap':
        if (isList(target, 'module')) return { type: 'assert_trap_module', module: this.moduleOnly(target), message: message(2) };
        return { type: 'assert_trap', action: this.actionNode(target, head), message: message(2) };
      case 'assert_exhaustion':
        return { type: 'assert_exhaustion', action: this.actionNode(target, head), message: message(2) };
      case 'assert_exception':
        if (n.items.length > 2) throw this.err(n.items[2], 'assert_exception: unexpected item after the action');
        return { type: 'assert_exception', action: this.actionNode(target, head) };
      default: {
        if (!isList(target, 'module')) throw this.err(target ?? n, `${head}: expected (module …), found ${describe(target)}`);
        const mod = this.moduleOnly(target);
        return { type: head as 'assert_invalid', module: mod, message: message(2) };
      }
    }
  }

  private actionNode(n: SNode | undefined, head: string): Action {
    if (!isList(n)) throw this.err(n, `${head}: expected (invoke …) or (get …), found ${describe(n)}`);
    return this.action(n);
  }

  private action(n: SList): Action {
    const head = headOf(n);
    if (head !== 'invoke' && head !== 'get') throw this.err(n, `expected (invoke …) or (get …), found ${describe(n)}`);
    let i = 1;
    let module: string | undefined;
    if (isId(n.items[i])) module = (n.items[i++] as { text: string }).text;
    const field = n.items[i++];
    if (field?.kind !== 'string') throw this.err(field ?? n, `${head}: expected an export name string, found ${describe(field)}`);
    const name = this.name(field);
    if (head === 'get') {
      if (i < n.items.length) throw this.err(n.items[i], 'get: unexpected item after the export name');
      return module === undefined ? { type: 'get', field: name } : { type: 'get', module, field: name };
    }
    const args = n.items.slice(i).map((a) => this.values.constant(a));
    return module === undefined ? { type: 'invoke', field: name, args } : { type: 'invoke', module, field: name, args };
  }

  private name(s: SString): string {
    try {
      return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(s.bytes);
    } catch {
      throw this.err(s, 'name is not valid UTF-8');
    }
  }

  /** A module inside an assertion: `(module instance …)` is not allowed there. */
  private moduleOnly(n: SList): ModuleCommand {
    const m = this.module(n);
    if (m.type !== 'module') throw this.err(n, 'expected a module, found (module instance …)');
    return m;
  }

  private module(n: SList): ModuleCommand | InstanceCommand {
    const at = { line: n.line, col: n.col };
    let i = 1;
    let definition = false;
    const blank: Edit[] = [];
    if (isAtom(n.items[i], 'definition')) {
      definition = true;
      blank.push({ start: n.items[i]!.start, end: n.items[i]!.end, text: '' });
      i++;
    } else if (isAtom(n.items[i], 'instance')) {
      return this.instance(n);
    }
    let name: string | undefined;
    if (isId(n.items[i])) {
      name = (n.items[i] as { text: string }).text;
      i++;
    }
    const withName = (m: ModuleCommand): ModuleCommand => {
      if (name !== undefined) m.name = name;
      return m;
    };
    const kw = n.items[i];
    if (isAtom(kw, 'binary') || isAtom(kw, 'quote')) {
      const parts = n.items.slice(i + 1);
      const chunks: Uint8Array[] = [];
      for (const p of parts) {
        if (p.kind !== 'string') throw this.err(p, `module ${kw.text}: expected strings, found ${describe(p)}`);
        chunks.push(p.bytes);
      }
      const bytes = concatBytes(chunks);
      if (kw.text === 'binary') return withName({ type: 'module', definition, source: { kind: 'binary', bytes }, ...at });
      return withName({ type: 'module', definition, source: { kind: 'quote', text: concatBytes([ascii('(module '), bytes, ascii('\n)')]) }, ...at });
    }
    // Text module: keep positions; blank out `definition` so the assembler sees a plain module.
    const text = moduleText(this.src, n, n.line, n.col, blank, true);
    return withName({ type: 'module', definition, source: { kind: 'text', text, node: n }, ...at });
  }

  private instance(n: SList): InstanceCommand {
    const ids = n.items.slice(2);
    for (const id of ids) if (!isId(id)) throw this.err(id, `module instance: expected a $id, found ${describe(id)}`);
    if (ids.length > 2) throw this.err(ids[2], 'module instance: unexpected extra item');
    const cmd: InstanceCommand = { type: 'instance', line: n.line, col: n.col };
    const texts = ids.map((x) => (x as { text: string }).text);
    if (texts.length === 2) {
      cmd.name = texts[0]!;
      cmd.module = texts[1]!;
    } else if (texts.length === 1) cmd.module = texts[0]!;
    return cmd;
  }
}

function isId(n: SNode | undefined): n is SNode & { kind: 'atom'; text: string } {
  return isAtom(n) && n.text.startsWith('$');
}

function isAnnotation(n: SNode): boolean {
  return headOf(n)?.startsWith('@') ?? false;
}
