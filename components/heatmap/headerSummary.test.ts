import { describe, expect, test } from 'vitest';
import { bindingText, nodesLoadingText, searchSuggestions } from './headerSummary';

const live = { status: 'live' as const };
const loading = { status: 'loading' as const };

describe('the topology header while the cluster loads', () => {
  test('Nodes listing: "Loading nodes…", with how many arrived when some have; nothing once live', () => {
    expect(nodesLoadingText(true, loading, 0)).toBe('Loading nodes…');
    expect(nodesLoadingText(true, loading, 3_500)).toBe('Loading nodes… 3,500 so far');
    expect(nodesLoadingText(false, live, 0)).toBe('Loading nodes…');
    expect(nodesLoadingText(true, live, 0)).toBeNull();
    expect(nodesLoadingText(true, live, 12_500)).toBeNull();
    // Refused: not loading (the map says why).
    expect(nodesLoadingText(true, { status: 'forbidden' }, 0)).toBeNull();
  });

  test('"no ClusterTopologyBinding" only once the bindings are live; before, loading or why not', () => {
    expect(bindingText('grove-topology', loading)).toBe('binding grove-topology');
    expect(bindingText(null, live)).toBe('no ClusterTopologyBinding');
    expect(bindingText(null, loading)).toBe('Loading ClusterTopologyBindings…');
    expect(bindingText(undefined, { status: 'forbidden' })).toBe('You may not list ClusterTopologyBindings');
    expect(bindingText(null, { status: 'failed', error: 'the server could not find the requested resource' })).toBe('Could not list ClusterTopologyBindings: the server could not find the requested resource');
  });
});

describe('search suggestions', () => {
  const nodes = Array.from({ length: 12_500 }, (_, i) => `node-${i}`);
  const pods = Array.from({ length: 40 }, (_, i) => `pod-${i}`);

  test('cut to the first 300 nodes, they say so; typing narrows them', () => {
    const all = searchSuggestions(['default/a'], nodes, pods, '');
    expect(all.options).toHaveLength(1 + 300 + 40);
    expect(all.note).toBe('Suggestions: first 300 of 12,500 nodes; type more to narrow.');
    const narrowed = searchSuggestions(['default/a'], nodes, pods, 'node-12');
    // node-12, node-120..129, node-1200..1299, node-12000..12499
    expect(narrowed.options.filter((o) => o.startsWith('node-'))).toHaveLength(300);
    expect(narrowed.note).toBe('Suggestions: first 300 of 611 nodes matching “node-12”; type more to narrow.');
    const few = searchSuggestions([], nodes, pods, 'node-1249');
    expect(few.options).toEqual(['node-1249', ...Array.from({ length: 10 }, (_, i) => `node-1249${i}`)]);
    expect(few.note).toBeNull();
  });

  test('nothing cut: no note', () => {
    expect(searchSuggestions(['w'], ['n1', 'n2'], ['p1'], '')).toEqual({ options: ['w', 'n1', 'n2', 'p1'], note: null });
  });
});
