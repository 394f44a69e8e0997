;; Finding on wasm3 0.5.0 (fixed at HEAD c9b579d, which runs the start function while loading):
;; a start function that is function 0 never runs. 0.5.0 defers the start function to the
;; first export lookup and tests `if (function->module->startFunction)` (source/m3_env.c,
;; m3_FindFunction), an index where 0 is a valid function and -1 means none. Core spec 4.5.4
;; (instantiation, last step): the start function is invoked, so g is 1 before any export runs.
(module
  (global $g (export "g") (mut i32) (i32.const 0))
  (func $start (global.set $g (i32.const 1)))
  (func (export "read") (result i32) (global.get $g))
  (start $start))
