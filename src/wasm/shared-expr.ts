/**
 * An expression tree built once per binaryen module and reused by that module's later builds.
 *
 * Why: building an expression costs about as much in binaryen as emitting it (~0.3 µs a node,
 * mostly C++ exception trampolines; `copyExpression` costs the same), and some functions are
 * identical in every module of a family (wasi-exit's `write_all`: ~60 nodes). The module that
 * generators build in is reused (./module-reuse.ts) and empties itself by removing functions,
 * which leaves their bodies in its arena, untouched: nothing in a build (addFunction, validate,
 * emit at optimize level 0) changes an expression. So the tree built for one build can be the
 * body of the same function in the next. A fresh module (the first build, a rebuild, after a
 * recycle) builds its own: the WeakMap forgets disposed modules.
 *
 * `make` is given at module scope (a `SharedExpr` is a top-level constant), so it cannot see a
 * case's parameters: the tree is the same whoever asks first. It may use the module's memory
 * (loads and stores name the memory present when they are built: call `in` after setMemory).
 */
import type binaryen from 'binaryen';

type BModule = binaryen.Module;
type Expr = binaryen.ExpressionRef;

export class SharedExpr {
  private readonly built = new WeakMap<BModule, Expr>();

  constructor(private readonly make: (m: BModule) => Expr) {}

  /**
   * The tree in `m`, built on first use. Use it once per build: binaryen IR gives an expression
   * one parent (validate and emit do not check it, and emit a second use as a copy; a pass would
   * not cope).
   */
  in(m: BModule): Expr {
    let e = this.built.get(m);
    if (e === undefined) {
      e = this.make(m);
      this.built.set(m, e);
    }
    return e;
  }
}
