/**
 * Asyncify for the scheduler's coroutines (./coroutine.ts), on a module whose hooks were already
 * written at the byte level (../hook-bytes.ts): one binaryen round trip (read, the asyncify pass,
 * emit) and nothing else. No binaryen validation of the result: the engine compiles it next and
 * rejects anything broken.
 *
 * Only what `wasi_thread_start` can reach is instrumented (main never unwinds). The byte rewrite
 * drops the `name` section, so binaryen names every defined function by its index among the
 * defined functions ("0", "1", …), which is what the only-list below names.
 */
import { binaryen, emitUnoptimised } from '../../../wasm/builder.ts';
import { INSTRUMENT_FEATURES } from '../../../wasm/instrument/ir.ts';
import { ASYNC_IMPORTS } from '../../../wasm/instrument/threads.ts';

export function asyncifyHooked(bytes: Uint8Array, threadReachable: readonly number[] | undefined): Uint8Array {
  const m = binaryen.readBinary(bytes);
  const level = binaryen.getOptimizeLevel();
  try {
    m.setFeatures(INSTRUMENT_FEATURES);
    // optimize level 0: Asyncify skips its clean-up passes (several times faster)
    binaryen.setOptimizeLevel(0);
    binaryen.setPassArgument('asyncify-imports', ASYNC_IMPORTS.join(','));
    if (threadReachable) binaryen.setPassArgument('asyncify-onlylist', threadReachable.join(','));
    m.runPasses(['asyncify']);
    return emitUnoptimised(m);
  } finally {
    binaryen.setPassArgument('asyncify-imports', null);
    binaryen.setPassArgument('asyncify-onlylist', null);
    binaryen.setOptimizeLevel(level);
    m.dispose();
  }
}
