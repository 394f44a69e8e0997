;; bug-catalog #49, second half (lunatic b9354c9, trap-catch API): `lunatic::trap::catch(f, p)` calls
;; the export `_lunatic_catch_trap(f, p)` through the host; a trap there makes catch return 0, the
;; process stays alive and usable, and the writes made before the trap persist (no rollback, L1).
(module
  (import "lunatic::trap" "catch" (func $catch (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_lunatic_catch_trap") (param $f i32) (param $p i32) (result i32)
    (i32.store (local.get $p) (i32.const 0x11223344))
    (if (local.get $f) (then unreachable))
    (i32.const 5))
  (func (export "_start")
    (i32.store (i32.const 64) (call $catch (i32.const 1) (i32.const 32)))
    (i32.store (i32.const 68) (call $catch (i32.const 0) (i32.const 36)))))
