;; WAMR iwasm finding (thread-panic seed 1 path 74): main traps "out of bounds memory access" while its three
;; spawned threads have finished. iwasm prints `Exception: out of bounds memory access` and should
;; exit 1, but now and then (a race in process teardown, after the exception line) it dies of SIGABRT
;; (status 134). A trap must end the process as a trap, never as a runtime crash. Seen on 2.0.0 and
;; 2.4.5 classic; intermittent, so this case fails only on the runs that hit the race.
(module
  (type $t0 (func))
  (type $t1 (func (param i32)))
  (type $t2 (func (param i32 i32 i32 i32) (result i32)))
  (type $t3 (func (param i32) (result i32)))
  (type $t4 (func (param i32 i32)))
  (type $t5 (func (param i32 i32 i32 i32)))
  (import "env" "memory" (memory $env.memory 1 1 shared))
  (import "wasi" "thread-spawn" (func $wasi.thread-spawn (type $t3)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $wasi_snapshot_preview1.proc_exit (type $t1)))
  (import "wasi_snapshot_preview1" "fd_write" (func $wasi_snapshot_preview1.fd_write (type $t2)))
  (import "wasi_snapshot_preview1" "fd_read" (func $wasi_snapshot_preview1.fd_read (type $t2)))
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $wasi_snapshot_preview1.poll_oneoff (type $t2)))
  (func $f5 (type $t0)
    loop $L0
      i32.const 4
      i32.const 0
      i64.const -1
      memory.atomic.wait32
      drop
      br $L0
    end
    unreachable)
  (func $f6 (type $t4) (param $p0 i32) (param $p1 i32)
    (local $l2 i32)
    loop $L0
      local.get $p0
      i32.atomic.load
      local.set $l2
      local.get $l2
      local.get $p1
      i32.ge_s
      if $I1
        return
      end
      local.get $p0
      local.get $l2
      i64.const -1
      memory.atomic.wait32
      drop
      br $L0
    end
    unreachable)
  (func $f7 (type $t0)
    i32.const 0
    i32.const 1
    i32.atomic.rmw.add
    drop
    i32.const 0
    i32.const -1
    memory.atomic.notify
    drop)
  (func $f8 (type $t0)
    (local $l0 i32)
    loop $L0
      local.get $l0
      i32.const 1
      i32.add
      local.set $l0
      local.get $l0
      i32.const 13100
      i32.lt_u
      br_if $L0
    end)
  (func $f9 (type $t5) (param $p0 i32) (param $p1 i32) (param $p2 i32) (param $p3 i32)
    local.get $p3
    local.get $p1
    i32.store
    local.get $p3
    local.get $p2
    i32.store offset=4
    local.get $p0
    local.get $p3
    i32.const 1
    local.get $p3
    i32.const 8
    i32.add
    call $wasi_snapshot_preview1.fd_write
    drop)
  (func $f10 (type $t1) (param $p0 i32)
    local.get $p0
    i32.const 16
    i32.add
    i64.const 0
    i64.store
    local.get $p0
    i32.const 16
    i32.add
    i32.const 0
    i32.store8 offset=8
    local.get $p0
    i32.const 16
    i32.add
    i32.const 1
    i32.store offset=16
    local.get $p0
    i32.const 16
    i32.add
    i64.const 101000000
    i64.store offset=24
    local.get $p0
    i32.const 16
    i32.add
    i64.const 0
    i64.store offset=32
    local.get $p0
    i32.const 16
    i32.add
    i32.const 0
    i32.store16 offset=40
    local.get $p0
    i32.const 16
    i32.add
    local.get $p0
    i32.const 64
    i32.add
    i32.const 1
    local.get $p0
    i32.const 12
    i32.add
    call $wasi_snapshot_preview1.poll_oneoff
    drop)
  (func $f11 (type $t1) (param $p0 i32)
    local.get $p0
    local.get $p0
    i32.const 96
    i32.add
    i32.store
    local.get $p0
    i32.const 16
    i32.store offset=4
    i32.const 0
    local.get $p0
    i32.const 1
    local.get $p0
    i32.const 8
    i32.add
    call $wasi_snapshot_preview1.fd_read
    drop)
  (func $f12 (type $t3) (param $p0 i32) (result i32)
    local.get $p0
    i32.const 1
    i32.add
    call $f12
    i32.const 1
    i32.add)
  (func $f13 (type $t0)
    i32.const 65592
    i32.load
    drop
    unreachable)
  (func $f14 (type $t0)
    (local $l0 i32)
    call $f7
    i32.const 20
    i32.const 1
    i32.atomic.store
    i32.const 20
    i32.const -1
    memory.atomic.notify
    drop)
  (func $f15 (type $t0)
    (local $l0 i32)
    call $f7
    i32.const 24
    i32.const 1
    i32.atomic.store
    i32.const 24
    i32.const -1
    memory.atomic.notify
    drop)
  (func $f16 (type $t0)
    (local $l0 i32)
    call $f7
    i32.const 28
    i32.const 1
    i32.atomic.store
    i32.const 28
    i32.const -1
    memory.atomic.notify
    drop)
  (func $wasi_thread_start (export "wasi_thread_start") (type $t4) (param $p0 i32) (param $p1 i32)
    local.get $p1
    i32.const 1
    i32.eq
    if $I0
      call $f14
    end
    local.get $p1
    i32.const 2
    i32.eq
    if $I1
      call $f15
    end
    local.get $p1
    i32.const 3
    i32.eq
    if $I2
      call $f16
    end)
  (func $_start (export "_start") (type $t0)
    (local $l0 i32)
    i32.const 1
    call $wasi.thread-spawn
    i32.const 0
    i32.le_s
    if $I0
      unreachable
    end
    i32.const 2
    call $wasi.thread-spawn
    i32.const 0
    i32.le_s
    if $I1
      unreachable
    end
    i32.const 3
    call $wasi.thread-spawn
    i32.const 0
    i32.le_s
    if $I2
      unreachable
    end
    i32.const 0
    i32.const 3
    call $f6
    i32.const 2
    i32.const 4096
    i32.const 26
    i32.const 1024
    call $f9
    call $f13)
  (data $d0 (i32.const 4096) "thread 0 ends the process\0a")
  (data $d1 (i32.const 4160) "joined\0a")
  (data $d2 (i32.const 4224) "spawn failed\0a"))
