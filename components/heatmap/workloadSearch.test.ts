import { describe, expect, test } from 'vitest';
import type { PodInfo } from '../../lib/cluster/state';
import { LABEL_MANAGED_BY, LABEL_MANAGED_BY_VALUE, LABEL_PART_OF, LABEL_PODGANG } from '../../lib/grove/labels';
import { buildHeatmapModel } from '../../lib/heatmap/model';
import { boundPod, nestedCluster } from '../../lib/placement/testkit';
import { matchSearch, searchTargets, type SearchTarget } from './workloadSearch';

/** A workload-only target list, as the search had before gangs, pods, nodes and domains. */
const w = (key: string): SearchTarget => ({ kind: 'PodCliqueSet', key, names: [key.slice(key.indexOf('/') + 1)], workload: key });
const workloads = [w('default/deepseek-wide'), w('default/mixtral-agg'), w('team-b/mixtral-agg'), w('team-b/mixtral-big')];
const keys = (match: ReturnType<typeof matchSearch<SearchTarget>>) => (match.kind === 'one' ? [match.target.key] : match.kind === 'several' ? match.targets.map((t) => t.key) : []);

describe('matchSearch: workloads', () => {
  test('a bare name used in two namespaces names both, in their order', () => {
    expect(matchSearch(workloads, 'mixtral-agg')).toEqual({ kind: 'several', targets: [w('default/mixtral-agg'), w('team-b/mixtral-agg')] });
  });

  test('an exact namespace/name names that one (any case, surrounding spaces ignored)', () => {
    expect(matchSearch(workloads, ' Team-B/Mixtral-Agg ')).toEqual({ kind: 'one', target: w('team-b/mixtral-agg') });
  });

  test('a name used once names its workload, before fragments of other keys', () => {
    expect(matchSearch(workloads, 'mixtral-big')).toEqual({ kind: 'one', target: w('team-b/mixtral-big') });
    expect(matchSearch([w('a/x'), w('b/xy')], 'x')).toEqual({ kind: 'one', target: w('a/x') });
  });

  test('a fragment of one key names it; of several, all of them; of none, nothing', () => {
    expect(matchSearch(workloads, 'deep')).toEqual({ kind: 'one', target: w('default/deepseek-wide') });
    expect(keys(matchSearch(workloads, 'team-b/'))).toEqual(['team-b/mixtral-agg', 'team-b/mixtral-big']);
    expect(matchSearch(workloads, 'llama')).toEqual({ kind: 'none' });
    expect(matchSearch(workloads, '  ')).toEqual({ kind: 'none' });
  });
});

describe('searchTargets + matchSearch: everything on the map, pending pods too', () => {
  const grove = (pcs: string, gang: string) => ({ [LABEL_MANAGED_BY]: LABEL_MANAGED_BY_VALUE, [LABEL_PART_OF]: pcs, [LABEL_PODGANG]: gang });
  // Two racks of two 4-GPU nodes; stack "llama" runs one pod, and waits with another; stack "qwen" only waits.
  const state = nestedCluster(['rack'], [2, 2], { gpu: 4 });
  const pending = (name: string, labels: Record<string, string>, gpu: number): PodInfo => ({ ...boundPod(name, '', gpu), nodeName: undefined, phase: 'Pending', labels });
  state.pods = [
    { ...boundPod('llama-0-worker-a1', 'node-0', 4), labels: grove('llama', 'llama-0') },
    pending('llama-0-worker-b2', grove('llama', 'llama-0'), 4),
    pending('qwen-0-decode-c3', grove('qwen', 'qwen-0'), 8),
    pending('loose-pending', {}, 2),
    boundPod('finished', 'node-1', 1, {}, true),
  ];
  const model = buildHeatmapModel(state);
  const podGangs = [{ metadata: { namespace: 'default', name: 'qwen-0', labels: grove('qwen', 'qwen-0') } }];
  const targets = searchTargets(model, state.pods, podGangs, [{ metadata: { namespace: 'default', name: 'empty-stack' } }]);
  const find = (query: string) => matchSearch(targets, query);

  test('a pending pod is found by its name, as pending (no node, not on the map), with the GPUs it asks for', () => {
    expect(find('llama-0-worker-b2')).toEqual({ kind: 'one', target: { kind: 'Pod', key: 'default/llama-0-worker-b2', names: ['llama-0-worker-b2'], workload: 'default/llama', pod: -1, node: '', gpus: 4 } });
    expect(find('default/loose-pending')).toMatchObject({ kind: 'one', target: { kind: 'Pod', pod: -1, node: '', workload: '' } });
    // A bound pod is found on the map.
    expect(find('llama-0-worker-a1')).toMatchObject({ kind: 'one', target: { kind: 'Pod', pod: 0, node: 'node-0' } });
    // A finished pod holds nothing and is not offered.
    expect(find('finished')).toEqual({ kind: 'none' });
  });

  test('PodGangs and PodCliqueSets are found by name, also ones with no pod on the map', () => {
    expect(find('llama-0')).toMatchObject({ kind: 'one', target: { kind: 'PodGang', key: 'default/llama-0', workload: 'default/llama' } });
    expect(find('qwen-0')).toMatchObject({ kind: 'one', target: { kind: 'PodGang', key: 'default/qwen-0', workload: 'default/qwen' } });
    expect(find('qwen')).toMatchObject({ kind: 'one', target: { kind: 'PodCliqueSet', key: 'default/qwen' } });
    expect(find('empty-stack')).toMatchObject({ kind: 'one', target: { kind: 'PodCliqueSet', key: 'default/empty-stack' } });
  });

  test('nodes by name, domains by value, label or path', () => {
    expect(find('node-3')).toMatchObject({ kind: 'one', target: { kind: 'Node', key: 'node-3', node: 3 } });
    const rack1 = model.layout.frames.findIndex((f) => f.value === 'rack-1');
    expect(find('rack-1')).toEqual({ kind: 'one', target: expect.objectContaining({ kind: 'domain', frame: rack1 }) });
    expect(find('rack rack-1')).toEqual({ kind: 'one', target: expect.objectContaining({ kind: 'domain', frame: rack1 }) });
  });

  test('a fragment of several things lists them all, in kind order, instead of picking the first', () => {
    expect(keys(find('node-'))).toEqual(['node-0', 'node-1', 'node-2', 'node-3']);
    const several = find('-0');
    expect(several.kind).toBe('several');
    // Workloads' gangs and pods, then the others' pods, then nodes, then domains.
    expect(keys(several)).toEqual(['default/llama-0', 'default/qwen-0', 'default/llama-0-worker-a1', 'default/llama-0-worker-b2', 'default/qwen-0-decode-c3', 'node-0', 'rack rack-0']);
  });

  test('a fragment naming a workload and its own gangs and pods names the workload (it stands for them)', () => {
    expect(find('llam')).toMatchObject({ kind: 'one', target: { kind: 'PodCliqueSet', key: 'default/llama' } });
    // With other things matching too, the workloads are offered with them.
    expect(keys(find('default/'))).toEqual(['default/llama', 'default/qwen', 'default/empty-stack', 'default/loose-pending']);
  });
});
