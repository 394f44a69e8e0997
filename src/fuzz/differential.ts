/**
 * The differential oracle: two runtimes' observations of one case, compared step by step on
 * normalised outcomes, then the memory and globals read after each step. A disagreement is a
 * finding even where the case has no expectation. Nondeterminism classes are quarantined, never
 * compared, as wasmtime's and binaryen's differential fuzzers do: stack exhaustion (limits
 * differ legitimately), timeouts, unsupported steps, and NaN payload bits.
 */
import type { Case, MemoryRegion } from '../case.ts';
import type { Verdict } from '../judge.ts';
import type { Observation } from '../observation.ts';
import type { Outcome, WasmValue } from '../outcome.ts';
import type { Profile } from '../profile.ts';
import { outcomeClass, where } from './signature.ts';

export type Comparison =
  | { kind: 'agree' }
  | { kind: 'quarantined'; reason: string }
  | { kind: 'disagree'; step: number; what: string; a: string; b: string };

function sameValue(a: WasmValue, b: WasmValue): boolean {
  if (a.type !== b.type) return false;
  if (a.value === b.value) return true;
  // NaN payloads are not portable: any NaN equals any NaN of the same type.
  return (a.type === 'f32' || a.type === 'f64') && a.value.startsWith('nan') && b.value.startsWith('nan');
}

function quarantine(o: Outcome): string | undefined {
  if (o.kind === 'unsupported') return `unsupported (${o.feature})`;
  if (o.kind === 'timeout') return 'timeout';
  if (o.kind === 'trap' && o.trap.includes('call stack exhausted')) return 'call stack exhausted';
  return undefined;
}

function outcomesAgree(a: Outcome, b: Outcome, pa: Profile, pb: Profile): boolean {
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'trap':
      // Imprecise engines report a set of candidates: agreeing means the sets overlap.
      return a.trap.some((k) => (b as typeof a).trap.includes(k));
    case 'return': {
      const bv = (b as typeof a).values;
      return a.values.length === bv.length && a.values.every((v, i) => sameValue(v, bv[i]!));
    }
    case 'exit':
      // Exit codes are comparable only between runtimes with the same conventions (DESIGN §2 Profile).
      return JSON.stringify(pa.exitCodes) !== JSON.stringify(pb.exitCodes) || a.code === (b as typeof a).code;
    case 'rejected':
      return true;
    default:
      return true;
  }
}

function regionsDiffer(a: MemoryRegion[] | undefined, b: MemoryRegion[] | undefined): string | undefined {
  for (const r of a ?? []) {
    const other = b?.find((x) => x.offset === r.offset);
    if (other && other.hex !== r.hex) return `memory[${r.offset}]`;
  }
  return undefined;
}

export function compareObservations(_c: Case, a: Observation, b: Observation, pa: Profile, pb: Profile): Comparison {
  const n = Math.min(a.steps.length, b.steps.length);
  for (let i = 0; i < n; i++) {
    const sa = a.steps[i]!;
    const sb = b.steps[i]!;
    const q = quarantine(sa.outcome) ?? quarantine(sb.outcome);
    if (q) return { kind: 'quarantined', reason: q };
    if (!outcomesAgree(sa.outcome, sb.outcome, pa, pb)) return { kind: 'disagree', step: i, what: 'outcome', a: outcomeClass(sa.outcome), b: outcomeClass(sb.outcome) };
    const mem = regionsDiffer(sa.memory, sb.memory);
    if (mem) return { kind: 'disagree', step: i, what: mem, a: 'memory', b: 'memory' };
    for (const [name, v] of Object.entries(sa.globals ?? {})) {
      const w = sb.globals?.[name];
      if (w && !sameValue(v, w)) return { kind: 'disagree', step: i, what: `global ${name}`, a: `${v.type}:${v.value}`, b: `${w.type}:${w.value}` };
    }
  }
  if (a.steps.length !== b.steps.length) {
    const i = n;
    return { kind: 'disagree', step: i, what: 'steps run', a: outcomeClass(a.steps[i]?.outcome), b: outcomeClass(b.steps[i]?.outcome) };
  }
  return { kind: 'agree' };
}

/**
 * A disagreement already explained: one side's verdict is a known divergence of its profile (a
 * documented deviation with a reason and a link, e.g. jco's lockdown after a post-return trap), so comparing the
 * two runtimes there would only rediscover it. Quarantined under the divergence's id.
 */
export function explainedByDivergence(a: Verdict, b: Verdict): Comparison | undefined {
  const d = a.verdict === 'known-divergence' ? a : b.verdict === 'known-divergence' ? b : undefined;
  return d ? { kind: 'quarantined', reason: `known divergence ${d.divergence ?? '(unnamed)'}` } : undefined;
}

/** The dedup signature of a disagreement (outcome classes, not values). */
export function disagreementSignature(c: Case, ra: string, rb: string, d: Extract<Comparison, { kind: 'disagree' }>): string {
  const op = c.steps[d.step]?.op ?? `step ${d.step}`;
  const body = d.what === 'outcome' || d.what === 'steps run' ? `${d.a} vs ${d.b}` : `${d.what.replace(/\[\d+\]$/, '')} differs`;
  return `differential · ${c.family} · ${ra} vs ${rb} · step ${op}${where(c)} · ${body}`;
}
