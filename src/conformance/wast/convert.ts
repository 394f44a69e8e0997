/**
 * One `.wast` script → one Case (family `spec`) plus the plan that maps every assertion to the
 * step(s) deciding it. Every assertion of the script gets exactly one AssertionPlan, whatever
 * happens: decided here (skipped for a feature, rejected by the text parser, not convertible)
 * or left to a step's observation.
 *
 * Instances are always addressed by explicit names (`$m#3`), never by "the latest instance",
 * because wrapper modules are instances too.
 */
import type { Case, ExpectedOutcome, Step } from '../../case.ts';
import type { TrapKind, WasmValue } from '../../outcome.ts';
import { f32BitsToText, f64BitsToText } from '../../values.ts';
import type { ExportSig, ModuleSignatures, SigType } from '../../wasm/signatures.ts';
import { readSignatures } from '../../wasm/signatures.ts';
import { assembleText, disassemble } from './assemble.ts';
import type { SpecFeature } from './features.ts';
import { detectBinaryFeatures, detectFeatures, importedModules, SPEC_FEATURES } from './features.ts';
import { constHasNan, patternAsValue, patternHasNan, trapKindsFor } from './patterns.ts';
import type { Action, Assertion, Command, Const, ModuleCommand, ResultPattern, Script } from './script.ts';
import type { SList, SNode } from './sexpr.ts';
import { readSExprs, SourceText } from './sexpr.ts';
import type { ResultLayout, WrapperCall } from './wrapper.ts';
import { textFormatError } from './text-checks.ts';
import { buildWrapper, isWasmConstant } from './wrapper.ts';
import { commandText, expectedText } from './command-text.ts';
import type { AssertionPlan, Check, CommandPlan, ConvertedScript, ConvertOptions, Decided, StepOrigin } from './conversion-plan.ts';
import { JS_BOUNDARY, TEXT_ASSEMBLER } from './conversion-plan.ts';

// the conversion's types were declared here: their importers keep this path
export type { AssertionPlan, Check, CommandPlan, ConvertedScript, ConvertOptions, Decided, StepOrigin } from './conversion-plan.ts';
export { JS_BOUNDARY, TEXT_ASSEMBLER } from './conversion-plan.ts';

/** Priority when a module needs several missing proposals: the most fundamental is named first. */
const FEATURE_PRIORITY: readonly SpecFeature[] = ['gc', 'exnref', 'function-references', 'memory64', 'table64', 'multi-memory', 'relaxed-simd', 'wide-arithmetic', 'custom-page-sizes', 'extended-const', 'threads', 'exceptions', 'tail-call', 'simd'];

interface Unavailable {
  decided: Decided;
}

interface InstanceInfo {
  /** Name the runtime knows the instance by. */
  name: string;
  moduleIndex: number;
  step: number;
  line: number;
  sigs?: ModuleSignatures | { error: string };
  /** Name it is registered under for wrappers. */
  wrapName?: string;
  wrapDeps?: number[];
  wrapper?: { moduleIndex: number; instance: string; step: number; calls: WrapperCall[]; layouts: Array<ResultLayout[]> };
  taint?: Decided;
}

type InstanceSlot = InstanceInfo | Unavailable;

interface ModuleInfo {
  moduleIndex: number;
  /** Compile step of a `module definition`. */
  step?: number;
  line: number;
}
type ModuleSlot = ModuleInfo | Unavailable;

function isUnavailable(x: InstanceSlot | ModuleSlot | undefined): x is Unavailable {
  return x !== undefined && 'decided' in x;
}

const WRAPPER_BATCH = 500;

export function convertScript(script: Script, options: ConvertOptions): ConvertedScript {
  return new Converter(script, options).run();
}

class Converter {
  private readonly file: string;
  private readonly modules: Array<{ bytes: Uint8Array }> = [];
  private readonly steps: Step[] = [];
  private readonly origins: StepOrigin[] = [];
  private readonly assertions: AssertionPlan[] = [];
  private readonly commands: CommandPlan[] = [];
  private readonly instances = new Map<string, InstanceSlot>();
  private readonly definitions = new Map<string, ModuleSlot>();
  /** Registered module names → the instance (or why it is unavailable). */
  private readonly registered = new Map<string, InstanceSlot>();
  private current: InstanceSlot | undefined;
  private lastDefinition: ModuleSlot | undefined;
  private counter = 0;
  private wrapCounter = 0;
  private ordinal = 0;

  constructor(
    private readonly script: Script,
    private readonly options: ConvertOptions,
  ) {
    this.file = script.file;
  }

  run(): ConvertedScript {
    const limit = this.options.line;
    for (const cmd of this.script.commands) {
      if (limit !== undefined && cmd.line > limit) break;
      const at = `${this.file}:${cmd.line}`;
      if (cmd.type === 'assertion') {
        const plan: AssertionPlan = { ordinal: this.ordinal++, line: cmd.line, at, command: cmd.assertion.type, expected: expectedText(cmd.assertion), deps: [] };
        if ('message' in cmd.assertion) plan.message = cmd.assertion.message;
        try {
          this.assertion(cmd.assertion, plan);
        } catch (e) {
          plan.decided = { verdict: 'fail', reason: `could not convert the assertion: ${e instanceof Error ? e.message : String(e)}` };
        }
        if (limit === undefined || cmd.line === limit) this.assertions.push(plan);
      } else {
        const plan: CommandPlan = { line: cmd.line, at, what: commandText(cmd), deps: [] };
        try {
          this.command(cmd, plan);
        } catch (e) {
          plan.decided = { verdict: 'fail', reason: `could not convert the command: ${e instanceof Error ? e.message : String(e)}` };
        }
        this.commands.push(plan);
      }
    }
    this.finishWrappers();
    const c: Case = {
      id: this.file,
      family: 'spec',
      modules: this.modules,
      features: [],
      steps: this.steps,
      provenance: { kind: 'spec', file: this.file, line: 1 },
      tags: { suite: 'spec' },
      timeoutMs: this.options.timeoutMs ?? 60_000,
    };
    return { file: this.file, case: c, assertions: this.assertions, commands: this.commands, origins: this.origins };
  }

  private addStep(step: Step, line: number, what: string): number {
    step.at = `${this.file}:${line}`;
    this.steps.push(step);
    this.origins.push({ line, what });
    return this.steps.length - 1;
  }

  private addModule(bytes: Uint8Array): number {
    this.modules.push({ bytes });
    return this.modules.length - 1;
  }

  // --- modules ---------------------------------------------------------------------------------

  /** The parsed text of a module, for feature detection (undefined when not readable). */
  private moduleNode(m: ModuleCommand): SList | undefined {
    const src = m.source;
    try {
      if (src.kind === 'text') return src.node;
      const source = src.kind === 'quote' ? SourceText.fromBytes(this.file, src.text) : disassembled(this.file, src.bytes);
      if (source === undefined) return undefined;
      const [node] = readSExprs(source);
      return node?.kind === 'list' ? node : undefined;
    } catch {
      return undefined;
    }
  }

  /** Why a module cannot run here (a missing proposal, or a registered module it imports that is unavailable). */
  private unavailableBecause(m: ModuleCommand): Decided | undefined {
    const node = this.moduleNode(m);
    const used = node ? detectFeatures(node) : new Set<SpecFeature>();
    if (m.source.kind === 'binary') for (const f of detectBinaryFeatures(m.source.bytes)) used.add(f);
    const missing = [...used].filter((f) => !this.options.supported.has(f));
    if (missing.length > 0) {
      missing.sort((a, b) => FEATURE_PRIORITY.indexOf(a) - FEATURE_PRIORITY.indexOf(b));
      const [first, ...rest] = missing;
      return { verdict: 'skip', feature: first!, reason: `unsupported: feature ${first}${rest.length ? ` (also ${rest.join(', ')})` : ''}` };
    }
    for (const name of node ? importedModules(node) : []) {
      const why = this.registered.get(name);
      if (isUnavailable(why)) return { ...why.decided, reason: `${why.decided.reason} (imports "${name}")` };
    }
    return undefined;
  }

  /** Module bytes: binary as is, text/quote through the assembler (quote text lexed strictly first). */
  /**
   * `wellFormed`: the script holds this module to be well-formed text (a module to run, or an
   * `assert_invalid` one), so wabt's rejection is wabt's gap and wasm-tools gets a try (assemble.ts).
   */
  private bytesOf(m: ModuleCommand, wellFormed: boolean): { bytes: Uint8Array } | { error: string; limit?: true } {
    if (m.source.kind === 'binary') return { bytes: m.source.bytes };
    let nodes: SNode[] = m.source.kind === 'text' ? [m.source.node] : [];
    if (m.source.kind === 'quote') {
      try {
        nodes = readSExprs(SourceText.fromBytes(`${this.file}:${m.line}:quote`, m.source.text), true);
      } catch (e) {
        return { error: `trapcheck's lexer: ${e instanceof Error ? e.message : String(e)}` };
      }
    }
    const textError = textFormatError(nodes);
    if (textError) return { error: `trapcheck's text checks: ${this.file}:${m.line}: ${textError}` };
    const r = assembleText(m.source.text, this.file, { fallback: wellFormed });
    if (!r.ok && r.limit) return { error: r.error, limit: true };
    return r.ok ? { bytes: r.bytes } : { error: `wabt: ${r.error.replace(/^[^:]*(?=:\d+:\d+:)/, this.file)}` };
  }

  /** A module that must load: returns its index, or why it is unavailable. */
  private loadModule(m: ModuleCommand): { index: number } | Unavailable {
    const why = this.unavailableBecause(m);
    if (why) {
      if (why.verdict === 'skip') this.taintImports(m, why);
      return { decided: why };
    }
    const b = this.bytesOf(m, true);
    if ('error' in b) {
      // The script says this module is valid, so assemblers that cannot read it are our limit,
      // not the runtime's failure: skip, named and counted like a missing engine feature.
      const why: Decided = { verdict: 'skip', reason: `the text assembler cannot read this module: ${b.error}`, feature: TEXT_ASSEMBLER };
      this.taintImports(m, why);
      return { decided: why };
    }
    return { index: this.addModule(b.bytes) };
  }

  /** A skipped module would have run against the instances it imports from: mark them. */
  private taintImports(m: ModuleCommand, why: Decided): void {
    const node = this.moduleNode(m);
    for (const name of node ? importedModules(node) : []) {
      const slot = this.registered.get(name);
      if (slot && !isUnavailable(slot) && !slot.taint)
        slot.taint = { verdict: 'skip', feature: why.feature, reason: `${why.reason}: the module at line ${m.line} that shares this instance's state was skipped` } as Decided;
    }
  }

  private instantiate(moduleIndex: number, name: string | undefined, line: number, expect: Step['expect'], what: string): InstanceInfo {
    const runtimeName = `${name ?? ''}#${++this.counter}`;
    const step = this.addStep({ op: 'instantiate', module: moduleIndex, as: runtimeName, expect }, line, what);
    return { name: runtimeName, moduleIndex, step, line };
  }

  private command(cmd: Exclude<Command, { type: 'assertion' }>, plan: CommandPlan): void {
    switch (cmd.type) {
      case 'module': {
        const loaded = this.loadModule(cmd);
        if (cmd.definition) {
          if ('decided' in loaded) {
            plan.decided = loaded.decided;
            this.setDefinition(cmd.name, loaded);
            return;
          }
          plan.step = this.addStep({ op: 'compile', module: loaded.index, expect: { outcome: { kind: 'return' } } }, cmd.line, 'module definition');
          this.setDefinition(cmd.name, { moduleIndex: loaded.index, step: plan.step, line: cmd.line });
          return;
        }
        if ('decided' in loaded) {
          plan.decided = loaded.decided;
          this.setInstance(cmd.name, loaded);
          return;
        }
        const inst = this.instantiate(loaded.index, cmd.name, cmd.line, { outcome: { kind: 'return' } }, 'module');
        plan.step = inst.step;
        this.setInstance(cmd.name, inst);
        return;
      }
      case 'instance': {
        const def = cmd.module === undefined ? this.lastDefinition : this.definitions.get(cmd.module);
        if (!def) throw new Error(`no module definition ${cmd.module ?? '(none yet)'}`);
        if (isUnavailable(def)) {
          plan.decided = def.decided;
          this.setInstance(cmd.name, def);
          return;
        }
        const inst = this.instantiate(def.moduleIndex, cmd.name, cmd.line, { outcome: { kind: 'return' } }, 'module instance');
        if (def.step !== undefined) plan.deps.push(def.step);
        plan.step = inst.step;
        this.setInstance(cmd.name, inst);
        return;
      }
      case 'register': {
        const inst = this.instanceFor(cmd.name);
        this.registered.set(cmd.as, inst);
        if (isUnavailable(inst)) {
          plan.decided = inst.decided;
          return;
        }
        plan.deps.push(inst.step);
        plan.step = this.addStep({ op: 'register', instance: inst.name, as: cmd.as, expect: { outcome: { kind: 'return' } } }, cmd.line, `register "${cmd.as}"`);
        return;
      }
      case 'action': {
        const target = this.actionStep(cmd.action, cmd.line, plan, { outcome: { kind: 'return' } }, undefined);
        if (target) plan.decided = target;
        return;
      }
    }
  }

  private setInstance(name: string | undefined, slot: InstanceSlot): void {
    this.current = slot;
    if (name !== undefined) this.instances.set(name, slot);
  }

  private setDefinition(name: string | undefined, slot: ModuleSlot): void {
    this.lastDefinition = slot;
    if (name !== undefined) this.definitions.set(name, slot);
  }

  private instanceFor(name: string | undefined): InstanceSlot {
    const slot = name === undefined ? this.current : this.instances.get(name);
    if (!slot) throw new Error(name === undefined ? 'no module instantiated yet' : `unknown module ${name}`);
    return slot;
  }

  // --- assertions ------------------------------------------------------------------------------

  private assertion(a: Assertion, plan: AssertionPlan): void {
    switch (a.type) {
      case 'assert_return': {
        const check: Check = { kind: 'return', results: a.results };
        const values = a.results.map(patternAsValue);
        const outcome: ExpectedOutcome = values.every((v): v is WasmValue => v !== undefined) ? { kind: 'return', values } : { kind: 'return' };
        const d = this.actionStep(a.action, plan.line, plan, { outcome }, check, a.results);
        if (d) plan.decided = d;
        return;
      }
      case 'assert_trap':
      case 'assert_exhaustion':
      case 'assert_exception': {
        const kinds: TrapKind[] | undefined = a.type === 'assert_exception' ? ['uncaught exception'] : trapKindsFor(a.message);
        const check: Check = { kind: 'trap', kinds };
        const d = this.actionStep(a.action, plan.line, plan, kinds ? { outcome: { kind: 'trap', trap: kinds[0]! } } : {}, check);
        if (d) plan.decided = d;
        return;
      }
      case 'assert_malformed':
      case 'assert_invalid': {
        const stage = a.type === 'assert_malformed' ? 'malformed' : 'invalid';
        if (a.type === 'assert_invalid') {
          const why = this.unavailableBecause(a.module);
          if (why) {
            plan.decided = why;
            return;
          }
        }
        if (this.options.compileAlone) {
          plan.decided = { verdict: 'skip', reason: `${a.type}: the runtime checks a module's validity only in a case of its own, not inside a script's instance sessions`, feature: 'compile in a script' };
          return;
        }
        const b = this.bytesOf(a.module, a.type === 'assert_invalid');
        // An `assert_invalid` module is well-formed text (the spec interpreter parses the whole
        // script before running it, so the suite holds no unparsable one): the validator must
        // reject it. Text our assemblers refuse is their gap, never a pass.
        if ('error' in b && (b.limit || a.type === 'assert_invalid')) {
          plan.decided = { verdict: 'skip', reason: `the text assembler cannot encode this module: ${b.error}`, feature: TEXT_ASSEMBLER };
          return;
        }
        if ('error' in b) {
          plan.decided = { verdict: 'pass', reason: `decided by the text parser (${b.error})`, observed: 'rejected by the text parser' };
          return;
        }
        const index = this.addModule(b.bytes);
        plan.step = this.addStep({ op: 'compile', module: index, expect: { outcome: { kind: 'rejected', stage } } }, plan.line, a.type);
        plan.check = { kind: 'rejected', stage };
        return;
      }
      case 'assert_unlinkable':
      case 'assert_uninstantiable':
      case 'assert_trap_module': {
        const loaded = this.loadModule(a.module);
        if ('decided' in loaded) {
          plan.decided = loaded.decided;
          return;
        }
        let expect: Step['expect'];
        if (a.type === 'assert_unlinkable') {
          plan.check = { kind: 'rejected', stage: 'unlinkable' };
          expect = { outcome: { kind: 'rejected', stage: 'unlinkable' } };
        } else {
          const kinds = a.type === 'assert_trap_module' ? trapKindsFor(a.message) : undefined;
          plan.check = { kind: 'trap', kinds };
          expect = kinds ? { outcome: { kind: 'trap', trap: kinds[0]! } } : {};
        }
        const inst = this.instantiate(loaded.index, undefined, plan.line, expect, a.type);
        plan.step = inst.step;
        return;
      }
    }
  }

  /**
   * Adds the step(s) of an action: a direct invoke/get, or a call through a wrapper module when
   * a value cannot cross the JS boundary exactly. Returns a decision when there is nothing to run.
   */
  private actionStep(action: Action, line: number, plan: { step?: number; deps: number[]; check?: Check }, expect: Step['expect'], check: Check | undefined, results?: ResultPattern[]): Decided | undefined {
    const slot = this.instanceFor(action.module);
    if (isUnavailable(slot)) return slot.decided;
    plan.deps.push(slot.step);
    if (slot.taint && 'ordinal' in plan) (plan as AssertionPlan).taint = slot.taint;
    const sig = this.exportSig(slot, action.field);
    if ('error' in sig) return { verdict: 'fail', reason: sig.error };
    const what = `${action.type} "${action.field}"`;
    if (action.type === 'get') {
      if (sig.kind !== 'global') return { verdict: 'fail', reason: `export "${action.field}" is not a global` };
      if (sig.type.startsWith('other:')) return { verdict: 'skip', feature: JS_BOUNDARY, reason: `get "${action.field}": a value of type ${sig.type.slice(6)} cannot cross the JS boundary, and trapcheck's wrapper modules do not read GC references yet` };
      if (this.options.exactValues && sig.type === 'v128') return { verdict: 'skip', feature: 'simd', reason: `get "${action.field}": v128 values cannot be read back through export calls on this runtime` };
      const wrap = !this.options.exactValues && (sig.type === 'v128' || (results ?? []).some(patternHasNan));
      if (!wrap) {
        plan.step = this.addStep({ op: 'get', instance: slot.name, global: action.field, expect }, line, what);
        if (check) plan.check = check;
        return undefined;
      }
      return this.wrapped(slot, { kind: 'global', field: action.field, type: sig.type, mutable: sig.mutable }, [], line, plan, check, what);
    }
    if (sig.kind !== 'func') return { verdict: 'fail', reason: `export "${action.field}" is not a function` };
    if (action.args.length !== sig.params.length) return { verdict: 'fail', reason: `invoke "${action.field}": ${action.args.length} argument(s) for ${sig.params.length} parameter(s)` };
    const types = [...sig.params, ...sig.results];
    const opaque = types.find((t) => t.startsWith('other:'));
    if (opaque) return { verdict: 'skip', feature: JS_BOUNDARY, reason: `invoke "${action.field}": a value of type ${opaque.slice(6)} cannot cross the JS boundary, and trapcheck's wrapper modules do not read GC references yet` };
    // an exact-values runtime reads results back as integer bits: a v128 has no such form there
    if (this.options.exactValues && types.includes('v128')) return { verdict: 'skip', feature: 'simd', reason: `invoke "${action.field}": v128 values cannot be passed or read back through export calls on this runtime` };
    const wrap = !this.options.exactValues && (types.includes('v128') || action.args.some(constHasNan) || (results ?? []).some(patternHasNan));
    if (!wrap) {
      plan.step = this.addStep({ op: 'invoke', instance: slot.name, export: action.field, args: action.args.map((a, i) => toWasmValue(a, sig.params[i]!)), expect }, line, what);
      if (check) plan.check = check;
      return undefined;
    }
    const hostArgs = action.args.filter((a) => !isWasmConstant(a)).map((a) => toWasmValue(a, 'externref'));
    return this.wrapped(slot, { kind: 'func', field: action.field, params: sig.params, results: sig.results, args: action.args }, hostArgs, line, plan, check, what);
  }

  private exportSig(slot: InstanceInfo, field: string): ExportSig | { error: string } {
    if (!slot.sigs) {
      try {
        slot.sigs = readSignatures(this.modules[slot.moduleIndex]!.bytes);
      } catch (e) {
        slot.sigs = { error: `cannot read the module's export types: ${e instanceof Error ? e.message : String(e)}` };
      }
    }
    if ('error' in slot.sigs) return { error: slot.sigs.error };
    const sig = slot.sigs.exports.get(field);
    return sig ?? { error: `the module has no export "${field}"` };
  }

  private wrapped(slot: InstanceInfo, call: WrapperCall, hostArgs: WasmValue[], line: number, plan: { step?: number; deps: number[]; check?: Check }, check: Check | undefined, what: string): undefined {
    if (!slot.wrapName) {
      slot.wrapName = `__trapcheck_wrap_${++this.wrapCounter}`;
      const reg = this.addStep({ op: 'register', instance: slot.name, as: slot.wrapName, expect: { outcome: { kind: 'return' } } }, line, 'register for a wrapper module');
      slot.wrapDeps = [reg];
    }
    if (!slot.wrapper || slot.wrapper.calls.length >= WRAPPER_BATCH) {
      const moduleIndex = this.addModule(new Uint8Array());
      const instance = `__trapcheck_wrapper_${++this.wrapCounter}`;
      const step = this.addStep({ op: 'instantiate', module: moduleIndex, as: instance, expect: { outcome: { kind: 'return' } } }, line, 'wrapper module');
      slot.wrapper = { moduleIndex, instance, step, calls: [], layouts: [] };
      this.pendingWrappers.push({ slot, wrapper: slot.wrapper });
    }
    const w = slot.wrapper;
    const index = w.calls.length;
    w.calls.push(call);
    plan.deps.push(...slot.wrapDeps!, w.step);
    // The wrapper's results are integer bits: the Case can only say "returns"; the plan checks bits.
    const expectOutcome: ExpectedOutcome | undefined = check?.kind === 'trap' && check.kinds ? { kind: 'trap', trap: check.kinds[0]! } : check?.kind === 'trap' ? undefined : { kind: 'return' };
    plan.step = this.addStep({ op: 'invoke', instance: w.instance, export: `w${index}`, args: hostArgs, expect: expectOutcome ? { outcome: expectOutcome } : {} }, line, `${what} (through a wrapper module)`);
    const results = call.kind === 'func' ? call.results : [call.type];
    const layout = results.map((t): ResultLayout => (t === 'f32' ? 'f32-bits' : t === 'f64' ? 'f64-bits' : t === 'v128' ? 'v128-lanes' : t === 'i32' || t === 'i64' ? t : 'ref'));
    if (check?.kind === 'return') plan.check = { ...check, wrapper: layout };
    else if (check) plan.check = check;
    return undefined;
  }

  private readonly pendingWrappers: Array<{ slot: InstanceInfo; wrapper: NonNullable<InstanceInfo['wrapper']> }> = [];

  private finishWrappers(): void {
    for (const { slot, wrapper } of this.pendingWrappers) {
      this.modules[wrapper.moduleIndex] = { bytes: buildWrapper(slot.wrapName!, wrapper.calls).bytes };
    }
  }
}

function disassembled(file: string, bytes: Uint8Array): SourceText | undefined {
  const text = disassemble(bytes);
  return text === undefined ? undefined : new SourceText(file, text);
}

function toWasmValue(c: Const, type: SigType): WasmValue {
  switch (c.type) {
    case 'i32':
      return { type: 'i32', value: BigInt.asIntN(32, c.bits).toString() };
    case 'i64':
      return { type: 'i64', value: BigInt.asIntN(64, c.bits).toString() };
    case 'f32':
      return { type: 'f32', value: f32BitsToText(Number(c.bits)) };
    case 'f64':
      return { type: 'f64', value: f64BitsToText(c.bits) };
    case 'ref.null':
      return { type: type === 'externref' ? 'externref' : 'funcref', value: 'null' };
    case 'ref.extern':
    case 'ref.host':
      return { type: 'externref', value: String(c.index) };
    case 'v128':
      throw new Error('v128 arguments go through wrapper modules');
  }
}

export { SPEC_FEATURES };
