;; Finding on wasm3 0.5.0 (fixed at HEAD c9b579d): a start function that traps does not fail
;; instantiation. 0.5.0 loads the module, runs the start function only at the first export
;; lookup (m3_FindFunction → m3_RunStart), reports its trap on that call, and because the start
;; index is reset only after a successful run, runs it again on the next call, which then
;; proceeds on the half-initialised instance. Core spec 4.5.4: instantiation invokes the start
;; function, and its trap is the result of instantiation; no instance exists afterwards.
(module
  (func (export "probe") (result i32) (i32.const 7))
  (func $start unreachable)
  (start $start))
