;; bug-catalog #50 (lunatic#113 → 36882cb): a linked process's death is signalled as
;; LinkDied(id, tag, Normal|Failure). Normal is ignored by the peer (the link entry is removed),
;; Failure kills a peer with die_when_link_dies on (the default) or becomes a LinkDied(tag)
;; message when it is off. Here: the child failedfailedtraps and the parent keeps the default.
;; The parent waits with a timeout (virtual time): 9027 means "nothing arrived".
(module
  (import "lunatic::process" "spawn" (func $spawn (param i64 i64 i64 i32 i32 i32 i32 i32) (result i32)))
  (import "lunatic::process" "die_when_link_dies" (func $die_when_link_dies (param i32)))
  (import "lunatic::message" "receive" (func $receive (param i32 i32 i64) (result i32)))
  (import "lunatic::message" "get_tag" (func $get_tag (result i64)))
  (memory (export "memory") 1)
  (data (i32.const 100) "child")
  (func (export "child") unreachable)
  (func (export "_start")
    
    (i32.store (i32.const 16) (call $spawn (i64.const 42) (i64.const -1) (i64.const -1) (i32.const 100) (i32.const 5) (i32.const 0) (i32.const 0) (i32.const 24)))
    (i32.store (i32.const 32) (call $receive (i32.const 0) (i32.const 0) (i64.const 100)))
    (if (i32.eq (i32.load (i32.const 32)) (i32.const 1)) (then (i64.store (i32.const 40) (call $get_tag))))))
