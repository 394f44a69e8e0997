/**
 * A process's mailbox: what `send` and the signal handlers put there, how `receive` picks by tag,
 * and how what is left shows up in the observation.
 */
import type { MailboxMessage } from '../../case.ts';

export type Message =
  | { kind: 'data'; tag: bigint; data: number[]; read: number }
  | { kind: 'link-died'; tag: bigint }
  | { kind: 'process-died'; pid: number };

/** Index of the oldest message whose tag is in `tags` (any message when `tags` is null), or -1. */
export function findMessage(mailbox: readonly Message[], tags: readonly bigint[] | null): number {
  if (!tags) return mailbox.length ? 0 : -1;
  for (let i = 0; i < mailbox.length; i++) {
    const m = mailbox[i]!;
    const tag = m.kind === 'process-died' ? 0n : m.tag;
    if (tags.includes(tag)) return i;
  }
  return -1;
}

export function toMailboxMessage(m: Message): MailboxMessage {
  if (m.kind === 'process-died') return { kind: 'process-died', pid: m.pid };
  return { kind: m.kind, tag: m.tag.toString() };
}
