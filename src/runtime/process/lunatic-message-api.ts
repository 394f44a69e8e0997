/**
 * The `lunatic::message` host functions of one process: a message is built in (or received
 * into) the process's scratch area, `send` queues it to the receiver as a signal, and `receive`
 * is a yield point that parks the process until a message with a wanted tag arrives or its
 * virtual timer fires.
 */
import { HostError } from './errors.ts';
import { bytesAt } from './guest-memory.ts';
import { findMessage } from './mailbox.ts';
import { rewound, suspend } from './parking.ts';
import type { Proc } from './proc.ts';
import type { ProcessScheduler } from './scheduler.ts';

/** `receive`'s result when the timeout passed with no matching message (Lunatic's value). */
const RECEIVE_TIMEOUT = 9027;

export function messageApi(p: Proc, s: ProcessScheduler): Record<string, unknown> {
  return {
    create_data: (tag: bigint, _capacity: bigint): void => {
      p.scratch = { kind: 'data', tag, data: [], read: 0 };
    },
    write_data: (ptr: number, len: number): number => {
      const m = p.scratch;
      if (!m || m.kind !== 'data') throw new HostError('lunatic::message::write_data: no data message in the scratch area');
      for (const b of bytesAt(p, ptr, len, 'lunatic::message::write_data')) m.data.push(b);
      return len >>> 0;
    },
    read_data: (ptr: number, len: number): number => {
      const m = p.scratch;
      if (!m || m.kind !== 'data') throw new HostError('lunatic::message::read_data: no data message in the scratch area');
      const out = bytesAt(p, ptr, len, 'lunatic::message::read_data');
      const n = Math.min(out.length, m.data.length - m.read);
      for (let i = 0; i < n; i++) out[i] = m.data[m.read + i]!;
      m.read += n;
      return n;
    },
    seek_data: (index: bigint): void => {
      const m = p.scratch;
      if (!m || m.kind !== 'data') throw new HostError('lunatic::message::seek_data: no data message in the scratch area');
      m.read = Number(BigInt.asUintN(32, index));
    },
    get_tag: (): bigint => {
      const m = p.scratch;
      if (!m) throw new HostError('lunatic::message::get_tag: no message in the scratch area');
      return m.kind === 'process-died' ? 0n : m.tag;
    },
    get_process_id: (): bigint => {
      const m = p.scratch;
      if (!m) throw new HostError('lunatic::message::get_process_id: no message in the scratch area');
      return m.kind === 'process-died' ? BigInt(m.pid) : 0n;
    },
    data_size: (): bigint => {
      const m = p.scratch;
      if (!m || m.kind !== 'data') throw new HostError('lunatic::message::data_size: no data message in the scratch area');
      return BigInt(m.data.length);
    },
    // (process_id: i64) -> i32
    send: (pid: bigint): number => {
      const m = p.scratch;
      if (!m) throw new HostError('lunatic::message::send::no_message');
      p.scratch = undefined;
      const to = s.lookup(pid);
      if (to === p) p.signals.push({ k: 'message', msg: m });
      else s.deliver(to, { k: 'message', msg: m });
      return 0;
    },
    // (tag_ptr: i32, tag_len: i32, timeout_duration: i64) -> i32: 0 data, 1 LinkDied, 2 ProcessDied, 9027 timeout
    receive: (tagPtr: number, tagLen: number, timeout: bigint): number => receive(s, p, tagPtr, tagLen, timeout),
  };
}

function receive(s: ProcessScheduler, p: Proc, tagPtr: number, tagLen: number, timeout: bigint): number {
  let tags: bigint[] | null = null;
  if (p.stack.rewinding) {
    rewound(p);
    tags = p.wait?.tags ?? null;
  } else if (tagLen >>> 0 > 0) {
    const b = bytesAt(p, tagPtr, (tagLen >>> 0) * 8, 'lunatic::message::receive');
    const v = new DataView(b.buffer, b.byteOffset, b.length);
    tags = [];
    for (let i = 0; i < b.length; i += 8) tags.push(v.getBigInt64(i, true));
  }
  const take = (): number => {
    const i = findMessage(p.mailbox, tags);
    if (i < 0) return -1;
    const m = p.mailbox.splice(i, 1)[0]!;
    p.scratch = m;
    p.wait = undefined;
    return m.kind === 'data' ? 0 : m.kind === 'link-died' ? 1 : 2;
  };
  if (p.wait) {
    // resumed: a matching message arrived, or the timer fired
    const r = take();
    if (r >= 0) return r;
    if (p.timedOut) {
      p.timedOut = false;
      p.wait = undefined;
      return RECEIVE_TIMEOUT;
    }
  }
  const now = take();
  if (now >= 0) return now;
  const t = BigInt.asUintN(64, timeout);
  if (t === 0n) return RECEIVE_TIMEOUT;
  // a yield point: own signals first (they may add the message, or kill)
  s.yieldPoint(p);
  const after = take();
  if (after >= 0) return after;
  p.wait = { tags, deadline: t === 0xffffffffffffffffn ? undefined : s.clock + t, sleep: false };
  p.timedOut = false;
  suspend(p, 'blocked');
  return 0;
}
