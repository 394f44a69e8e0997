/**
 * One `.wast` script → one Case (family `spec`) plus the plan that maps every assertion to the
 * step(s) deciding it. Every assertion of the script gets exactly one AssertionPlan, whatever
 * happens: decided here (skipped for a feature, rejected by the text parser, not convertible)
 * or left to a step's observation.
 *
 * Instances are always addressed by explicit names (`$m#3`), never by "the latest instance",
 * because wrapper modules are instances too.
 *
 * The pieces: script-case.ts (the growing case), script-modules.ts (can a module run, its
 * bytes), action-steps.ts and wrapper-batches.ts (invoke/get steps), module-slots.ts.
 */
import type { Case, ExpectedOutcome, Step } from '../../case.ts';
import type { TrapKind, WasmValue } from '../../outcome.ts';
import { ActionSteps } from './action-steps.ts';
import { commandText, expectedText } from './command-text.ts';
import type { AssertionPlan, Check, CommandPlan, ConvertedScript, ConvertOptions, Decided } from './conversion-plan.ts';
import { TEXT_ASSEMBLER } from './conversion-plan.ts';
import { SPEC_FEATURES } from './features.ts';
import type { InstanceInfo, InstanceSlot, ModuleSlot } from './module-slots.ts';
import { isUnavailable } from './module-slots.ts';
import { patternAsValue, trapKindsFor } from './patterns.ts';
import { ScriptCase } from './script-case.ts';
import { ScriptModules } from './script-modules.ts';
import type { Action, Assertion, Command, ResultPattern, Script } from './script.ts';
import type { PlannedStep } from './wrapper-batches.ts';
import { WrapperBatches } from './wrapper-batches.ts';

// the conversion's types were declared here: their importers keep this path
export type { AssertionPlan, Check, CommandPlan, ConvertedScript, ConvertOptions, Decided, StepOrigin } from './conversion-plan.ts';
export { JS_BOUNDARY, TEXT_ASSEMBLER } from './conversion-plan.ts';

export function convertScript(script: Script, options: ConvertOptions): ConvertedScript {
  return new Converter(script, options).run();
}

class Converter {
  private readonly file: string;
  private readonly scriptCase: ScriptCase;
  private readonly scriptModules: ScriptModules;
  private readonly wrappers: WrapperBatches;
  private readonly actions: ActionSteps;
  private readonly assertions: AssertionPlan[] = [];
  private readonly commands: CommandPlan[] = [];
  private readonly instances = new Map<string, InstanceSlot>();
  private readonly definitions = new Map<string, ModuleSlot>();
  /** Registered module names → the instance (or why it is unavailable). */
  private readonly registered = new Map<string, InstanceSlot>();
  private current: InstanceSlot | undefined;
  private lastDefinition: ModuleSlot | undefined;
  private counter = 0;
  private ordinal = 0;

  constructor(
    private readonly script: Script,
    private readonly options: ConvertOptions,
  ) {
    this.file = script.file;
    this.scriptCase = new ScriptCase(this.file);
    this.scriptModules = new ScriptModules(this.file, options.supported, this.registered, this.scriptCase);
    this.wrappers = new WrapperBatches(this.scriptCase);
    this.actions = new ActionSteps(this.scriptCase, this.wrappers, options);
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
    this.wrappers.finish();
    const c: Case = {
      id: this.file,
      family: 'spec',
      modules: this.scriptCase.modules,
      features: [],
      steps: this.scriptCase.steps,
      provenance: { kind: 'spec', file: this.file, line: 1 },
      tags: { suite: 'spec' },
      timeoutMs: this.options.timeoutMs ?? 60_000,
    };
    return { file: this.file, case: c, assertions: this.assertions, commands: this.commands, origins: this.scriptCase.origins };
  }

  private instantiate(moduleIndex: number, name: string | undefined, line: number, expect: Step['expect'], what: string): InstanceInfo {
    const runtimeName = `${name ?? ''}#${++this.counter}`;
    const step = this.scriptCase.addStep({ op: 'instantiate', module: moduleIndex, as: runtimeName, expect }, line, what);
    return { name: runtimeName, moduleIndex, step, line };
  }

  private command(cmd: Exclude<Command, { type: 'assertion' }>, plan: CommandPlan): void {
    switch (cmd.type) {
      case 'module': {
        const loaded = this.scriptModules.load(cmd);
        if (cmd.definition) {
          if ('decided' in loaded) {
            plan.decided = loaded.decided;
            this.setDefinition(cmd.name, loaded);
            return;
          }
          plan.step = this.scriptCase.addStep({ op: 'compile', module: loaded.index, expect: { outcome: { kind: 'return' } } }, cmd.line, 'module definition');
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
        plan.step = this.scriptCase.addStep({ op: 'register', instance: inst.name, as: cmd.as, expect: { outcome: { kind: 'return' } } }, cmd.line, `register "${cmd.as}"`);
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
          const why = this.scriptModules.unavailableBecause(a.module);
          if (why) {
            plan.decided = why;
            return;
          }
        }
        if (this.options.compileAlone) {
          plan.decided = { verdict: 'skip', reason: `${a.type}: the runtime checks a module's validity only in a case of its own, not inside a script's instance sessions`, feature: 'compile in a script' };
          return;
        }
        const b = this.scriptModules.bytesOf(a.module, a.type === 'assert_invalid');
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
        const index = this.scriptCase.addModule(b.bytes);
        plan.step = this.scriptCase.addStep({ op: 'compile', module: index, expect: { outcome: { kind: 'rejected', stage } } }, plan.line, a.type);
        plan.check = { kind: 'rejected', stage };
        return;
      }
      case 'assert_unlinkable':
      case 'assert_uninstantiable':
      case 'assert_trap_module': {
        const loaded = this.scriptModules.load(a.module);
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

  /** The step(s) of an action on the instance it names (see ActionSteps). */
  private actionStep(action: Action, line: number, plan: PlannedStep, expect: Step['expect'], check: Check | undefined, results?: ResultPattern[]): Decided | undefined {
    return this.actions.add(this.instanceFor(action.module), action, line, plan, expect, check, results);
  }
}

export { SPEC_FEATURES };
