;; WasmEdge#4258: AOT infinite recursion of a v128-returning function segfaults where the
;; interpreter and JIT report stack overflow. v128 is not callable from the host, so a
;; wrapper export drives it.
(module
  (func $r (result v128)
    v128.const i32x4 1 2 3 4
    call $r
    i32x4.add
    unreachable)
  (func (export "run")
    (drop (call $r))))
