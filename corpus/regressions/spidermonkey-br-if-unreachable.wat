;; Finding on SpiderMonkey 102 (gjs 1.74.2): after `unreachable`, `br_if 0` leaves a value of any
;; type on the stack instead of the label's [i64], so `i64.extend_i32_u` validates and the module
;; is accepted (WebAssembly.validate → true). Core spec 2.0 §3.3.8 br_if: [t* i32] → [t*] with t*
;; the label's result type, here i64; i64.extend_i32_u then needs an i32: invalid ("type
;; mismatch"). From the official suite's unreached-invalid.wast:686. (Documentation only: the case
;; runs spidermonkey-br-if-unreachable.wasm, assembled from this text, since a validating assembler
;; refuses it.)
(module
  (func (result i64)
    (unreachable)
    (br_if 0)
    (i64.extend_i32_u)))
