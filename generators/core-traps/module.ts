/**
 * Params → module bytes and the exact expected state: the memory (end-of-memory pattern,
 * tracked prefix writes, watched target bytes), the exported globals, the probe's value, and
 * the index of the function holding the trap (for the context, ./context.ts).
 */
import type { Feature } from '../../src/features.ts';
import { FEATURES } from '../../src/features.ts';
import type { BytePatch, Expr } from '../../src/wasm/builder.ts';
import { binaryen, buildModule, i64c } from '../../src/wasm/builder.ts';
import { MemoryModel, mix } from '../state.ts';
import type { CoreTrapParams, PrefixOp, Use } from './params.ts';
import type { Builder } from './placement.ts';
import { Fn, addFunction, g1Value, level, prefixBits } from './placement.ts';
import type { SiteCtx, SiteDef } from './site.ts';
import { PAGE, c32, detailOf, u32 } from './site.ts';
import { TABLE_USERS, siteByKey } from './sites.ts';
import { passiveData } from './sites-bulk-memory.ts';

export const NAME = 'core-traps';

/** Table slots: 0 = id0 (()->i32), 1 = takes_i32 ((i32)->i32), 2 = null, then call_indirect helpers, then 2 prefix slots. */
const ID_VALUES = [0x1d0, 0x1d1, 0x1d2];
const PATTERN = [0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7];

export interface Built {
  bytes: Uint8Array;
  site: SiteDef;
  detail: string;
  model: MemoryModel;
  memSize: number;
  features: Feature[];
  use: Use;
  probe: number;
  globals: { g0: number; g1: bigint };
  /** `value:<operand>` → class of what the site emitted (and of the first memory.grow delta). */
  values: Record<string, string>;
  /** Function index of the function holding the trapping statement; undefined for segment sites. */
  siteFn: number | undefined;
}

/** Features in the registry's order, so equal sets compare equal. */
export function orderedFeatures(set: ReadonlySet<Feature>): Feature[] {
  return FEATURES.filter((f) => set.has(f));
}

function featuresOf(site: SiteDef, p: CoreTrapParams): Set<Feature> {
  const set = new Set<Feature>(['mutable-globals', ...site.features]);
  if (!site.segment && p.prefix.some((op) => op.op === 'table')) set.add('reference-types');
  return set;
}

/** The module's active data segment that traps (site `data-segment`): [offset, length]. */
function oobDataSegment(detail: string, memSize: number, p: CoreTrapParams): [number, number] {
  const j = 1 + (p.a % 8);
  if (detail === 'straddle') return [memSize - j, j + 1 + (p.b % 8)];
  if (detail === 'past-end') return [memSize + (p.a % 16), 1 + (p.b % 8)];
  if (detail === 'len0-past-end') return [memSize + 1 + (p.a % 16), 0];
  return [u32(0xfffffff0 + (p.a % 8)), 1 + (p.b % 32)];
}

/** The result `memory.grow(delta)` gives on a memory of `pages` whose maximum is `pages`: the spec fixes both. */
export const growResult = (delta: number, pages: number): number => (delta >>> 0 === 0 ? pages : -1);

export function buildCore(p: CoreTrapParams): Built {
  const site = siteByKey(p.site);
  const detail = detailOf(site, p);
  const pages = site.pages ? site.pages(detail, p) : p.pages;
  const memSize = pages * PAGE;
  const model = new MemoryModel(memSize);
  const features = featuresOf(site, p);
  const nCI = site.segment ? 0 : p.wrappers.filter((w) => w.kind === 'call_indirect').length;
  const firstPrefixSlot = 3 + nCI;
  // The table (and its functions) only when something uses it: fewer functions, faster emit.
  const needTable = TABLE_USERS.has(site.site) || nCI > 0 || (!site.segment && p.prefix.some((op) => op.op === 'table'));
  const tableSize = firstPrefixSlot + 2;
  const patches: BytePatch[] = [];
  const values: Record<string, string> = {};
  const globals = { g0: p.g0 | 0, g1: g1Value(p.g1) };
  let actualUse: Use = 'stmt';
  let probe = 0;
  let siteFn: number | undefined;

  const bytes = buildModule(
    NAME,
    orderedFeatures(features),
    (m) => {
      const segments: { name: string; data: Uint8Array; passive: boolean; offset: Expr }[] = [];
      if (pages > 0) {
        segments.push({ name: 'end', data: Uint8Array.from(PATTERN), passive: false, offset: c32(m, memSize - PATTERN.length) });
        model.writeBytes(memSize - PATTERN.length, Uint8Array.from(PATTERN));
      }
      if (site.passive) segments.push({ name: 'pass', data: passiveData(p), passive: true, offset: 0 });
      if (site.key === 'data-segment') {
        const [offset, len] = oobDataSegment(detail, memSize, p);
        segments.push({ name: 'oob', data: new Uint8Array(len).fill(0x5a), passive: false, offset: c32(m, offset) });
      }
      m.setMemory(pages, pages, 'memory', segments, false);

      m.addGlobal('g0', binaryen.i32, true, c32(m, globals.g0));
      m.addGlobal('g1', binaryen.i64, true, i64c(m, globals.g1));
      m.addGlobal('one', binaryen.i32, true, m.i32.const(1));
      m.addGlobalExport('g0', 'g0');
      m.addGlobalExport('g1', 'g1');

      if (needTable) {
        for (let i = 0; i < 3; i++) m.addFunction(`id${i}`, binaryen.none, binaryen.i32, [], c32(m, ID_VALUES[i]!));
        m.addFunction('takes_i32', binaryen.createType([binaryen.i32]), binaryen.i32, [], m.local.get(0, binaryen.i32));
        m.addTable('t', tableSize, tableSize);
      }

      const ctx: SiteCtx = { m, memSize, tableSize, model, patches, helpers: new Set(), detail, p, values };
      const b: Builder = { m, p, site, ctx, labels: 0, helperFns: [], ciSlots: [], prefixAt: [], firstPrefixSlot, appliedUse: 'stmt', siteFn: '', siteFnIndex: undefined };
      const slots = [0, 0]; // prefix table slots start as id0

      if (!site.segment) {
        // Prefix effects, in execution order (level by level), mirrored in the model.
        const depth = p.wrappers.length;
        const ops = p.prefix.filter((op) => !(op.op === 'mem' && pages === 0));
        for (let lv = 0; lv <= depth; lv++) {
          const here = ops.filter((op) => Math.min(op.level, depth) === lv);
          b.prefixAt[lv] = here;
          for (const op of here) applyPrefix(op, model, globals, slots, pages, values);
        }
        const entryFn = new Fn('entry', 0);
        const body = level(b, 0, entryFn);
        addFunction(b, 'entry', entryFn.vars, body);
        if (p.stage === 'start') m.setStart(m.getFunction('entry'));
        else m.addFunctionExport('entry', 'run');
      } else if (site.key === 'elem-segment') {
        const j = 1 + (p.a % 3);
        const [offset, n] =
          detail === 'straddle' ? [tableSize - j, j + 1 + (p.b % 3)] : detail === 'past-end' ? [tableSize + (p.a % 4), 1 + (p.b % 3)] : [tableSize + 1 + (p.a % 4), 0];
        m.addActiveElementSegment('t', 'oob', Array.from({ length: n }, (_, i) => `id${i % 3}`), c32(m, offset));
      }

      // Table contents: [id0, takes_i32, null, ...call_indirect helpers, id0, id0].
      if (needTable) {
        m.addActiveElementSegment('t', 'e0', ['id0', 'takes_i32'], m.i32.const(0));
        m.addActiveElementSegment('t', 'e1', [...b.ciSlots, 'id0', 'id0'], m.i32.const(3));
      }

      // probe(): folds the state into one i32, computed here too.
      let acc = p.salt | 0;
      let e: Expr = c32(m, acc);
      const fold = (x: Expr, v: number): void => {
        e = m.i32.add(m.i32.mul(e, m.i32.const(31)), x);
        acc = mix(acc, v);
      };
      fold(m.global.get('g0', binaryen.i32), globals.g0);
      fold(m.i32.wrap(m.global.get('g1', binaryen.i64)), Number(BigInt.asIntN(32, globals.g1)));
      const seen = new Set<number>();
      for (const op of p.prefix) {
        if (op.op !== 'mem' || pages === 0 || site.segment || seen.has(op.at)) continue;
        seen.add(op.at);
        fold(m.i32.load(0, 1, c32(m, op.at)), model.readU32(op.at));
      }
      if (pages > 0) fold(m.i32.load(0, 4, c32(m, memSize - 4)), model.readU32(memSize - 4));
      if (needTable) for (const s of [0, 1]) fold(m.call_indirect('t', c32(m, firstPrefixSlot + s), [], binaryen.none, binaryen.i32), ID_VALUES[slots[s]!]!);
      m.addFunction('probe', binaryen.none, binaryen.i32, [], e);
      m.addFunctionExport('probe', 'probe');
      probe = acc;
      actualUse = b.appliedUse;
      if (!site.segment) siteFn = b.siteFnIndex ?? fail(`${NAME}: the function holding the trap (${b.siteFn}) was never added`);
    },
    patches,
  );
  return { bytes, site, detail, model, memSize, features: orderedFeatures(features), use: actualUse, probe, globals, values, siteFn };
}

function fail(message: string): never {
  throw new Error(message);
}

/** One prefix effect on the model, the globals and the table slots (as the module will run it). */
function applyPrefix(op: PrefixOp, model: MemoryModel, globals: { g0: number; g1: bigint }, slots: number[], pages: number, values: Record<string, string>): void {
  switch (op.op) {
    case 'mem':
      return model.write(op.at, op.width, prefixBits(op));
    case 'global':
      if (op.g === 0) globals.g0 = op.value | 0;
      else globals.g1 = g1Value(op.value);
      return;
    case 'table':
      slots[op.slot] = op.fn;
      return;
    case 'grow':
      globals.g0 = growResult(op.delta.value, pages);
      values['value:grow-delta'] ??= op.delta.class;
      return;
  }
}
