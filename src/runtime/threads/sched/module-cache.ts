/**
 * A small per-worker cache keyed by module bytes (content, not identity: each case arrives as a
 * fresh copy). A hit needs the same length, hash and bytes; the oldest entry goes first.
 */
export class ModuleCache<T> {
  private readonly entries = new Map<string, { bytes: Uint8Array; value: T }>();

  constructor(private readonly capacity: number) {}

  private static key(bytes: Uint8Array): string {
    let h = 0x811c9dc5;
    for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
    return `${bytes.length}:${(h >>> 0).toString(36)}`;
  }

  get(bytes: Uint8Array): T | undefined {
    const e = this.entries.get(ModuleCache.key(bytes));
    if (!e || e.bytes.length !== bytes.length) return undefined;
    for (let i = 0; i < bytes.length; i++) if (e.bytes[i] !== bytes[i]) return undefined;
    return e.value;
  }

  put(bytes: Uint8Array, value: T): T {
    const key = ModuleCache.key(bytes);
    this.entries.delete(key);
    this.entries.set(key, { bytes: bytes.slice(), value });
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return value;
  }
}
