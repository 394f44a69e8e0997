/**
 * One binaryen module per thread, emptied and reused from one build to the next.
 *
 * Why: `new binaryen.Module()` builds binaryen.js's whole JS API object (well over a thousand
 * closures bound to the module pointer) and costs ~260 µs: more than building, validating and
 * emitting a generated module. The C module behind it costs 0.4 µs. Reusing the wrapper removes
 * that cost; the emitted bytes stay those of a fresh module, because after `empty` the module
 * holds nothing a fresh one lacks, except (see below) a memory that the next `setMemory` replaces.
 *
 * What binaryen.js 132 can and cannot undo:
 *   - exports, functions (imports included), globals, tables, element segments: removed by name;
 *   - memories and data segments: no remove API. `setMemory` replaces every memory and every data
 *     segment (BinaryenSetMemory), so `empty` replaces them with one empty memory under a name
 *     nothing uses (`CARRIED_MEMORY`: a load or store built before `setMemory` names it, and
 *     fails validation as it would with no memory). A build that calls `setMemory` (every
 *     generator's does) never sees it; one that does not is rebuilt on a fresh module (`build`),
 *     and then the carried memory is dropped with remove-unused-module-elements, the only pass
 *     that drops a memory (too slow to run after every build), so builds without memory that
 *     follow it reuse the module.
 *   - the start function: binaryen keeps its name after the function is removed (and `getStart`
 *     then answers 0), and binaryen.js has no call to clear it; the remove-memory-init pass does
 *     (it also removes data segments and the start function), so a module given a start runs it;
 *   - tags, custom sections, debug info, type names cannot be listed or removed: a build that adds
 *     any of them marks the module tainted, and it is discarded.
 * Every `RECYCLE_AFTER` builds the module is discarded anyway: removed functions leave their
 * expressions in the module's arena, which only `dispose` frees.
 */
import binaryen from './binaryen.ts';

type BModule = binaryen.Module;

/** Builds per module before it is disposed (bounds the expression arena; a fresh wrapper then costs ~1 µs per build). */
export const RECYCLE_AFTER = 256;
/** The name of the memory a reused module carries into its next build (never a generator's memory name). */
export const CARRIED_MEMORY = 'trapcheck$carried-memory';

/** The raw C API calls `empty` uses: names stay C strings (binaryen interns them), never JS strings. */
const C = binaryen as unknown as Record<
  | '_BinaryenGetNumExports' | '_BinaryenGetNumFunctions' | '_BinaryenGetNumGlobals' | '_BinaryenGetNumTables'
  | '_BinaryenGetNumElementSegments' | '_BinaryenGetNumDataSegments' | '_BinaryenHasMemory' | '_BinaryenGetStart'
  | '_BinaryenGetExportByIndex' | '_BinaryenGetFunctionByIndex' | '_BinaryenGetGlobalByIndex' | '_BinaryenGetTableByIndex'
  | '_BinaryenGetElementSegmentByIndex' | '_BinaryenExportGetName' | '_BinaryenFunctionGetName' | '_BinaryenGlobalGetName'
  | '_BinaryenTableGetName' | '_BinaryenElementSegmentGetName' | '_BinaryenRemoveExport' | '_BinaryenRemoveFunction'
  | '_BinaryenRemoveGlobal' | '_BinaryenRemoveTable' | '_BinaryenRemoveElementSegment',
  (...args: number[]) => number
>;

/** Removes every element of one kind, last first (no index shifts), by its interned C name. */
function removeAll(p: number, count: number, byIndex: (p: number, i: number) => number, nameOf: (ref: number) => number, remove: (p: number, name: number) => number): void {
  for (let i = count - 1; i >= 0; i--) remove(p, nameOf(byIndex(p, i)));
}

/** Methods whose effect `empty` cannot undo (binaryen.js 132 can neither list nor remove it). */
const TAINTING = ['addTag', 'addTagImport', 'addCustomSection', 'addDebugInfoFileName', 'setDebugLocation', 'setTypeName', 'setFieldName'] as const;

/** How builds were served (tests check that each path is taken when it should be). */
export interface ReuseStats {
  /** Builds on a module that had served a build before. */
  reused: number;
  /** Modules created (the first build, after a discard, after RECYCLE_AFTER builds). */
  created: number;
  /** Modules disposed because they could not be emptied (tainted, failed build). */
  discarded: number;
  /** Modules disposed after RECYCLE_AFTER builds. */
  recycled: number;
  /** Builds that left the carried memory in place and were rebuilt on a fresh module. */
  rebuilt: number;
}

export class ModuleReuse {
  readonly stats: ReuseStats = { reused: 0, created: 0, discarded: 0, recycled: 0, rebuilt: 0 };
  private module: BModule | undefined;
  private builds = 0;
  /** The module holds `CARRIED_MEMORY` (and no data segment) at the start of the build. */
  private carried = false;
  /** The current build called `setMemory`: the carried memory is gone. */
  private replaced = false;
  /** The current build called a TAINTING method. */
  private tainted = false;
  /** The current build called `setStart`. */
  private startSet = false;
  /** The current build was rebuilt (it makes no memory): `empty` drops the carried memory, so builds like it that follow need no rebuild. */
  private dropCarried = false;
  private setMemoryRaw: BModule['setMemory'] | undefined;
  /** A fresh module's features (binaryen's default), restored by `empty`. */
  private defaultFeatures = 0;

  constructor(private readonly recycleAfter = RECYCLE_AFTER) {}

  /**
   * Runs `define` on an empty module and `finish` on what it built; returns what `finish` returns.
   * `define` may run twice (the second time on a fresh module) when it did not call `setMemory`
   * on a module that carried a memory: it must build from its arguments alone.
   */
  build<T>(define: (m: BModule) => void, finish: (m: BModule) => T): T {
    const m = this.acquire();
    let reusable = false;
    try {
      define(m);
      if (this.carried && !this.replaced) {
        this.stats.rebuilt++;
        this.dropCarried = true;
        reusable = !this.tainted;
        return buildFresh(define, finish);
      }
      const out = finish(m);
      reusable = !this.tainted;
      return out;
    } finally {
      this.release(reusable);
    }
  }

  /** Disposes the module (e.g. before a worker exits; the next build creates one). */
  dispose(): void {
    this.module?.dispose();
    this.module = undefined;
  }

  private acquire(): BModule {
    this.replaced = false;
    this.tainted = false;
    this.startSet = false;
    this.dropCarried = false;
    if (this.module) {
      this.stats.reused++;
      return this.module;
    }
    const m = new binaryen.Module();
    this.stats.created++;
    this.builds = 0;
    this.carried = false;
    this.defaultFeatures = m.getFeatures();
    this.setMemoryRaw = m.setMemory.bind(m);
    const setMemory = this.setMemoryRaw;
    m.setMemory = (...args: Parameters<BModule['setMemory']>): void => {
      this.replaced = true;
      setMemory(...args);
    };
    const setStart = m.setStart.bind(m);
    m.setStart = (start: binaryen.FunctionRef): void => {
      this.startSet = true;
      setStart(start);
    };
    for (const name of TAINTING) {
      const method = (m[name] as (...a: unknown[]) => unknown).bind(m);
      (m as unknown as Record<string, unknown>)[name] = (...args: unknown[]): unknown => {
        this.tainted = true;
        return method(...args);
      };
    }
    this.module = m;
    return m;
  }

  private release(reusable: boolean): void {
    const m = this.module;
    if (!m) return;
    this.builds++;
    if (this.builds >= this.recycleAfter) this.stats.recycled++;
    else if (reusable && this.empty(m)) return;
    else this.stats.discarded++;
    this.dispose();
  }

  /** Removes everything the build added; false when something cannot be removed (then the module is discarded). */
  private empty(m: BModule): boolean {
    const p = m.ptr;
    const hasStart = this.startSet || C._BinaryenGetStart(p) !== 0;
    removeAll(p, C._BinaryenGetNumExports(p), C._BinaryenGetExportByIndex, C._BinaryenExportGetName, C._BinaryenRemoveExport);
    removeAll(p, C._BinaryenGetNumElementSegments(p), C._BinaryenGetElementSegmentByIndex, C._BinaryenElementSegmentGetName, C._BinaryenRemoveElementSegment);
    removeAll(p, C._BinaryenGetNumTables(p), C._BinaryenGetTableByIndex, C._BinaryenTableGetName, C._BinaryenRemoveTable);
    removeAll(p, C._BinaryenGetNumFunctions(p), C._BinaryenGetFunctionByIndex, C._BinaryenFunctionGetName, C._BinaryenRemoveFunction);
    // Data segment offsets may read globals: the segments go (setMemory) before the globals do.
    if (C._BinaryenHasMemory(p)) this.setMemoryRaw!(0, 0, null, [], false, false, CARRIED_MEMORY);
    removeAll(p, C._BinaryenGetNumGlobals(p), C._BinaryenGetGlobalByIndex, C._BinaryenGlobalGetName, C._BinaryenRemoveGlobal);
    // The one call that clears the start name (the function it names is already gone).
    if (hasStart) m.runPasses(['remove-memory-init']);
    // With nothing else left, the only thing this pass finds unused is the carried memory.
    if (this.dropCarried) m.runPasses(['remove-unused-module-elements']);
    m.setFeatures(this.defaultFeatures);
    this.carried = C._BinaryenHasMemory(p) !== 0;
    return (
      C._BinaryenGetNumExports(p) === 0 &&
      C._BinaryenGetNumFunctions(p) === 0 &&
      C._BinaryenGetNumGlobals(p) === 0 &&
      C._BinaryenGetNumTables(p) === 0 &&
      C._BinaryenGetNumElementSegments(p) === 0 &&
      C._BinaryenGetNumDataSegments(p) === 0
    );
  }
}

/** The plain path: a module of its own, disposed afterwards. */
export function buildFresh<T>(define: (m: BModule) => void, finish: (m: BModule) => T): T {
  const m = new binaryen.Module();
  try {
    define(m);
    return finish(m);
  } finally {
    m.dispose();
  }
}
