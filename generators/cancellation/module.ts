/**
 * The module of a `cancellation` case: `run()` plays the program's segments and returns `g`,
 * `probe()` returns `g`, and `t0 … t_depth` form the loop-free call tree. Guest bytes sit at
 * offset 0 and at the end of memory (see ../cancellation-model.ts). Defined function order is part
 * of the model's contract: run (0), probe (1), the tree levels (2 …).
 */
import type { Feature } from '../../src/features.ts';
import type { BModule, Expr } from '../../src/wasm/builder.ts';
import { binaryen, buildModule } from '../../src/wasm/builder.ts';
import type { Program } from '../cancellation-model.ts';
import { GUEST_PATTERN, MEMORY_BYTES, slots, TAIL_PATTERN } from '../cancellation-model.ts';

const NAME = 'cancellation';

/** `run`'s function index: after the two suspending imports when the program suspends. */
export function runIndex(prog: Program): number {
  return suspends(prog) ? 2 : 0;
}

const suspends = (prog: Program): boolean => prog.segments.some((s) => s.k === 'yield' || s.k === 'block');

export function buildBytes(prog: Program, feats: readonly Feature[]): Uint8Array {
  const { i32, none } = binaryen;
  return buildModule(NAME, feats, (m: BModule) => {
    if (suspends(prog)) {
      m.addFunctionImport('yield', 'trapcheck:host', 'yield', none, none);
      m.addFunctionImport('block', 'trapcheck:host', 'block', none, i32);
    }
    const enc = new TextEncoder();
    m.setMemory(1, 1, 'memory', [
      { offset: m.i32.const(0), data: enc.encode(GUEST_PATTERN), passive: false },
      { offset: m.i32.const(MEMORY_BYTES - TAIL_PATTERN.length), data: enc.encode(TAIL_PATTERN), passive: false },
    ]);
    m.addGlobal('g', i32, true, m.i32.const(0));
    m.addGlobalExport('g', 'g');
    const bump = (): Expr => m.global.set('g', m.i32.add(m.global.get('g', i32), m.i32.const(1)));
    const at = slots(prog);
    const body: Expr[] = [];
    let loops = 0;
    prog.segments.forEach((s, idx) => {
      const addr = at[idx]!;
      switch (s.k) {
        case 'store':
          body.push(m.i32.store(0, 4, m.i32.const(addr), m.i32.const(s.value)));
          break;
        case 'bump':
          body.push(bump());
          break;
        case 'yield':
          body.push(m.call('yield', [], none));
          break;
        case 'block':
          body.push(m.i32.store(0, 4, m.i32.const(addr), m.call('block', [], i32)));
          break;
        case 'loop': {
          const label = `l${loops++}`;
          const i = (): Expr => m.local.get(0, i32);
          body.push(
            m.local.set(0, m.i32.const(0)),
            m.loop(
              label,
              m.block(null, [
                m.i32.store(0, 4, m.i32.add(m.i32.const(addr), m.i32.shl(i(), m.i32.const(2))), m.i32.add(i(), m.i32.const(1))),
                m.local.set(0, m.i32.add(i(), m.i32.const(1))),
                m.br(label, m.i32.lt_u(i(), m.i32.const(s.n))),
              ]),
            ),
          );
          break;
        }
        case 'fill':
          body.push(m.memory.fill(m.i32.const(addr), m.i32.const(s.byte), m.i32.const(s.len)));
          break;
        case 'tree':
          body.push(m.call('t0', [], none));
          break;
      }
    });
    if (prog.trap === 'unreachable') body.push(m.unreachable());
    if (prog.trap === 'div-zero') body.push(m.drop(m.i32.div_s(m.global.get('g', i32), m.i32.const(0))));
    if (prog.trap === 'oob-straddle') body.push(m.i32.store(0, 1, m.i32.const(MEMORY_BYTES - 2), m.i32.const(0x01020304)));
    body.push(m.global.get('g', i32));
    m.addFunction('run', none, i32, [i32], m.block(null, body, i32));
    m.addFunctionExport('run', 'run');
    m.addFunction('probe', none, i32, [], m.global.get('g', i32));
    m.addFunctionExport('probe', 'probe');
    const usesTree = prog.segments.some((s) => s.k === 'tree');
    for (let d = 0; d <= prog.treeDepth && usesTree; d++) {
      const next = `t${d + 1}`;
      m.addFunction(`t${d}`, none, none, [], d === prog.treeDepth ? bump() : m.block(null, [m.call(next, [], none), m.call(next, [], none)]));
    }
  });
}

