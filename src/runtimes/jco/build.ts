/**
 * Core module + WIT world → a loaded jco binding: `componentEmbed` (adds the world as the
 * `component-type` section) → `componentNew` (wit-component, validating) → `transpile` (sync
 * instantiation: imports are passed per instance, nothing is imported from disk) → the
 * generated ES module, loaded from a `data:` URL so no temp file is ever written or left
 * behind. Builds are cached per (module bytes, world): a campaign re-running identical
 * components pays for wasm-tools and bindgen once.
 */
import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import { componentEmbed, componentNew } from '@bytecodealliance/jco-transpile/wasm-tools';
import { transpileBytes } from '@bytecodealliance/jco-transpile';
import { wasiImports } from './host-imports.ts';
import { WORLD_NAME } from './world.ts';
import type { WasmInstance, WasmModule } from '../../runtime/wasm-api.ts';
import { WA } from '../../runtime/wasm-api.ts';

/** What jco's generated instantiate() returns: one JS function per world export (camelCase). */
export type ComponentExports = Record<string, (...args: unknown[]) => unknown>;

export type InstantiateCore = (module: WasmModule, imports: Record<string, Record<string, unknown>>) => WasmInstance;

type GeneratedInstantiate = (getCoreModule: (path: string) => WasmModule, imports: Record<string, unknown>, instantiateCore: InstantiateCore) => ComponentExports;

export interface BuildTimings {
  embedMs: number;
  newMs: number;
  transpileMs: number;
  loadMs: number;
}

export interface BuiltComponent {
  /** Instantiates the component once; `instantiateCore` sees every core instantiation. */
  instantiate(imports: Record<string, unknown>, instantiateCore: InstantiateCore): ComponentExports;
  /** The case's own core module as compiled for the component (the one whose instance holds its memory and globals). */
  mainCore: WasmModule;
  /** The WASI interfaces the component imports, ready to spread into an import object (exit overridden). */
  wasi: Record<string, unknown>;
  timings: BuildTimings;
}

/** The generated module's file name stem (`<name>.js`, `<name>.core.wasm`). */
const NAME = 'component';

const ms = (t0: number): number => Math.round((performance.now() - t0) * 100) / 100;

async function build(core: Uint8Array, wit: string): Promise<BuiltComponent> {
  let t0 = performance.now();
  const embedded = await componentEmbed({ binary: core, witSource: wit, world: WORLD_NAME });
  const embedMs = ms(t0);
  t0 = performance.now();
  const component = await componentNew(embedded, []);
  const newMs = ms(t0);
  t0 = performance.now();
  const { files, imports } = await transpileBytes(component, { name: NAME, instantiation: 'sync', emitTypescriptDeclarations: false, noComponentErrorWrapping: true });
  const transpileMs = ms(t0);
  t0 = performance.now();
  const js = files[`${NAME}.js`];
  if (!js) throw new Error(`jco transpile produced no ${NAME}.js (files: ${Object.keys(files).join(', ')})`);
  const generated = (await import(`data:text/javascript;base64,${Buffer.from(js).toString('base64')}`)) as { instantiate: GeneratedInstantiate };
  const cores = new Map<string, WasmModule>();
  for (const [path, bytes] of Object.entries(files)) if (path.endsWith('.wasm')) cores.set(path, new WA.Module(bytes));
  const mainCore = cores.get(`${NAME}.core.wasm`);
  if (!mainCore) throw new Error(`jco transpile produced no ${NAME}.core.wasm`);
  const getCoreModule = (path: string): WasmModule => {
    const m = cores.get(path);
    if (!m) throw new Error(`jco asked for core module ${path}, which transpile did not produce`);
    return m;
  };
  const wasi = await wasiImports(imports);
  const loadMs = ms(t0);
  return {
    instantiate: (imports, instantiateCore) => generated.instantiate(getCoreModule, imports, instantiateCore),
    mainCore,
    wasi,
    timings: { embedMs, newMs, transpileMs, loadMs },
  };
}

/**
 * A bounded cache of builds. Entries hold promises so that two cases needing the same component
 * share one build; a failed build is not kept (the next case reports the failure afresh).
 */
export class ComponentCache {
  private readonly entries = new Map<string, Promise<BuiltComponent>>();
  /** Generated modules loaded into this process (a `data:` module stays in the ESM cache for good). */
  loaded = 0;

  constructor(private readonly capacity = 256) {}

  static key(core: Uint8Array, wit: string): string {
    return createHash('sha256').update(core).update('\0').update(wit).digest('hex');
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  get(core: Uint8Array, wit: string): { built: Promise<BuiltComponent>; cached: boolean } {
    const key = ComponentCache.key(core, wit);
    const hit = this.entries.get(key);
    if (hit) {
      // refresh recency: Map iteration order is insertion order
      this.entries.delete(key);
      this.entries.set(key, hit);
      return { built: hit, cached: true };
    }
    const built = build(core, wit);
    this.loaded++;
    this.entries.set(key, built);
    built.catch(() => this.entries.delete(key));
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    return { built, cached: false };
  }
}
