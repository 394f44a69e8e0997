/** Builds and runs component cases in-process (CaseRun, no worker pool) for the component tests. */
import type { Case, ComponentConfig, ComponentProfile, HostImport, Step } from '../../src/case.ts';
import type { Outcome } from '../../src/outcome.ts';
import { CaseRun } from '../../src/runtime/exec.ts';
import type { GuestShape } from '../../generators/component-guest.ts';
import { buildGuest, COUNTER_BYTES, guestExports, MEM } from '../../generators/component-guest.ts';

type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;

export type Imports = Record<string, HostImport & { params: Array<'u32'>; results: Array<'u32'> }>;

export function guestCase(profile: ComponentProfile, shape: Partial<GuestShape>, imports: Imports = {}): Case {
  const full: GuestShape = { k: 10, strings: true, log: false, hop: undefined, back: false, ...shape };
  if (imports['hop']) full.hop = imports['hop'].kind === 'exit' ? 'exit' : 'import';
  if (imports['exit']) full.hop = 'exit';
  if (imports['back']) full.back = true;
  if (imports['log']) full.log = true;
  const component: ComponentConfig = { profile, exports: guestExports(full), imports };
  return { id: 'component-test', family: 'component', modules: [{ bytes: buildGuest('component-test', full) }], features: ['component'], component, steps: [], provenance: { kind: 'hand-written', note: 'test' } };
}

export const u32 = (v: number): { type: 'u32'; value: string } => ({ type: 'u32', value: String(v >>> 0) });
export const str = (v: string): { type: 'string'; value: string } => ({ type: 'string', value: v });

/** A driver over one CaseRun: `inst`, `call`, `post` return outcomes; `counters` reads an instance's memory. */
export class Driver {
  readonly run: CaseRun;
  constructor(readonly c: Case) {
    this.run = new CaseRun(c);
  }
  step(s: DistributiveOmit<Step, 'expect'>): Outcome {
    return this.run.step({ ...s, expect: {} } as Step).outcome;
  }
  inst(as: string): Outcome {
    return this.step({ op: 'instantiate', as });
  }
  call(instance: string, fn: string, arg: number | string): Outcome {
    return this.step({ op: 'call', instance, export: fn, args: [typeof arg === 'string' ? str(arg) : u32(arg)] });
  }
  post(instance: string, fn: string): Outcome {
    return this.step({ op: 'post-return', instance, export: fn });
  }
  counters(instance: string): Record<keyof typeof MEM, number> {
    // a refuel step changes nothing in an unmetered store: used here only to read memory after it
    const obs = this.run.step({ op: 'refuel', instance, amount: 0, expect: { memory: [{ offset: 0, hex: '00'.repeat(COUNTER_BYTES) }] } } as Step);
    const hex = obs.memory![0]!.hex;
    const word = (off: number): number => Buffer.from(hex.slice(off * 2, off * 2 + 8), 'hex').readUInt32LE(0);
    return Object.fromEntries(Object.entries(MEM).map(([k, off]) => [k, word(off)])) as Record<keyof typeof MEM, number>;
  }
}

/** `return [i32 v]` / `trap kind` / other kinds, in one short string for readable assertions. */
export function short(o: Outcome): string {
  switch (o.kind) {
    case 'return':
      return o.values.length ? `return ${o.values.map((v) => v.value).join(',')}` : 'return';
    case 'trap':
      return `trap ${o.trap.join('|')}`;
    case 'exit':
      return `exit ${o.code}`;
    case 'crash':
      return `crash ${o.detail}`;
    case 'unsupported':
      return `unsupported ${o.feature}`;
    default:
      return o.kind;
  }
}
