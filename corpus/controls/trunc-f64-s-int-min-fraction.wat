;; WebAssembly/spec#1224: spec interpreter, JSC, wabt and binaryen trapped; V8 and SpiderMonkey
;; did not. Per the spec, truncate first: -2147483648.1 truncates to -2147483648, which is
;; representable, so there is no trap.
(module
  (func (export "spec1224")
    (drop (i32.trunc_f64_s (f64.const -2147483648.1))))
  (func (export "value") (result i32)
    (i32.trunc_f64_s (f64.const -2147483648.1))))
