/**
 * The simulated source `canopy serve --simulate` asks for: CANOPY_SIMULATE is `demo`, `empty`, or the
 * absolute path of a cluster snapshot (a kubectl List). For getClusterSource() in server/sources/index.ts.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createSimulatedSource, type SimulatedSource, type SimulatedSourceOptions } from './simulated';

export function simulatedSourceFromSetting(setting: string, options: Omit<SimulatedSourceOptions, 'scenario' | 'snapshot' | 'name'> = {}): SimulatedSource {
  const value = setting.trim();
  if (value === '' || value === 'demo' || value === '1' || value === 'true') return createSimulatedSource({ ...options, scenario: 'demo' });
  if (value === 'empty') return createSimulatedSource({ ...options, scenario: 'empty' });
  let snapshot: unknown;
  try {
    snapshot = JSON.parse(readFileSync(value, 'utf8'));
  } catch (e) {
    throw new Error(`CANOPY_SIMULATE=${value}: cannot read the snapshot: ${(e as Error).message}`);
  }
  return createSimulatedSource({ ...options, snapshot, name: path.basename(value).replace(/\.json$/i, '') });
}
