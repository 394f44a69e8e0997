;; Finding on Bun 1.4.5 (JavaScriptCore d6375c72affe): instructions after `unreachable` (and after
;; `br`, `return`, `return_call_indirect` …) are not type-checked, so this module is accepted
;; (WebAssembly.Module compiles it). Core spec §3.3 (instruction sequences, stack-polymorphic
;; instructions): after `unreachable` the operand stack is polymorphic, but `i32.const 0` pushes
;; an i32 and `i64.eqz` needs an i64: invalid ("type mismatch"). JSC's function parser decodes
;; unreachable code without validating it (parseUnreachableExpression). From the official suite's
;; unreached-invalid.wast:20; the other 60 failures of that file and return_call_indirect.wast:434
;; are the same defect. (Documentation only: the case runs bun-unreachable-code-not-validated.wasm,
;; assembled from this text, since a validating assembler refuses it.)
(module
  (func
    (unreachable)
    (drop (i64.eqz (i32.const 0)))))
