/**
 * A generation worker: builds cases with binaryen off the main thread. Each request is a list of
 * (family, seed, index); the reply carries the cases packed in one transferred buffer (JSON plus
 * the module bytes, src/runtime/packed.ts): V8's value serialiser, which postMessage uses on plain
 * objects, cost this thread and the main thread more than generating a controls case.
 */
import { parentPort } from 'node:worker_threads';
import type { Case } from '../case.ts';
import { generateCase } from '../../generators/index.ts';
import { packCases } from '../runtime/packed.ts';
import type { GenerationReply, GenerationRequest } from './generation-pool.ts';

const port = parentPort;
if (!port) throw new Error('generation-worker: must run in a worker thread');

port.on('message', (req: GenerationRequest) => {
  try {
    const cases: Case[] = req.jobs.map(([family, seed, index]) => generateCase(family, seed, index));
    const { bytes, timeouts } = packCases(cases);
    port.postMessage({ id: req.id, packed: bytes, timeouts } satisfies GenerationReply, [bytes.buffer as ArrayBuffer]);
  } catch (e) {
    port.postMessage({ id: req.id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) } satisfies GenerationReply);
  }
});
