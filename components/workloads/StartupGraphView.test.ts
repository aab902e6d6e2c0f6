/** The startup-order panel says how the PodCliqueSet replicas differ, in the graph and in the list. */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { PodCliqueSet } from '../../lib/grove/podcliqueset';
import { demoStacks } from '../../lib/topology/demo';
import { startupGraph } from '../../lib/workloads/startup';
import { stackObjects } from '../../lib/workloads/testkit';
import { buildWorkloadTree } from '../../lib/workloads/tree';
import { StartupGraphView } from './StartupGraphView';

const [disagg, wide] = demoStacks() as [PodCliqueSet, PodCliqueSet];
const withReplicas = (pcs: PodCliqueSet, replicas: number) => ({ ...pcs, spec: { ...pcs.spec, replicas } }) as PodCliqueSet;
const render = (objects: ReturnType<typeof stackObjects>) => renderToStaticMarkup(createElement(StartupGraphView, { graph: startupGraph(buildWorkloadTree(objects.pcs, objects)) }));
const text = (html: string) => html.replace(/<[^>]+>/g, '').replace(/&#x27;|&#39;/g, "'");
/** The text of the element with this data-testid and data-clique (list item) or inside the node group. */
const item = (html: string, clique: string) => text(new RegExp(`<li data-testid="startup-item" data-clique="${clique}">(.*?)</li>`).exec(html)![1]!);
const nodeLine = (html: string, clique: string, testid: string) => {
  const group = new RegExp(`<g[^>]*data-clique="${clique}"[^>]*>(.*?)</g>`).exec(html)![1]!;
  const line = new RegExp(`<text[^>]*data-testid="${testid}"[^>]*>(.*?)</text>`).exec(group);
  return line ? text(line[1]!) : undefined;
};

describe('StartupGraphView over PodCliqueSet replicas', () => {
  it('llama-disagg scaled 1 → 2: the list and the node name replica 1 and what it waits for', () => {
    const html = render(stackObjects(withReplicas(disagg, 2), { stage: (h) => (h.startsWith('llama-disagg-1-') ? 'scheduled' : 'ready') }));
    expect(item(html, 'decode')).toBe('decode: ready in replica 0; waiting in replica 1 for router, 4 of 8 pods ready; startup gate: 2 ready pods in each replica; starts after router');
    expect(item(html, 'router')).toBe('router: ready in replica 0; waiting in replica 1, 1 of 2 pods ready; startup gate: 1 ready pod in each replica');
    // The breakdown on a line of its own, the counts under it.
    expect(nodeLine(html, 'decode', 'startup-node-replicas')).toBe('ready in replica 0; waiting in replica 1 for router');
    expect(nodeLine(html, 'decode', 'startup-node-text')).toBe('4/8 ready · gate: 2 per replica');
    expect(html).toMatch(/<g[^>]*data-clique="decode" data-progress="waiting"/);
  });

  it('replicas that agree keep one line: "ready · 4/4 ready · gate: 2"', () => {
    const html = render(stackObjects(disagg));
    expect(nodeLine(html, 'decode', 'startup-node-replicas')).toBeUndefined();
    expect(nodeLine(html, 'decode', 'startup-node-text')).toBe('ready · 4/4 ready · gate: 2');
    expect(item(html, 'decode')).toBe('decode: ready, 4 of 4 pods ready; startup gate: 2 ready pods; starts after router');
  });

  it('deepseek-wide at 12 replicas, 6 unschedulable: "ready in 6 of 12 replicas; blocked in 6"', () => {
    const html = render(stackObjects(withReplicas(wide, 12), { stage: (h) => (Number(/^deepseek-wide-(\d+)-/.exec(h)![1]) >= 6 ? 'pending' : 'ready') }));
    expect(item(html, 'leader')).toBe('leader: ready in 6 of 12 replicas; blocked in 6, 6 of 12 pods ready; startup gate: 1 ready pod in each replica');
  });

  it('scaled to 0: no replicas, the gate from the template', () => {
    const html = render(stackObjects(withReplicas(disagg, 0)));
    expect(item(html, 'pworker')).toBe('pworker: no replicas; startup gate: 3 ready pods; starts after pleader');
    expect(nodeLine(html, 'pworker', 'startup-node-text')).toBe('no replicas · gate: 3');
  });
});
