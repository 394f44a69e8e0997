/** binaryen's own verdict on bytes, with every feature on: the second validator generated modules must satisfy (V8 is the first). */
import binaryen from '../../src/wasm/binaryen.ts';

export function binaryenValidates(bytes: Uint8Array): boolean {
  const m = binaryen.readBinary(bytes);
  try {
    m.setFeatures(binaryen.Features.All);
    return m.validate() === 1;
  } finally {
    m.dispose();
  }
}
