/**
 * The exports the probe plan appends to one module (probe-plan.ts says what each is for): wrappers
 * for invoke steps, memory peeks and global readers, encoded straight into binary instructions
 * against the module's own index spaces (src/wasm/layout.ts), plus the value ↔ bits conversions
 * both sides of a probe share.
 */
import type { MemoryRegion } from '../../case.ts';
import type { WasmValue } from '../../outcome.ts';
import { f32BitsToText, f64BitsToText, textToNumber } from '../../values.ts';
import type { Additions } from '../../wasm/append.ts';
import { VALTYPE, sleb, uleb } from '../../wasm/append.ts';
import type { ModuleLayout } from '../../wasm/layout.ts';
import type { SigType } from '../../wasm/signatures.ts';
import type { IntType, ProbeCall, ProbeOptions } from './probe-plan.ts';

const PREFIX = '__trapcheck_';
const OP = { call: 0x10, localGet: 0x20, localSet: 0x21, globalGet: 0x23, globalSet: 0x24, i64Load: 0x29, i32Load8u: 0x2d, end: 0x0b } as const;
const REINTERPRET: Partial<Record<SigType, number>> = { f32: 0xbc, f64: 0xbd };

export class ProbeUnsupported extends Error {}

function intTypeOf(t: SigType, what: string): IntType {
  if (t === 'i32' || t === 'f32') return 'i32';
  if (t === 'i64' || t === 'f64') return 'i64';
  throw new ProbeUnsupported(`${what} of type ${t} cannot be read back as integer bits`);
}

function valtypeCode(t: SigType, what: string): number {
  if (t === 'i32' || t === 'i64' || t === 'f32' || t === 'f64') return VALTYPE[t];
  throw new ProbeUnsupported(`${what} of type ${t} is not a number`);
}

/** Two's complement bits of an integer or float value text. */
export function valueBits(v: WasmValue): bigint {
  switch (v.type) {
    case 'i32':
      return BigInt.asUintN(32, BigInt(v.value));
    case 'i64':
      return BigInt.asUintN(64, BigInt(v.value));
    case 'f32':
    case 'f64': {
      if (v.value.startsWith('nan:0x')) return BigInt(v.value.slice(4));
      const view = new DataView(new ArrayBuffer(8));
      if (v.type === 'f32') {
        view.setFloat32(0, textToNumber('f32', v.value));
        return BigInt(view.getUint32(0));
      }
      view.setFloat64(0, textToNumber('f64', v.value));
      return view.getBigUint64(0);
    }
    default:
      throw new ProbeUnsupported(`argument of type ${v.type}`);
  }
}

/** The typed value of integer bits read back from a probe. */
export function bitsToValue(type: SigType, raw: bigint): WasmValue {
  switch (type) {
    case 'i32':
      return { type, value: BigInt.asIntN(32, raw).toString() };
    case 'i64':
      return { type, value: BigInt.asIntN(64, raw).toString() };
    case 'f32':
      return { type, value: f32BitsToText(Number(BigInt.asUintN(32, raw))) };
    case 'f64':
      return { type, value: f64BitsToText(BigInt.asUintN(64, raw)) };
    default:
      throw new ProbeUnsupported(`value of type ${type}`);
  }
}

function constInstr(v: WasmValue): number[] {
  switch (v.type) {
    case 'i32':
      return [0x41, ...sleb(BigInt.asIntN(32, valueBits(v)))];
    case 'i64':
      return [0x42, ...sleb(BigInt.asIntN(64, valueBits(v)))];
    case 'f32': {
      const b = valueBits(v);
      return [0x43, ...[0, 8, 16, 24].map((s) => Number((b >> BigInt(s)) & 0xffn))];
    }
    case 'f64': {
      const b = valueBits(v);
      return [0x44, ...[0, 8, 16, 24, 32, 40, 48, 56].map((s) => Number((b >> BigInt(s)) & 0xffn))];
    }
    case 'funcref':
    case 'externref':
      if (v.value === 'null') return [0xd0, v.type === 'funcref' ? 0x70 : 0x6f];
      throw new ProbeUnsupported(`a non-null ${v.type} argument has no constant form`);
    default:
      throw new ProbeUnsupported(`argument of type ${v.type}`);
  }
}

/** Collects the additions for one module; indices follow the module's own index spaces. */
export class ModuleProbes {
  readonly add: Additions = { types: [], functions: [], globals: [], exports: [] };
  private readonly typeIndex = new Map<string, number>();
  private peekMemory: number | undefined;
  private readonly globalReaders = new Map<number, string>();

  constructor(readonly layout: ModuleLayout) {
    for (const name of layout.exports.keys()) if (name.startsWith(PREFIX)) throw new ProbeUnsupported(`the module already exports ${name}`);
  }

  private type(params: number[], results: number[]): number {
    const key = `${params.join(',')}>${results.join(',')}`;
    let t = this.typeIndex.get(key);
    if (t === undefined) {
      t = this.layout.typeCount + this.add.types.length;
      this.add.types.push([params, results]);
      this.typeIndex.set(key, t);
    }
    return t;
  }

  private func(name: string, params: number[], results: number[], locals: number[], body: number[]): void {
    const index = this.layout.funcs.length + this.add.functions.length;
    this.add.functions.push({ type: this.type(params, results), locals, body: [...body, OP.end] });
    this.add.exports.push({ name, kind: 'func', index });
  }

  /** The wrapper of an invoke step: call with constants, then integer bits (returned or stored). */
  invokeWrapper(step: number, exportName: string, args: readonly WasmValue[], mode: ProbeOptions['mode']): { call: ProbeCall; resultGlobals?: string[]; types: SigType[] } {
    const target = this.layout.exports.get(exportName);
    if (!target || target.kind !== 'func') throw new ProbeUnsupported(`the module exports no function ${JSON.stringify(exportName)}`);
    const sig = this.layout.funcs[target.index];
    if (!sig) throw new ProbeUnsupported(`export ${JSON.stringify(exportName)} has no function type`);
    if (sig.params.length !== args.length) throw new ProbeUnsupported(`export ${JSON.stringify(exportName)} takes ${sig.params.length} arguments, the step gives ${args.length}`);
    const results = sig.results.map((t, j) => intTypeOf(t, `result ${j} of ${exportName}`));
    const locals = sig.results.map((t, j) => valtypeCode(t, `result ${j} of ${exportName}`));
    const body: number[] = [...args.flatMap(constInstr), OP.call, ...uleb(target.index)];
    for (let j = locals.length - 1; j >= 0; j--) body.push(OP.localSet, ...uleb(j));
    const name = `${PREFIX}step${step}`;
    if (mode === 'return') {
      sig.results.forEach((t, j) => body.push(OP.localGet, ...uleb(j), ...(REINTERPRET[t] !== undefined ? [REINTERPRET[t]!] : [])));
      this.func(name, [], results.map((t) => VALTYPE[t]), locals, body);
      return { call: { export: name, args: [], results }, types: sig.results };
    }
    const resultGlobals: string[] = [];
    sig.results.forEach((t, j) => {
      const g = this.layout.globals.length + this.add.globals.length;
      const intType = results[j]!;
      this.add.globals.push({ valtype: VALTYPE[intType], mutable: true, init: [intType === 'i32' ? 0x41 : 0x42, 0x00, OP.end] });
      const gname = `${PREFIX}result${step}_${j}`;
      this.add.exports.push({ name: gname, kind: 'global', index: g });
      resultGlobals.push(gname);
      body.push(OP.localGet, ...uleb(j), ...(REINTERPRET[t] !== undefined ? [REINTERPRET[t]!] : []), OP.globalSet, ...uleb(g));
    });
    this.func(name, [], [], locals, body);
    return { call: { export: name, args: [], results: [] }, resultGlobals, types: sig.results };
  }

  /** A nullary reader of global `index` (shared by every step that reads it). */
  globalReader(index: number): { call: ProbeCall; type: SigType } {
    const g = this.layout.globals[index];
    if (!g) throw new ProbeUnsupported(`no global ${index}`);
    const result = intTypeOf(g.type, `global ${index}`);
    let name = this.globalReaders.get(index);
    if (name === undefined) {
      name = `${PREFIX}global${index}`;
      this.globalReaders.set(index, name);
      const reinterpret = REINTERPRET[g.type];
      this.func(name, [], [VALTYPE[result]], [], [OP.globalGet, ...uleb(index), ...(reinterpret !== undefined ? [reinterpret] : [])]);
    }
    return { call: { export: name, args: [], results: [result] }, type: g.type };
  }

  /** Reads of `region`: 8 bytes at a time, then single bytes for the tail. */
  memoryReads(region: MemoryRegion): ProbeCall[] {
    const memory = this.memoryIndex();
    const is64 = this.layout.memories[memory]!.is64;
    if (this.peekMemory === undefined) {
      this.peekMemory = memory;
      const addr = is64 ? VALTYPE.i64 : VALTYPE.i32;
      const memarg = (align: number): number[] => (memory === 0 ? [align, 0] : [align | 0x40, ...uleb(memory), 0]);
      this.func(`${PREFIX}peek64`, [addr], [VALTYPE.i64], [], [OP.localGet, 0, OP.i64Load, ...memarg(0)]);
      this.func(`${PREFIX}peek8`, [addr], [VALTYPE.i32], [], [OP.localGet, 0, OP.i32Load8u, ...memarg(0)]);
    }
    const length = region.hex.length / 2;
    const addrType: IntType = is64 ? 'i64' : 'i32';
    const calls: ProbeCall[] = [];
    let at = 0;
    for (; at + 8 <= length; at += 8) calls.push({ export: `${PREFIX}peek64`, args: [{ type: addrType, bits: BigInt(region.offset + at) }], results: ['i64'] });
    for (; at < length; at++) calls.push({ export: `${PREFIX}peek8`, args: [{ type: addrType, bits: BigInt(region.offset + at) }], results: ['i32'] });
    return calls;
  }

  /** Memory expectations look at the exported `memory`, else memory 0 (Expectation.memory). */
  private memoryIndex(): number {
    const exported = this.layout.exports.get('memory');
    const index = exported?.kind === 'memory' ? exported.index : 0;
    if (this.layout.memories[index] === undefined) throw new ProbeUnsupported('a memory expectation on a module without memory');
    return index;
  }

  exportedGlobal(name: string): number {
    const e = this.layout.exports.get(name);
    if (!e || e.kind !== 'global') throw new ProbeUnsupported(`the module exports no global ${JSON.stringify(name)}`);
    return e.index;
  }
}
