/**
 * `Reader.name` decodes short ASCII names itself (a hot path of every context wrap): every name
 * must still decode exactly as the UTF-8 TextDecoder does, ASCII or not, valid or not.
 */
import { describe, expect, it } from 'vitest';
import { Reader } from '../../src/wasm/binary-reader.ts';
import { uleb } from '../../src/wasm/leb.ts';

const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

function readName(bytes: number[]): string {
  const encoded = Uint8Array.from([...uleb(bytes.length), ...bytes]);
  const r = new Reader(encoded, 0, encoded.length);
  const name = r.name();
  expect(r.pos).toBe(encoded.length);
  return name;
}

describe('Reader.name', () => {
  const utf8 = (s: string): number[] => [...new TextEncoder().encode(s)];
  const cases: Array<[string, number[]]> = [
    ['empty', []],
    ['ASCII', utf8('run')],
    ['ASCII with control bytes and NUL', [0x00, 0x01, 0x7f, 0x41]],
    ['two-byte UTF-8', utf8('café')],
    ['four-byte UTF-8', utf8('x😀y')],
    ['a BOM first (kept: ignoreBOM)', [0xef, 0xbb, 0xbf, 0x61]],
    ['invalid UTF-8 (replacement characters)', [0x61, 0xff, 0xc3]],
    ['a long ASCII name', utf8('n'.repeat(300))],
  ];
  it.each(cases)('%s decodes as TextDecoder does', (_label, bytes) => {
    expect(readName(bytes)).toBe(decoder.decode(Uint8Array.from(bytes)));
  });

  it('a name running past the end is an error', () => {
    const r = new Reader(Uint8Array.from([5, 0x61]), 0, 2);
    expect(() => r.name()).toThrow(/overruns/);
  });
});
