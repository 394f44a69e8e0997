/**
 * `node:buffer`'s Buffer, the part driver/wire.ts uses (base64 in and out), on GLib's base64.
 */
import { GLib } from './gjs-host.ts';

class GjsBuffer extends Uint8Array {
  static override from(source: unknown, offsetOrEncoding?: unknown, length?: number): GjsBuffer {
    if (typeof source === 'string') {
      if (offsetOrEncoding !== 'base64') throw new Error(`gjs driver: Buffer.from(string, ${String(offsetOrEncoding)}) is not provided`);
      const bytes = GLib.base64_decode(source);
      return new GjsBuffer(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength);
    }
    if (source instanceof ArrayBuffer) return new GjsBuffer(source, (offsetOrEncoding as number | undefined) ?? 0, length);
    if (source instanceof Uint8Array) return new GjsBuffer(source);
    throw new Error('gjs driver: Buffer.from only takes base64 text, an ArrayBuffer or bytes');
  }

  override toString(encoding?: string): string {
    if (encoding !== 'base64') throw new Error(`gjs driver: Buffer.toString(${String(encoding)}) is not provided`);
    return GLib.base64_encode(this);
  }
}

export { GjsBuffer as Buffer };
