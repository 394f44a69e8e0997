/**
 * The program model of the `cancellation` family: what `run()` does, as a trace of events in
 * execution order, and a machine that plays the trace under trapcheck's fuel and pause rules
 * (src/runtime/calls/core-calls.ts). Expectations come from here, computed from the program the
 * generator built and its fuel plan (src/wasm/instrument/fuel.ts `fuelPlan`), never by running it.
 */
import type { TrapKind } from '../src/outcome.ts';
import type { FuelPlan, FunctionCost } from '../src/wasm/instrument/fuel.ts';
import type { ContextCharge, RunContext } from './cancellation/context-charges.ts';
import { BARE_RUN } from './cancellation/context-charges.ts';

export const MEMORY_BYTES = 65536;
/** Guest bytes at offset 0: Asyncify borrows this region while a call is parked, and must give it back. */
export const GUEST_PATTERN = 'trapcheck-guest!';
/** Bytes at the end of memory that a straddling store must leave untouched (K1). */
export const TAIL_PATTERN = 'tail';
export const FIRST_SLOT = 16;

export type Segment =
  | { k: 'store'; value: number }
  | { k: 'bump' }
  | { k: 'yield' }
  | { k: 'block' }
  | { k: 'loop'; n: number }
  | { k: 'fill'; len: number; byte: number }
  | { k: 'tree' };

export const PROGRAM_TRAPS = ['unreachable', 'div-zero', 'oob-straddle'] as const;
export type ProgramTrap = (typeof PROGRAM_TRAPS)[number];
export const TRAP_KIND: Record<ProgramTrap, TrapKind> = {
  unreachable: 'unreachable',
  'div-zero': 'integer divide by zero',
  'oob-straddle': 'out of bounds memory access',
};

export interface Program {
  segments: Segment[];
  /** Depth of the loop-free call tree (`tree` segments: 2^depth leaves, each bumps g). */
  treeDepth: number;
  trap: ProgramTrap | undefined;
}

/** Where each segment writes: consecutive slots from FIRST_SLOT. */
export function slots(p: Program): number[] {
  let at = FIRST_SLOT;
  return p.segments.map((s) => {
    const here = at;
    if (s.k === 'store' || s.k === 'block') at += 4;
    else if (s.k === 'loop') at += 4 * s.n;
    else if (s.k === 'fill') at += (s.len + 3) & ~3;
    return here;
  });
}

export function usedBytes(p: Program): number {
  const s = slots(p);
  const last = p.segments.length ? s[s.length - 1]! : FIRST_SLOT;
  const seg = p.segments[p.segments.length - 1];
  const size = !seg ? 0 : seg.k === 'store' || seg.k === 'block' ? 4 : seg.k === 'loop' ? 4 * seg.n : seg.k === 'fill' ? (seg.len + 3) & ~3 : 0;
  return last + size;
}

export type Event =
  /** `tree`: in the call tree; `context`: a metering point of the context around `run`. */
  | { e: 'charge'; units: number; tree?: boolean; context?: boolean }
  | { e: 'suspend'; kind: 'yield' | 'block'; slot: number }
  | { e: 'write'; at: number; bytes: number[] }
  | { e: 'bump' }
  | { e: 'trap'; trap: ProgramTrap };

const le32 = (v: number): number[] => [v & 255, (v >>> 8) & 255, (v >>> 16) & 255, (v >>> 24) & 255];

/** Defined function index of the context's identity function: appended after run, probe and the tree levels. */
export function identityIndex(p: Program): number {
  return 2 + (p.segments.some((s) => s.k === 'tree') ? p.treeDepth + 1 : 0);
}

/**
 * The events of one `run()` call. Function costs come from the plan: defined function 0 is `run`,
 * 1 is `probe`, 2.. are the tree levels t0 … t_depth, then the context's identity function.
 * `ctx` says when the context around `run`'s body (if any) charges: its loops' costs and the
 * identity function's come from the plan too. Without a plan (an unmetered module, where nothing
 * observes fuel) every charge is 0 units.
 */
export function trace(p: Program, plan: FuelPlan | undefined, ctx: RunContext = BARE_RUN): Event[] {
  const bodyLoops = p.segments.filter((s) => s.k === 'loop').length;
  const unmetered: FunctionCost = { index: -1, exports: [], entry: 0, loops: new Array<number>(ctx.loops + bodyLoops).fill(0) };
  const fn = (i: number): FunctionCost => {
    if (!plan) return unmetered;
    const f = plan.functions[i];
    if (!f) throw new Error(`cancellation: the fuel plan has no function ${i}`);
    return f;
  };
  // the plan's loops of `run` are the context's and the body's, in byte order: anything else means the walk is wrong
  if (fn(0).loops.length !== ctx.loops + bodyLoops) throw new Error(`cancellation: run has ${fn(0).loops.length} loops in its fuel plan, the model expects ${ctx.loops} + ${bodyLoops}`);
  // the context's loops after the body come after the body's own in the bytes
  const slot = (contextLoop: number): number => (contextLoop < ctx.loopOffset ? contextLoop : contextLoop + bodyLoops);
  const contextCharge = (c: ContextCharge): Event => ({ e: 'charge', units: 'loop' in c ? fn(0).loops[slot(c.loop)]! : fn(identityIndex(p)).entry, context: true });
  const out: Event[] = [{ e: 'charge', units: fn(0).entry }, ...ctx.before.map(contextCharge)];
  const at = slots(p);
  let loop = ctx.loopOffset;
  const tree = (d: number): void => {
    out.push({ e: 'charge', units: fn(2 + d).entry, tree: true });
    if (d === p.treeDepth) out.push({ e: 'bump' });
    else {
      tree(d + 1);
      tree(d + 1);
    }
  };
  p.segments.forEach((s, i) => {
    switch (s.k) {
      case 'store':
        out.push({ e: 'write', at: at[i]!, bytes: le32(s.value) });
        break;
      case 'bump':
        out.push({ e: 'bump' });
        break;
      case 'yield':
        out.push({ e: 'suspend', kind: 'yield', slot: at[i]! });
        break;
      case 'block':
        out.push({ e: 'suspend', kind: 'block', slot: at[i]! });
        break;
      case 'loop': {
        const cost = fn(0).loops[loop++]!;
        for (let j = 0; j < s.n; j++) out.push({ e: 'charge', units: cost }, { e: 'write', at: at[i]! + 4 * j, bytes: le32(j + 1) });
        break;
      }
      case 'fill':
        out.push({ e: 'charge', units: s.len }, { e: 'write', at: at[i]!, bytes: new Array<number>(s.len).fill(s.byte) });
        break;
      case 'tree':
        tree(0);
        break;
    }
  });
  // after a trap nothing of the context runs
  if (p.trap) out.push({ e: 'trap', trap: p.trap });
  else out.push(...ctx.after.map(contextCharge));
  return out;
}

/** How one stretch of a call ended. */
export type Stop =
  | { stop: 'return' }
  | { stop: 'trap'; trap: ProgramTrap }
  | { stop: 'out-of-fuel'; at: number }
  | { stop: 'host'; at: number }
  | { stop: 'fuel'; at: number };

/** Guest state plus the fuel balance, as the reference runtime keeps them. */
export class Machine {
  readonly mem = new Uint8Array(MEMORY_BYTES);
  g = 0;
  /** Fuel balance (undefined: unmetered); negative only while a call is parked at its exhaustion point. */
  fuel: number | undefined;

  constructor(metered: boolean) {
    const enc = new TextEncoder();
    this.mem.set(enc.encode(GUEST_PATTERN), 0);
    this.mem.set(enc.encode(TAIL_PATTERN), MEMORY_BYTES - TAIL_PATTERN.length);
    this.fuel = metered ? 0 : undefined;
  }

  get observedFuel(): number | undefined {
    return this.fuel === undefined ? undefined : Math.max(0, this.fuel);
  }

  /**
   * Plays `events` from `from`: `suspensions` pauses at the k-th suspension (counted from here),
   * `fuelPauses` parks at exhaustion instead of trapping, `blockValue` is what a block resumed at
   * `from - 1` returns. Mirrors CoreCalls: a charge taking the balance below 0 is the exhaustion point.
   */
  play(events: readonly Event[], from: number, o: { suspensions?: number; fuelPauses?: boolean; resumedBlock?: number } = {}): Stop {
    let left = o.suspensions;
    for (let i = from; i < events.length; i++) {
      const ev = events[i]!;
      switch (ev.e) {
        case 'charge':
          if (this.fuel === undefined) break;
          this.fuel -= ev.units;
          if (this.fuel < 0) return o.fuelPauses ? { stop: 'fuel', at: i } : { stop: 'out-of-fuel', at: i };
          break;
        case 'suspend':
          if (left !== undefined && --left === 0) return { stop: 'host', at: i };
          if (ev.kind === 'block') this.mem.set(le32(0), ev.slot);
          break;
        case 'write':
          this.mem.set(ev.bytes, ev.at);
          break;
        case 'bump':
          this.g = (this.g + 1) | 0;
          break;
        case 'trap':
          return { stop: 'trap', trap: ev.trap };
      }
    }
    return { stop: 'return' };
  }

  /** Continues a call parked at event `at` (its suspension or its exhausting charge). */
  resume(events: readonly Event[], at: number, o: { value?: number; grant?: number; suspensions?: number; fuelPauses?: boolean }): Stop {
    const ev = events[at]!;
    if (ev.e === 'charge') {
      if (this.fuel !== undefined) this.fuel += o.grant ?? 0;
      if (this.fuel !== undefined && this.fuel < 0) return o.fuelPauses ? { stop: 'fuel', at } : { stop: 'out-of-fuel', at };
    } else if (ev.e === 'suspend' && ev.kind === 'block') this.mem.set(le32(o.value ?? 0), ev.slot);
    return this.play(events, at + 1, o);
  }

  hex(from: number, to: number): string {
    return Buffer.from(this.mem.subarray(from, to)).toString('hex');
  }
}

/** Prefix sums of the charges: `spent[i]` = units charged by events before i. */
export function chargesBefore(events: readonly Event[]): number[] {
  const out: number[] = [];
  let sum = 0;
  for (const ev of events) {
    out.push(sum);
    if (ev.e === 'charge') sum += ev.units;
  }
  out.push(sum);
  return out;
}
