/**
 * readModuleView (src/wasm/module-view.ts) parses what binaryen.readBinary parses: same
 * functions (names, imports, bodies), exports and globals, for generated modules of every family;
 * malformed bytes give binaryen's error.
 */
import { describe, expect, it } from 'vitest';
import { FAMILY_NAMES, generateCase } from '../../generators/index.ts';
import { binaryen } from '../../src/wasm/builder.ts';
import type { ModuleReader } from '../../src/wasm/module-view.ts';
import { readModuleView } from '../../src/wasm/module-view.ts';

function summary(m: ModuleReader): unknown {
  const functions = Array.from({ length: m.getNumFunctions() }, (_, i) => {
    const f = binaryen.getFunctionInfo(m.getFunctionByIndex(i));
    return { name: f.name, module: f.module, base: f.base, params: f.params, results: f.results, vars: f.vars, body: f.body ? binaryen.emitText(f.body) : '' };
  });
  const exports = Array.from({ length: m.getNumExports() }, (_, i) => binaryen.getExportInfo(m.getExportByIndex(i)));
  const globals = Array.from({ length: m.getNumGlobals() }, (_, i) => binaryen.getGlobalInfo(m.getGlobalByIndex(i)).name);
  return { functions, exports, globals, features: m.getFeatures() };
}

describe('readModuleView', () => {
  it.each(FAMILY_NAMES)('%s: reads generated modules as binaryen.readBinary does', (family) => {
    for (let i = 0; i < 8; i++) {
      const bytes = generateCase(family, 11, i).modules[0]!.bytes;
      const full = binaryen.readBinary(bytes);
      const view = readModuleView(bytes);
      try {
        full.setFeatures(binaryen.Features.All);
        view.setFeatures(binaryen.Features.All);
        expect(summary(view)).toEqual(summary(full));
      } finally {
        full.dispose();
        view.dispose();
      }
    }
  });

  it('throws binaryen’s message for bytes it cannot parse', () => {
    // binaryen.readBinary says the same for both
    expect(() => readModuleView(Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 0x7f]))).toThrow(/^error in parsing wasm binary$/);
    expect(() => readModuleView(Uint8Array.from([1, 2, 3]))).toThrow(/^error in parsing wasm binary$/);
  });
});
