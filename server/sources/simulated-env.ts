/**
 * The simulated source `canopy serve --simulate` asks for: CANOPY_SIMULATE is `demo`, `empty`, or the
 * absolute path of a cluster snapshot (a kubectl List). For getClusterSource() in server/sources/index.ts.
 * CANOPY_SIMULATE_TOPOLOGY_AWARE_SCHEDULING=false runs the simulated Grove operator with
 * topology-aware scheduling off (its Helm chart's default; see SimulatedSourceOptions.topologyAwareScheduling).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createSimulatedSource, type SimulatedSource, type SimulatedSourceOptions } from './simulated';

export function simulatedSourceFromSetting(setting: string, given: Omit<SimulatedSourceOptions, 'scenario' | 'snapshot' | 'name'> = {}, env: Record<string, string | undefined> = process.env): SimulatedSource {
  const tas = env.CANOPY_SIMULATE_TOPOLOGY_AWARE_SCHEDULING?.trim().toLowerCase();
  if (tas !== undefined && tas !== '' && !['true', 'false'].includes(tas)) throw new Error(`CANOPY_SIMULATE_TOPOLOGY_AWARE_SCHEDULING=${tas}: expected true or false`);
  const options = { ...(tas ? { topologyAwareScheduling: tas === 'true' } : {}), ...given };
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
