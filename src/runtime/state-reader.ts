/**
 * Reads the state an expectation asks for: memory regions as hex and exported globals as
 * WasmValues. One reader for every runner that observes guest state (the step executor, the
 * Lunatic process system, jco), so they all cut off and format it the same way.
 */
import type { MemoryRegion } from '../case.ts';
import type { ValueType, WasmValue } from '../outcome.ts';
import type { ExportSig } from '../wasm/signatures.ts';
import { crossesJsBoundary } from '../wasm/signatures.ts';
import type { WasmExports, WasmGlobal, WasmMemory } from './wasm-api.ts';
import { WA } from './wasm-api.ts';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Converts a global's JS value (the runner decides how references are numbered). */
export interface GlobalValueReader {
  value(type: Exclude<ValueType, 'v128'>, x: unknown): WasmValue;
}

/** The expected regions as they are in `memory`; out-of-range bytes are cut off (the judge then reports a mismatch). */
export function readRegions(memory: WasmMemory | undefined, regions: readonly MemoryRegion[]): MemoryRegion[] {
  if (!memory) return [];
  const bytes = new Uint8Array(memory.buffer);
  return regions.map(({ offset, hex }) => {
    const end = Math.min(bytes.length, offset + hex.length / 2);
    let out = '';
    for (let i = Math.max(0, offset); i < end; i++) out += HEX[bytes[i]!];
    return { offset, hex: out };
  });
}

/**
 * The named exported globals whose type crosses the JS boundary. A name that is not an
 * exported global, has no such signature, or cannot be converted is left out: the judge
 * reports it as missing.
 */
export function readGlobals(
  exports: WasmExports,
  sigs: ReadonlyMap<string, ExportSig>,
  names: readonly string[],
  reader: GlobalValueReader,
): Record<string, WasmValue> {
  const out: Record<string, WasmValue> = {};
  for (const name of names) {
    const g = exports[name];
    if (!(g instanceof WA.Global)) continue;
    const sig = sigs.get(name);
    if (sig?.kind !== 'global' || !crossesJsBoundary(sig.type)) continue;
    try {
      out[name] = reader.value(sig.type, (g as WasmGlobal).value);
    } catch {
      // an unconvertible value: reported missing, like an unreadable signature
    }
  }
  return out;
}

type Observed = { exports: WasmExports; binding: { memory: WasmMemory | undefined } };

/** Where `observeInstance` finds what it reads: the step's addressed instance, its fuel and signatures. */
export interface InstanceState<I extends Observed> {
  /** The instance the step addresses (undefined: none, or it failed to instantiate). */
  instance(): I | undefined;
  /** Its fuel left (undefined: unmetered). */
  fuel(inst: I): number | undefined;
  /** Its exports' signatures; may throw when they cannot be read (every global is then reported missing). */
  exportSigs(inst: I): ReadonlyMap<string, ExportSig>;
  values: GlobalValueReader;
}

/**
 * Adds the instance state an expectation asks for (fuel, memory regions, globals) to `obs`: one
 * reading for every step executor (exec.ts, and JSPI's hosts/jspi-case-run.ts). The instance is
 * looked up only when the expectation reads from it.
 */
export function observeInstance<I extends Observed>(
  exp: { memory?: readonly MemoryRegion[]; globals?: Record<string, unknown>; fuel?: unknown },
  obs: { memory?: MemoryRegion[]; globals?: Record<string, WasmValue>; fuel?: number },
  state: InstanceState<I>,
): void {
  if (exp.memory === undefined && exp.globals === undefined && exp.fuel === undefined) return;
  const inst = state.instance();
  if (exp.fuel !== undefined && inst) {
    const left = state.fuel(inst);
    if (left !== undefined) obs.fuel = left;
  }
  if (exp.memory !== undefined) obs.memory = inst ? readRegions(inst.binding.memory, exp.memory) : [];
  if (exp.globals !== undefined) obs.globals = inst ? globalsOf(inst, Object.keys(exp.globals), state) : {};
}

function globalsOf<I extends Observed>(inst: I, names: readonly string[], state: InstanceState<I>): Record<string, WasmValue> {
  let sigs: ReadonlyMap<string, ExportSig>;
  try {
    sigs = state.exportSigs(inst);
  } catch {
    return {}; // unreadable signatures: the judge reports every global as missing
  }
  return readGlobals(inst.exports, sigs, names, state.values);
}
