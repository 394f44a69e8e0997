/**
 * Seed resolution lives only at the CLI edge (DESIGN §6): a run without --seed gets a fresh
 * one here, and the CLI always prints it so the run can be repeated.
 */
import { intOption } from './args.ts';

export function resolveSeed(values: Record<string, unknown>): number {
  if (values['seed'] !== undefined) return intOption(values, 'seed', 0, 0);
  return Math.floor(Math.random() * 2 ** 31);
}
