import { describe, expect, test } from 'vitest';
import { matchWorkloads } from './workloadSearch';

const w = (key: string) => ({ key, name: key.slice(key.indexOf('/') + 1) });
const workloads = [w('default/deepseek-wide'), w('default/mixtral-agg'), w('team-b/mixtral-agg'), w('team-b/mixtral-big')];

describe('matchWorkloads', () => {
  test('a bare name used in two namespaces names both, in their order', () => {
    expect(matchWorkloads(workloads, 'mixtral-agg')).toEqual({ kind: 'several', workloads: [w('default/mixtral-agg'), w('team-b/mixtral-agg')] });
  });

  test('an exact namespace/name names that one (any case, surrounding spaces ignored)', () => {
    expect(matchWorkloads(workloads, ' Team-B/Mixtral-Agg ')).toEqual({ kind: 'one', workload: w('team-b/mixtral-agg') });
    expect(matchWorkloads(workloads, 'default/mixtral-agg')).toEqual({ kind: 'one', workload: w('default/mixtral-agg') });
  });

  test('a name used once names its workload, before fragments of other keys', () => {
    expect(matchWorkloads(workloads, 'mixtral-big')).toEqual({ kind: 'one', workload: w('team-b/mixtral-big') });
    expect(matchWorkloads([w('a/x'), w('b/xy')], 'x')).toEqual({ kind: 'one', workload: w('a/x') });
  });

  test('a fragment of one key names it; of several, all of them; of none, nothing', () => {
    expect(matchWorkloads(workloads, 'deep')).toEqual({ kind: 'one', workload: w('default/deepseek-wide') });
    expect(matchWorkloads(workloads, 'team-b/')).toEqual({ kind: 'several', workloads: [w('team-b/mixtral-agg'), w('team-b/mixtral-big')] });
    expect(matchWorkloads(workloads, 'llama')).toEqual({ kind: 'none' });
    expect(matchWorkloads(workloads, '  ')).toEqual({ kind: 'none' });
  });
});
