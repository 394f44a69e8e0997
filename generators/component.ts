/**
 * component: Component Model instance state over canonical-ABI core modules (DESIGN §5,
 * instance-semantics.md §7.1 rows C1–C13, invariants of §7.4): sequences of lifted calls that
 * succeed, trap in the body / realloc / post-return, call imports from post-return or realloc,
 * re-enter through host imports, or fail in a host import, on one or several instances of one
 * store, under the three profiles (`spec`, `wasmtime-legacy`, `wasmtime-store`). Every step
 * expects its outcome and the instance's counters (calls, realloc, post-return per export, last
 * post-return argument), computed by GuestModel from the program and profile.
 *
 * Re-entry rows (C7 host → A → host → A, C9 A → host → B → host → A, C10 a same-instance adapter)
 * follow the profile's re-entry rule set (src/component/rules.ts). Under `spec`, the current
 * Component Model (CM PR #705 removed the may_enter trap of `Store.lift`, CanonicalABI.md
 * §"Embedding"), the inner call runs and returns, the outer call returns its own result and
 * nothing is locked down. Under the wasmtime profiles (`may-enter-2025`) the inner entry traps
 * `cannot enter component instance` and every instance it unwinds through is locked down. The
 * rule set is in the case's `reentry` tag.
 *
 * `spec` cases of every row but C10 use only `instantiate` and `call` steps on u32 / string
 * functions with `return` / `throw` / `call` / `exit` imports: tagged `jco: runnable`, the jco
 * adapter runs them on real components.
 */
import fc from 'fast-check';
import type { Case, ComponentConfig, ComponentProfile, HostImport, Step } from '../src/case.ts';
import { COMPONENT_PROFILES } from '../src/case.ts';
import type { Family, Origin } from './family.ts';
import { caseId, generatorProvenance } from './family.ts';
import type { GuestShape } from './component-guest.ts';
import { buildGuest, guestExports, POST_LEAVE_ARG, POST_TRAP_ARG, REALLOC_LEAVE_LEN, REALLOC_TRAP_LEN, F_TRAP_ARG } from './component-guest.ts';
import type { GuestFn, ImportPlan, ModelConfig } from './component-model.ts';
import { BUSY_FOREVER, GuestModel, MODEL_REENTRY } from './component-model.ts';
import { REENTRY_RULE_SETS } from '../src/component/rules.ts';
import type { Feature } from '../src/features.ts';

const NAME = 'component';

/** §7.1 rows this family encodes, §7.2 X2, plus `exit` (the wasi:cli/exit import ends the process). C5 needs `fuel`, X2 `fuel` + `asyncify`. */
export const ROWS = ['C1', 'C2', 'C3', 'C4', 'C5', 'C6', 'C7', 'C8', 'C9', 'C10', 'C11', 'C12', 'C13', 'X2', 'exit'] as const;
export type Row = (typeof ROWS)[number];
export const C3_SITES = ['body', 'realloc', 'post-return'] as const;
export const C10_SITES = ['same', 'other'] as const;
export const X2_SITES = ['cancel', 'resume'] as const;
/** The store's budget in fuel cases: f, s and post-returns cost tens of units, busy(BUSY_FOREVER) far more. */
const BUDGET = 100_000;
/** X2's pause point: `busy` gets this budget, enough to enter its body, not to finish its loop. */
const PAUSE_FUEL = 60;
const BUSY_SHORT = 40;

export interface ComponentParams {
  row: number;
  profile: number;
  /** Result constant of the guest (module variety). */
  k: number;
  /** Arguments that make `f` succeed (never 0, 1, 2). */
  args: number[];
  /** A string argument whose UTF-8 length is neither 5 nor 7. */
  text: string;
  /** Sub-variant of C3 / C10 (index, taken modulo the row's site count). */
  site: number;
  /** End with a fresh instance in the same store (works unless the store is poisoned). */
  fresh: boolean;
  /** Use the string export where a row can. */
  strings: boolean;
  /** Argument of `h` in the exit row: 0 → exit 0, anything else → exit 1. */
  exitArg: number;
}

const utf8 = new TextEncoder();
const byteLength = (s: string): number => utf8.encode(s).length;
/** Strings of exactly 5 / 7 UTF-8 bytes (realloc's magic lengths). */
const LEAVE_TEXT = 'héllo'.slice(0, 4); // h é l l: 5 bytes
const TRAP_TEXT = 'trapped'; // 7 bytes

interface Plan {
  row: Row;
  profile: ComponentProfile;
  shape: GuestShape;
  imports: Record<string, ImportPlan>;
  site?: string;
}

function plan(p: ComponentParams): Plan {
  const row = ROWS[p.row % ROWS.length]!;
  const profile = row === 'C2' ? 'wasmtime-legacy' : COMPONENT_PROFILES[p.profile % COMPONENT_PROFILES.length]!;
  const shape: GuestShape = { k: p.k, strings: p.strings, log: false, hop: undefined, back: false };
  const imports: Record<string, ImportPlan> = {};
  let site: string | undefined;
  switch (row) {
    case 'C3':
      site = C3_SITES[p.site % C3_SITES.length]!;
      if (site === 'realloc') shape.strings = true;
      break;
    case 'C6':
      imports['hop'] = { kind: 'throw' };
      break;
    case 'C7':
      imports['hop'] = { kind: 'call', instance: 'a', export: 'f' };
      break;
    case 'C8':
      imports['hop'] = { kind: 'call', instance: 'b', export: 'f' };
      break;
    case 'C9':
      imports['hop'] = { kind: 'call', instance: 'b', export: 'g' };
      imports['back'] = { kind: 'call', instance: 'a', export: 'f' };
      break;
    case 'C10':
      site = C10_SITES[p.site % C10_SITES.length]!;
      imports['hop'] = { kind: 'adapter', instance: site === 'same' ? 'a' : 'b', export: 'f' };
      break;
    case 'C5':
      shape.busy = true;
      break;
    case 'X2':
      site = X2_SITES[p.site % X2_SITES.length]!;
      shape.busy = true;
      break;
    case 'C11':
      shape.log = true;
      break;
    case 'C13':
      shape.log = true;
      shape.strings = true;
      break;
    case 'exit':
      imports['hop'] = { kind: 'exit' };
      break;
    default:
      break;
  }
  if (imports['hop']) shape.hop = imports['hop'].kind === 'exit' ? 'exit' : 'import';
  if (imports['back']) shape.back = true;
  return site === undefined ? { row, profile, shape, imports } : { row, profile, shape, imports, site };
}

/** Builds the steps with the model: every step gets its outcome and its instance's counters. */
class Script {
  readonly steps: Step[] = [];
  readonly model: GuestModel;
  constructor(
    cfg: ModelConfig,
    private readonly legacy: boolean,
  ) {
    this.model = new GuestModel(cfg);
  }

  instantiate(as: string): this {
    this.steps.push({ op: 'instantiate', as, expect: { outcome: this.model.instantiate(as) } });
    return this;
  }

  call(instance: string, fn: GuestFn, arg: number | string): this {
    const outcome = this.model.call(instance, fn, arg);
    const value = typeof arg === 'string' ? { type: 'string' as const, value: arg } : { type: 'u32' as const, value: String(arg >>> 0) };
    this.steps.push({ op: 'call', instance, export: fn, args: [value], expect: this.expect(instance, outcome) });
    return this;
  }

  /** A call the embedder follows with post_return when the profile wants it (wasmtime-legacy). */
  callDone(instance: string, fn: GuestFn, arg: number | string): this {
    const ok = this.call(instance, fn, arg).steps.at(-1)!.expect.outcome!.kind === 'return';
    return this.legacy && ok ? this.postReturn(instance, fn) : this;
  }

  /** Sets the store's fuel (the step addresses `instance`). */
  refuel(instance: string, amount: number): this {
    this.steps.push({ op: 'refuel', instance, amount, expect: { outcome: { kind: 'return', values: [] } } });
    return this;
  }

  /** A call of `busy(n)` that pauses at a fuel budget (X2), named `call`. */
  callPaused(instance: string, n: number, call: string): this {
    const outcome = this.model.suspend(instance, 'busy', n);
    this.steps.push({ op: 'call', instance, export: 'busy', args: [{ type: 'u32', value: String(n) }], call, pauseAt: { fuel: PAUSE_FUEL }, expect: this.expect(instance, outcome) });
    return this;
  }

  resume(instance: string, call: string): this {
    const outcome = this.model.resumeToEnd(instance);
    this.steps.push({ op: 'resume', instance, call, fuel: BUDGET, expect: this.expect(instance, outcome) });
    return this.legacy && outcome.kind === 'return' ? this.postReturn(instance, 'busy') : this;
  }

  cancel(instance: string, call: string): this {
    this.steps.push({ op: 'cancel', instance, call, expect: this.expect(instance, this.model.cancel(instance)) });
    return this;
  }

  postReturn(instance: string, fn: GuestFn): this {
    const outcome = this.model.postReturn(instance, fn);
    this.steps.push({ op: 'post-return', instance, export: fn, expect: this.expect(instance, outcome) });
    return this;
  }

  private expect(instance: string, outcome: Step['expect']['outcome'] & object): Step['expect'] {
    // after an exit the process is gone: only the outcome is observable
    return outcome.kind === 'exit' ? { outcome } : { outcome, memory: this.model.memory(instance) };
  }
}

function hostImport(p: ImportPlan): HostImport & { params: Array<'u32'>; results: Array<'u32'> } {
  const sig = { params: ['u32' as const], results: ['u32' as const] };
  switch (p.kind) {
    case 'return':
      return { kind: 'return', value: p.value, ...sig };
    case 'throw':
      return { kind: 'throw', message: 'host import failed', ...sig };
    case 'exit':
      return { kind: 'exit', params: ['u32'], results: [] };
    case 'call':
    case 'adapter':
      return { kind: p.kind, instance: p.instance, export: p.export, ...sig };
  }
}

function build(p: ComponentParams, origin: Origin): Case {
  const pl = plan(p);
  const { row, profile, shape } = pl;
  const legacy = profile === 'wasmtime-legacy';
  const metered = row === 'C5' || row === 'X2';
  const modelCfg: ModelConfig = { profile, k: shape.k, log: shape.log, metered };
  if (pl.imports['hop']) modelCfg.hop = pl.imports['hop'];
  if (pl.imports['back']) modelCfg.back = pl.imports['back'];
  const s = new Script(modelCfg, legacy);
  const [x1, x2, x3, x4] = p.args as [number, number, number, number];
  const good = (i: number): number | string => (shape.strings && i % 2 === 1 ? p.text : p.args[i % p.args.length]!);
  const goodFn = (i: number): GuestFn => (shape.strings && i % 2 === 1 ? 's' : 'f');
  const freshEnd = (): void => {
    if (p.fresh) s.instantiate('c').callDone('c', 'f', x4);
  };

  s.instantiate('a');
  switch (row) {
    case 'C1': {
      const n = 2 + (p.site % 3);
      for (let i = 0; i < n; i++) s.callDone('a', goodFn(i), good(i));
      break;
    }
    case 'C2':
      s.call('a', 'f', x1).call('a', 'f', x2).postReturn('a', 'f').call('a', 'f', x2).postReturn('a', 'f').postReturn('a', 'f');
      if (shape.strings) s.call('a', 's', p.text).postReturn('a', 'f').postReturn('a', 's');
      s.callDone('a', 'f', x3);
      break;
    case 'C3':
    case 'C12':
      s.callDone('a', goodFn(1), good(1));
      if (pl.site === 'body') s.call('a', 'f', F_TRAP_ARG);
      else if (pl.site === 'realloc') s.call('a', 's', TRAP_TEXT);
      else s.callDone('a', 'f', POST_TRAP_ARG);
      s.callDone('a', 'f', x2);
      freshEnd();
      break;
    case 'C4':
      s.instantiate('b').callDone('b', 'f', x1).call('a', 'f', F_TRAP_ARG).callDone('b', 'f', x2).callDone('a', 'f', x3);
      freshEnd();
      break;
    case 'C5':
      s.instantiate('b').refuel('a', BUDGET).callDone('a', 'f', x1).callDone('a', 'busy', BUSY_FOREVER);
      s.refuel('a', BUDGET).callDone('a', 'f', x2).callDone('b', 'f', x3);
      freshEnd();
      break;
    case 'X2':
      s.instantiate('b').refuel('a', BUDGET).callDone('a', 'f', x1);
      if (pl.site === 'cancel') s.callPaused('a', BUSY_FOREVER, 'job').call('a', 'f', x2).cancel('a', 'job');
      else s.callPaused('a', BUSY_SHORT, 'job').call('a', 'f', x2).resume('a', 'job');
      s.callDone('a', 'f', x3).callDone('b', 'f', x4);
      freshEnd();
      break;
    case 'C6':
      s.instantiate('b').callDone('a', 'h', x1).callDone('a', 'f', x2).callDone('b', 'f', x3);
      freshEnd();
      break;
    case 'C7':
      s.callDone('a', 'f', x1).callDone('a', 'h', x2).callDone('a', 'f', x3);
      freshEnd();
      break;
    case 'C8':
      s.instantiate('b').callDone('a', 'h', x1).callDone('b', 'f', x2).callDone('a', 'h', x3);
      break;
    case 'C9':
      s.instantiate('b').callDone('a', 'h', x1).callDone('b', 'f', x2).callDone('a', 'f', x3);
      freshEnd();
      break;
    case 'C10':
      if (pl.site === 'other') s.instantiate('b');
      s.callDone('a', 'h', x1).callDone('a', 'f', x2);
      if (pl.site === 'other') s.callDone('b', 'f', x3);
      freshEnd();
      break;
    case 'C11':
      s.callDone('a', 'f', x1).callDone('a', 'f', POST_LEAVE_ARG).callDone('a', 'f', x2);
      freshEnd();
      break;
    case 'C13':
      s.callDone('a', 's', p.text).callDone('a', 's', LEAVE_TEXT).callDone('a', 'f', x2);
      freshEnd();
      break;
    case 'exit':
      s.callDone('a', 'f', x1).call('a', 'h', p.exitArg).call('a', 'f', x2);
      break;
  }

  const config: ComponentConfig = { profile, exports: guestExports(shape) };
  if (shape.log || Object.keys(pl.imports).length) {
    config.imports = {};
    if (shape.log) config.imports['log'] = { kind: 'return', params: [], results: [] };
    for (const [name, ip] of Object.entries(pl.imports)) config.imports[ip.kind === 'exit' ? 'exit' : name] = hostImport(ip);
  }
  const features: Feature[] = ['component'];
  if (metered) features.push('fuel');
  if (row === 'X2') features.push('asyncify');
  const jco = profile === 'spec' && row !== 'C10' && !metered;
  const tags: Record<string, string> = { row, profile, jco: jco ? 'runnable' : 'no' };
  if (pl.site !== undefined) tags['site'] = pl.site;
  if (row === 'C7' || row === 'C9' || row === 'C10') tags['reentry'] = MODEL_REENTRY[profile];
  if (row === 'exit') tags['exit'] = p.exitArg === 0 ? 'ok' : p.exitArg === 1 ? 'err' : 'invalid';
  // jco lowers '' without calling cabi_realloc (a known divergence matched on this tag)
  if (shape.strings) tags['string'] = p.text === '' ? 'empty' : 'text';
  return {
    id: caseId(NAME, origin),
    family: NAME,
    modules: [{ bytes: buildGuest(NAME, shape) }],
    features,
    component: config,
    steps: s.steps,
    provenance: generatorProvenance(component, origin, p),
    tags,
  };
}

const TEXT_UNITS = ['a', 'z', 'Q', '0', ' ', '-', 'é', '✓', '😀'];
const textArb = fc.string({ unit: fc.constantFrom(...TEXT_UNITS), minLength: 0, maxLength: 6 }).map((t) => {
  // keep clear of realloc's magic lengths (5 traps… 7 traps): pad to a safe length
  let out = t;
  while (byteLength(out) === REALLOC_LEAVE_LEN || byteLength(out) === REALLOC_TRAP_LEN) out += 'x';
  return out;
});
const goodArg = fc.oneof(fc.integer({ min: 3, max: 100_000 }), fc.integer({ min: 3, max: 0xffffffff }));

export const componentArbitrary: fc.Arbitrary<ComponentParams> = fc.record({
  row: fc.noBias(fc.nat({ max: ROWS.length - 1 })),
  // half the cases under `spec` (index 0), the rest split between the two wasmtime profiles: the spec
  // cases are the ones a second runtime (jco) can run, so they get the larger share
  profile: fc.noBias(fc.nat({ max: 2 * (COMPONENT_PROFILES.length - 1) - 1 })).map((n) => (n < COMPONENT_PROFILES.length - 1 ? 0 : n - (COMPONENT_PROFILES.length - 2))),
  k: fc.integer({ min: 1, max: 1000 }),
  args: fc.array(goodArg, { minLength: 4, maxLength: 4 }),
  text: textArb,
  site: fc.nat({ max: 5 }),
  fresh: fc.boolean(),
  strings: fc.boolean(),
  exitArg: fc.oneof(fc.constant(0), fc.constant(1), fc.integer({ min: 2, max: 0xffffffff })),
});

export const component: Family<ComponentParams> = {
  name: NAME,
  version: 2,
  description:
    'Component instances over canonical-ABI guests: lifted calls with post-return, traps in body / realloc / post-return, imports from ' +
    'post-return or realloc, re-entry through host imports and adapters, host errors, several instances per store, under the spec, ' +
    'wasmtime ≤ 41 and wasmtime ≥ 42 profiles (instance-semantics.md §7.1).',
  declares: {
    row: [...ROWS],
    profile: [...COMPONENT_PROFILES],
    jco: ['runnable', 'no'],
    string: ['empty', 'text'],
    exit: ['ok', 'err', 'invalid'],
    site: [...C3_SITES, ...C10_SITES, ...X2_SITES],
    reentry: [...REENTRY_RULE_SETS],
  },
  arbitrary: componentArbitrary,
  build,
};
