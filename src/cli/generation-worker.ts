/**
 * A generation worker: builds cases with binaryen off the main thread. Each request is a list of
 * (family, seed, index); the reply carries the cases, with module bytes transferred, not copied.
 */
import { parentPort } from 'node:worker_threads';
import type { Case } from '../case.ts';
import { generateCase } from '../../generators/index.ts';
import type { GenerationReply, GenerationRequest } from './generation-pool.ts';

const port = parentPort;
if (!port) throw new Error('generation-worker: must run in a worker thread');

port.on('message', (req: GenerationRequest) => {
  try {
    const cases: Case[] = req.jobs.map(([family, seed, index]) => generateCase(family, seed, index));
    const transfer = cases.flatMap((c) => c.modules.map((m) => m.bytes.buffer as ArrayBuffer));
    port.postMessage({ id: req.id, cases } satisfies GenerationReply, transfer);
  } catch (e) {
    port.postMessage({ id: req.id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) } satisfies GenerationReply);
  }
});
