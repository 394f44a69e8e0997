/**
 * Deterministic WASI preview1 subset (DESIGN §5 "WASI preview1"). Nothing here reads the host:
 * stdio is captured, stdin comes from the case, clocks are virtual (a fixed start that advances
 * 1 µs per read and by every poll_oneoff sleep), random bytes come from the case id's seed.
 * `proc_exit` throws a preallocated sentinel; it never calls `process.exit`.
 *
 * One WasiHost per case (the "process": stdio, clock, rng, exit state); each instance gets its
 * own import object bound to its own memory (`memory` export, else the first exported memory,
 * else the first imported one), attached once instantiation returns.
 */
import type { Case } from '../../case.ts';
import { caseSeed, createRng } from '../../random.ts';
import {
  CLOCK,
  ERRNO,
  EVENT_FD_READWRITE_HANGUP,
  EVENTTYPE,
  FILETYPE,
  RIGHTS,
  SUBSCRIPTION_CLOCK_ABSTIME,
} from './errno.ts';
import type { WasmMemory } from '../wasm-api.ts';

export const WASI_MODULE = 'wasi_snapshot_preview1';

/** Thrown by `proc_exit` (one preallocated instance per case: no stack capture, ~0.5 µs round trip). */
export class ProcExit {
  code = 0;
}

/** Thrown when a WASI call cannot be served deterministically (e.g. memory access from a start function). */
export class WasiUnsupported {
  constructor(readonly feature: string) {}
}

/**
 * Thrown when the only thread of a process blocks forever (fd_read on a stdin that never closes
 * and has no bytes left): nothing can ever wake it, so the step observes `deadlock` at once.
 * Threaded processes replace this with their own blocking (src/runtime/threads/).
 */
export class Deadlocked {
  readonly deadlocked = true;
}
const DEADLOCKED = new Deadlocked();

/** How a WasiHost shares process state with other threads (wasi-threads); absent: single-threaded. */
export interface WasiSharing {
  stdout: Capture;
  stderr: Capture;
  /** Claims up to `want` of `length` stdin bytes; returns [offset, count]. */
  takeStdin(length: number, want: number): [number, number];
  /** Blocks the calling thread until the process ends (never returns normally). */
  blockForever(): never;
  /** proc_exit: ends the whole process (every thread) with `code`; the caller then unwinds this thread. */
  procExit(code: number): void;
  /** The process's one virtual clock, shared by every thread (the scheduler mode); absent: this host's own. */
  clock?: WasiClock;
}

/** A virtual clock shared by the threads of a process (src/runtime/threads/sched/). */
export interface WasiClock {
  /** ns since the process started. */
  get(): bigint;
  set(ns: bigint): void;
  /** poll_oneoff sleeps until `ns`: returns once the clock reached it (other threads ran meanwhile). */
  sleepUntil(ns: bigint): void;
}

/** Where an instance's WASI calls find linear memory; set after instantiation returns. */
export interface MemoryBinding {
  memory: WasmMemory | undefined;
}

/** Start of the virtual realtime clock: 2023-11-14T22:13:20Z, in ns. */
export const VIRTUAL_EPOCH_NS = 1_700_000_000_000_000_000n;
/** How far the virtual clock moves per clock read, and the resolution clock_res_get reports. */
export const CLOCK_TICK_NS = 1_000n;

/** Most bytes kept per stream: a guest writing in a loop must not exhaust the host before the watchdog fires. */
export const CAPTURE_LIMIT_BYTES = 16 * 1024 * 1024;

/** Output of one stdio stream, kept as chunks and decoded on demand. */
export class Capture {
  private chunks: Uint8Array[] = [];
  private length = 0;
  private decoded = '';
  private decodedLength = 0;
  /** Bytes the guest wrote past CAPTURE_LIMIT_BYTES (reported as written, not kept). */
  dropped = 0;
  write(bytes: Uint8Array): void {
    const room = CAPTURE_LIMIT_BYTES - this.length;
    if (bytes.length > room) {
      this.dropped += bytes.length - Math.max(0, room);
      if (room <= 0) return;
      bytes = bytes.subarray(0, room);
    }
    this.chunks.push(bytes);
    this.length += bytes.length;
  }
  get size(): number {
    return this.length;
  }
  text(): string {
    if (this.decodedLength !== this.length) {
      const all = new Uint8Array(this.length);
      let at = 0;
      for (const c of this.chunks) {
        all.set(c, at);
        at += c.length;
      }
      this.chunks = [all];
      this.decoded = utf8.decode(all);
      this.decodedLength = this.length;
    }
    return this.decoded;
  }
}

const utf8 = new TextDecoder('utf-8');
const utf8Encoder = new TextEncoder();

/** Raised by the memory helpers on an out-of-range pointer; the import returns EFAULT. */
const FAULT = { fault: true };

// The functions this subset implements; a module importing any other preview1 function is
// `unsupported` at instantiation (never a link error, never a crash).
export const WASI_FUNCTIONS = [
  'args_get',
  'args_sizes_get',
  'environ_get',
  'environ_sizes_get',
  'fd_write',
  'fd_read',
  'fd_close',
  'fd_fdstat_get',
  'fd_seek',
  'fd_prestat_get',
  'fd_prestat_dir_name',
  'clock_time_get',
  'clock_res_get',
  'random_get',
  'poll_oneoff',
  'sched_yield',
  'proc_exit',
] as const;
export type WasiFunction = (typeof WASI_FUNCTIONS)[number];
const implemented: ReadonlySet<string> = new Set(WASI_FUNCTIONS);
export function isImplementedWasiFunction(name: string): boolean {
  return implemented.has(name);
}

type Fn = (...args: never[]) => unknown;

export class WasiHost {
  readonly stdout: Capture;
  readonly stderr: Capture;
  readonly exit = new ProcExit();
  /** Set when proc_exit ran, even if the guest caught the sentinel (wasm EH can catch JS throws). */
  exited = false;
  private ownClockNs = 0n;
  private readonly args: Uint8Array[];
  private readonly env: Uint8Array[];
  private stdinBytes: Uint8Array | undefined;
  private stdinPos = 0;
  private rng: (() => number) | undefined;
  private readonly closed = new Set<number>();

  constructor(
    private readonly c: Pick<Case, 'id' | 'wasi'>,
    private readonly sharing?: WasiSharing,
  ) {
    this.stdout = sharing ? sharing.stdout : new Capture();
    this.stderr = sharing ? sharing.stderr : new Capture();
    this.args = (c.wasi?.args ?? [c.id]).map((a) => utf8Encoder.encode(`${a}\0`));
    this.env = (c.wasi?.env ?? []).map((e) => utf8Encoder.encode(`${e}\0`));
  }

  /** The import object for one instance. Only the functions the module imports are needed, but all are cheap closures. */
  importsFor(b: MemoryBinding): Record<WasiFunction, Fn> {
    const guard =
      <A extends unknown[]>(f: (m: WasmMemory, ...a: A) => number) =>
      (...a: A): number => {
        const m = b.memory;
        if (!m) throw new WasiUnsupported('WASI call needs linear memory but the module exports (or imports) none');
        try {
          return f(m, ...a);
        } catch (e) {
          if (e === FAULT) return ERRNO.FAULT;
          throw e;
        }
      };
    return {
      args_get: guard((m, argv: number, buf: number) => this.listGet(m, this.args, argv, buf)),
      args_sizes_get: guard((m, countPtr: number, sizePtr: number) => this.listSizes(m, this.args, countPtr, sizePtr)),
      environ_get: guard((m, envp: number, buf: number) => this.listGet(m, this.env, envp, buf)),
      environ_sizes_get: guard((m, countPtr: number, sizePtr: number) => this.listSizes(m, this.env, countPtr, sizePtr)),
      fd_write: guard((m, fd: number, iovs: number, n: number, out: number) => this.fdWrite(m, fd, iovs, n, out)),
      fd_read: guard((m, fd: number, iovs: number, n: number, out: number) => this.fdRead(m, fd, iovs, n, out)),
      fd_close: (fd: number) => this.fdClose(fd),
      fd_fdstat_get: guard((m, fd: number, out: number) => this.fdFdstatGet(m, fd, out)),
      fd_seek: (fd: number) => (this.isOpenStdio(fd) ? ERRNO.SPIPE : ERRNO.BADF),
      fd_prestat_get: () => ERRNO.BADF,
      fd_prestat_dir_name: () => ERRNO.BADF,
      clock_time_get: guard((m, id: number, _precision: bigint, out: number) => this.clockTimeGet(m, id, out)),
      clock_res_get: guard((m, id: number, out: number) => this.clockResGet(m, id, out)),
      random_get: guard((m, buf: number, len: number) => this.randomGet(m, buf, len)),
      poll_oneoff: guard((m, inPtr: number, outPtr: number, n: number, neventsPtr: number) => this.pollOneoff(m, inPtr, outPtr, n, neventsPtr)),
      sched_yield: () => ERRNO.SUCCESS,
      proc_exit: (code: number) => this.procExit(code),
    };
  }

  procExit(code: number): never {
    this.exited = true;
    this.exit.code = code >>> 0;
    if (this.sharing) this.sharing.procExit(code >>> 0);
    throw this.exit;
  }

  /** The calling thread can never continue (a read that no writer will ever satisfy). */
  private blockForever(): never {
    if (this.sharing) this.sharing.blockForever();
    throw DEADLOCKED;
  }

  /** Whether fd 0 stays open with nothing more to read (the case's `wasi.stdinOpen`). */
  private get stdinNeverCloses(): boolean {
    return this.c.wasi?.stdinOpen === true;
  }

  // --- memory helpers ------------------------------------------------------------------------

  private static view(m: WasmMemory, ptr: number, len: number): DataView {
    const buf = m.buffer;
    if (ptr < 0 || len < 0 || ptr + len > buf.byteLength) throw FAULT;
    return new DataView(buf);
  }
  private static bytes(m: WasmMemory, ptr: number, len: number): Uint8Array {
    const buf = m.buffer;
    if (ptr < 0 || len < 0 || ptr + len > buf.byteLength) throw FAULT;
    return new Uint8Array(buf, ptr, len);
  }

  // --- args / environ --------------------------------------------------------------------------

  private listSizes(m: WasmMemory, list: Uint8Array[], countPtr: number, sizePtr: number): number {
    const size = list.reduce((s, x) => s + x.length, 0);
    WasiHost.view(m, countPtr >>> 0, 4).setUint32(countPtr >>> 0, list.length, true);
    WasiHost.view(m, sizePtr >>> 0, 4).setUint32(sizePtr >>> 0, size, true);
    return ERRNO.SUCCESS;
  }

  private listGet(m: WasmMemory, list: Uint8Array[], ptrs: number, buf: number): number {
    let p = ptrs >>> 0;
    let at = buf >>> 0;
    for (const item of list) {
      WasiHost.view(m, p, 4).setUint32(p, at, true);
      WasiHost.bytes(m, at, item.length).set(item);
      p += 4;
      at += item.length;
    }
    return ERRNO.SUCCESS;
  }

  // --- stdio -----------------------------------------------------------------------------------

  private isOpenStdio(fd: number): boolean {
    return fd >= 0 && fd <= 2 && !this.closed.has(fd);
  }

  private fdWrite(m: WasmMemory, fd: number, iovs: number, n: number, out: number): number {
    const sink = !this.isOpenStdio(fd) ? undefined : fd === 1 ? this.stdout : fd === 2 ? this.stderr : undefined;
    if (!sink) return ERRNO.BADF;
    const count = n >>> 0;
    const dv = WasiHost.view(m, iovs >>> 0, count * 8);
    let written = 0;
    for (let i = 0; i < count; i++) {
      const ptr = dv.getUint32((iovs >>> 0) + i * 8, true);
      const len = dv.getUint32((iovs >>> 0) + i * 8 + 4, true);
      if (len === 0) continue;
      sink.write(WasiHost.bytes(m, ptr, len).slice());
      written += len;
    }
    WasiHost.view(m, out >>> 0, 4).setUint32(out >>> 0, written, true);
    return ERRNO.SUCCESS;
  }

  private stdin(): Uint8Array {
    this.stdinBytes ??= utf8Encoder.encode(this.c.wasi?.stdin ?? '');
    return this.stdinBytes;
  }

  private fdRead(m: WasmMemory, fd: number, iovs: number, n: number, out: number): number {
    if (fd !== 0 || !this.isOpenStdio(0)) return ERRNO.BADF;
    const src = this.stdin();
    const count = n >>> 0;
    const dv = WasiHost.view(m, iovs >>> 0, count * 8);
    let read = 0;
    if (this.sharing) {
      // other threads read the same stdin: claim the bytes under the process lock
      let want = 0;
      for (let i = 0; i < count; i++) want += dv.getUint32((iovs >>> 0) + i * 8 + 4, true);
      this.stdinPos = this.sharing.takeStdin(src.length, 0)[0];
      if (want > 0 && this.stdinPos >= src.length && this.stdinNeverCloses) this.blockForever();
      const [pos, take] = this.sharing.takeStdin(src.length, want);
      this.stdinPos = pos;
      const end = pos + take;
      for (let i = 0; i < count && this.stdinPos < end; i++) {
        const ptr = dv.getUint32((iovs >>> 0) + i * 8, true);
        const len = Math.min(dv.getUint32((iovs >>> 0) + i * 8 + 4, true), end - this.stdinPos);
        WasiHost.bytes(m, ptr, len).set(src.subarray(this.stdinPos, this.stdinPos + len));
        this.stdinPos += len;
        read += len;
      }
      WasiHost.view(m, out >>> 0, 4).setUint32(out >>> 0, read, true);
      return ERRNO.SUCCESS;
    }
    let want = 0;
    for (let i = 0; i < count; i++) want += dv.getUint32((iovs >>> 0) + i * 8 + 4, true);
    if (want > 0 && this.stdinPos >= src.length && this.stdinNeverCloses) this.blockForever();
    for (let i = 0; i < count && this.stdinPos < src.length; i++) {
      const ptr = dv.getUint32((iovs >>> 0) + i * 8, true);
      const len = dv.getUint32((iovs >>> 0) + i * 8 + 4, true);
      const take = Math.min(len, src.length - this.stdinPos);
      WasiHost.bytes(m, ptr, take).set(src.subarray(this.stdinPos, this.stdinPos + take));
      this.stdinPos += take;
      read += take;
    }
    WasiHost.view(m, out >>> 0, 4).setUint32(out >>> 0, read, true);
    return ERRNO.SUCCESS;
  }

  private fdClose(fd: number): number {
    if (!this.isOpenStdio(fd)) return ERRNO.BADF;
    this.closed.add(fd);
    return ERRNO.SUCCESS;
  }

  private fdFdstatGet(m: WasmMemory, fd: number, out: number): number {
    if (!this.isOpenStdio(fd)) return ERRNO.BADF;
    const p = out >>> 0;
    const dv = WasiHost.view(m, p, 24);
    const base = fd === 0 ? RIGHTS.FD_READ : RIGHTS.FD_WRITE;
    dv.setUint8(p, FILETYPE.CHARACTER_DEVICE);
    dv.setUint8(p + 1, 0);
    dv.setUint16(p + 2, 0, true); // fdflags
    dv.setUint32(p + 4, 0, true);
    dv.setBigUint64(p + 8, base | RIGHTS.FD_FDSTAT_SET_FLAGS | RIGHTS.POLL_FD_READWRITE, true);
    dv.setBigUint64(p + 16, 0n, true);
    return ERRNO.SUCCESS;
  }

  // --- clocks, random, poll --------------------------------------------------------------------

  /** Virtual ns since the process started: this host's own, or the process's shared clock. */
  private get clockNs(): bigint {
    return this.sharing?.clock ? this.sharing.clock.get() : this.ownClockNs;
  }
  private set clockNs(ns: bigint) {
    if (this.sharing?.clock) this.sharing.clock.set(ns);
    else this.ownClockNs = ns;
  }

  /** The virtual time of clock `id` now, in ns; undefined for an unknown clock. */
  private clockValue(id: number): bigint | undefined {
    switch (id) {
      case CLOCK.REALTIME:
        return VIRTUAL_EPOCH_NS + this.clockNs;
      case CLOCK.MONOTONIC:
      case CLOCK.PROCESS_CPUTIME:
      case CLOCK.THREAD_CPUTIME:
        return this.clockNs;
      default:
        return undefined;
    }
  }

  private clockTimeGet(m: WasmMemory, id: number, out: number): number {
    if (this.clockValue(id) === undefined) return ERRNO.INVAL;
    this.clockNs += CLOCK_TICK_NS;
    WasiHost.view(m, out >>> 0, 8).setBigUint64(out >>> 0, this.clockValue(id)!, true);
    return ERRNO.SUCCESS;
  }

  private clockResGet(m: WasmMemory, id: number, out: number): number {
    if (this.clockValue(id) === undefined) return ERRNO.INVAL;
    WasiHost.view(m, out >>> 0, 8).setBigUint64(out >>> 0, CLOCK_TICK_NS, true);
    return ERRNO.SUCCESS;
  }

  private randomGet(m: WasmMemory, buf: number, len: number): number {
    const dst = WasiHost.bytes(m, buf >>> 0, len >>> 0);
    this.rng ??= createRng(caseSeed(0, `wasi-random:${this.c.id}`, 0));
    for (let i = 0; i < dst.length; i += 4) {
      let x = this.rng();
      for (let j = 0; j < 4 && i + j < dst.length; j++, x >>>= 8) dst[i + j] = x & 0xff;
    }
    return ERRNO.SUCCESS;
  }

  /**
   * Subscriptions are 48 bytes (userdata u64, tag u8 @8, clock: id u32 @16, timeout u64 @24,
   * precision u64 @32, flags u16 @40; fd: fd u32 @16); events are 32 bytes (userdata u64,
   * error u16 @8, type u8 @10, nbytes u64 @16, flags u16 @24). Ready fd events are reported
   * at once; otherwise the virtual clock jumps to the earliest clock deadline (a virtual sleep).
   * stdin is ready when bytes remain, or at EOF (HANGUP); a stdin declared never-closing
   * (`wasi.stdinOpen`) with nothing left is not ready, and a poll that waits only for it blocks
   * forever (deadlock when it is the only thread).
   */
  private pollOneoff(m: WasmMemory, inPtr: number, outPtr: number, n: number, neventsPtr: number): number {
    const count = n >>> 0;
    if (count === 0) return ERRNO.INVAL;
    const inp = inPtr >>> 0;
    const out = outPtr >>> 0;
    const dv = WasiHost.view(m, inp, count * 48);
    WasiHost.view(m, out, count * 32);
    WasiHost.view(m, neventsPtr >>> 0, 4);
    type Ev = { userdata: bigint; error: number; type: number; nbytes: bigint; flags: number };
    const fdEvents: Ev[] = [];
    const clocks: Array<{ userdata: bigint; deadline: bigint; error: number }> = [];
    for (let i = 0; i < count; i++) {
      const s = inp + i * 48;
      const userdata = dv.getBigUint64(s, true);
      const tag = dv.getUint8(s + 8);
      if (tag === EVENTTYPE.CLOCK) {
        const id = dv.getUint32(s + 16, true);
        const timeout = dv.getBigUint64(s + 24, true);
        const flags = dv.getUint16(s + 40, true);
        const now = this.clockValue(id);
        if (now === undefined) {
          fdEvents.push({ userdata, error: ERRNO.INVAL, type: tag, nbytes: 0n, flags: 0 });
          continue;
        }
        // deadline on the monotonic scale of this.clockNs
        const base = now - this.clockNs;
        const deadline = flags & SUBSCRIPTION_CLOCK_ABSTIME ? timeout - base : this.clockNs + timeout;
        clocks.push({ userdata, deadline, error: ERRNO.SUCCESS });
      } else if (tag === EVENTTYPE.FD_READ || tag === EVENTTYPE.FD_WRITE) {
        const fd = dv.getUint32(s + 16, true);
        const ok = tag === EVENTTYPE.FD_READ ? fd === 0 && this.isOpenStdio(0) : (fd === 1 || fd === 2) && this.isOpenStdio(fd);
        if (!ok) fdEvents.push({ userdata, error: ERRNO.BADF, type: tag, nbytes: 0n, flags: 0 });
        else if (tag === EVENTTYPE.FD_READ) {
          if (this.sharing) this.stdinPos = this.sharing.takeStdin(this.stdin().length, 0)[0];
          const left = BigInt(this.stdin().length - this.stdinPos);
          if (left === 0n && this.stdinNeverCloses) continue; // not ready: stdin stays open and empty
          fdEvents.push({ userdata, error: 0, type: tag, nbytes: left, flags: left === 0n ? EVENT_FD_READWRITE_HANGUP : 0 });
        } else fdEvents.push({ userdata, error: 0, type: tag, nbytes: 65536n, flags: 0 });
      } else {
        fdEvents.push({ userdata, error: ERRNO.INVAL, type: tag, nbytes: 0n, flags: 0 });
      }
    }
    const events: Ev[] = fdEvents;
    // Only a never-closing, empty stdin was subscribed: no event can ever arrive.
    if (events.length === 0 && clocks.length === 0) this.blockForever();
    if (events.length === 0 && clocks.length > 0) {
      let earliest = clocks[0]!.deadline;
      for (const c of clocks) if (c.deadline < earliest) earliest = c.deadline;
      if (earliest > this.clockNs) {
        if (this.sharing?.clock) this.sharing.clock.sleepUntil(earliest);
        else this.clockNs = earliest;
      }
    }
    for (const c of clocks)
      if (c.deadline <= this.clockNs) events.push({ userdata: c.userdata, error: c.error, type: EVENTTYPE.CLOCK, nbytes: 0n, flags: 0 });
    const ov = new DataView(m.buffer);
    events.forEach((e, i) => {
      const p = out + i * 32;
      ov.setBigUint64(p, e.userdata, true);
      ov.setUint16(p + 8, e.error, true);
      ov.setUint8(p + 10, e.type);
      for (let k = 11; k < 16; k++) ov.setUint8(p + k, 0);
      ov.setBigUint64(p + 16, e.nbytes, true);
      ov.setUint16(p + 24, e.flags, true);
      for (let k = 26; k < 32; k++) ov.setUint8(p + k, 0);
    });
    ov.setUint32(neventsPtr >>> 0, events.length, true);
    return ERRNO.SUCCESS;
  }
}
