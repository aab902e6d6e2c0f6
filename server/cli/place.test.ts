import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseManifests } from '../../lib/grove/manifest';
import type { PodCliqueSet } from '../../lib/grove/podcliqueset';
import { previewApply } from '../../lib/placement/preview';
import { clusterStateFromSnapshot } from '../../lib/topology/snapshot';
import { runningGangFacts, runningGangLine } from '../../lib/workloads/planNotes';
import { plural } from '../../lib/workloads/plural';

// The CLI is run as a user runs it: the bin launcher in a child process.
const BIN = path.resolve(import.meta.dirname, '..', '..', 'bin', 'canopy.js');
// 2 zones × 1 block × 2 racks × 2 nodes × 8 GPUs (DEFAULT_TEST_TOPOLOGY's keys); busy-0 holds all 8 GPUs
// of gpu-z0-b0-r0-n0 and busy-1 holds 4 of gpu-z0-b0-r1-n0.
const CLUSTER = path.resolve(import.meta.dirname, 'fixtures', 'cluster-small.json');
const dir = mkdtempSync(path.join(tmpdir(), 'canopy-place-'));

function canopy(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { input, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function file(name: string, text: string): string {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
}

/** A router and `workers` GPU workers; on kai-scheduler (gangs, topology) unless `scheduler` says otherwise ('' names none). */
function pcs(o: { name?: string; workers: number; gpus: number; required?: string; preferred?: string; scheduler?: string; minAvailable?: number }): string {
  const scheduler = o.scheduler ?? 'kai-scheduler';
  const schedulerLine = scheduler ? `            schedulerName: ${scheduler}\n` : '';
  const pack = [o.required ? `        required: ${o.required}` : '', o.preferred ? `        preferred: ${o.preferred}` : ''].filter(Boolean).join('\n');
  const constraint = pack ? `    topologyConstraint:\n      topologyName: canopy-test\n      pack:\n${pack}\n` : '';
  return `apiVersion: grove.io/v1alpha1
kind: PodCliqueSet
metadata:
  name: ${o.name ?? 'serve'}
${scheduler === 'kai-scheduler' ? '  labels: {kai.scheduler/queue: default}\n' : ''}spec:
  replicas: 1
  template:
${constraint}    cliques:
      - name: router
        spec:
          roleName: router
          replicas: 1
          podSpec:
${schedulerLine}            containers: [{name: router, image: busybox, resources: {requests: {cpu: "2", memory: 4Gi}}}]
      - name: worker
        spec:
          roleName: worker
          replicas: ${o.workers}
${o.minAvailable !== undefined ? `          minAvailable: ${o.minAvailable}\n` : ''}          podSpec:
${schedulerLine}            containers:
              - name: worker
                image: busybox
                resources: {requests: {cpu: "8", memory: 64Gi, nvidia.com/gpu: "${o.gpus}"}, limits: {nvidia.com/gpu: "${o.gpus}"}}
`;
}

describe('canopy place', () => {
  it('places a fitting stack and prints the documented JSON (exit 0)', () => {
    const r = canopy(['place', '--cluster', CLUSTER, '-o', 'json', file('fit.yaml', pcs({ workers: 2, gpus: 8, required: 'zone', preferred: 'rack' }))]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      feasible: true,
      gangs: [
        {
          name: 'serve-0',
          placed: true,
          // Zone z0 has 8 + 12 free GPUs but no rack with two free nodes: both workers go to one rack of z1.
          domains: { zone: 'z1', block: 'z1-b0', rack: 'z1-b0-r0' },
          pods: [
            { name: 'serve-0-router-0', clique: 'router', node: 'gpu-z1-b0-r0-n0', gpus: 0 },
            { name: 'serve-0-worker-0', clique: 'worker', node: 'gpu-z1-b0-r0-n0', gpus: 8 },
            { name: 'serve-0-worker-1', clique: 'worker', node: 'gpu-z1-b0-r0-n1', gpus: 8 },
          ],
        },
      ],
    });
  });

  it('counts the pods already in the snapshot: a 4-GPU pod fills the half-used node first', () => {
    const r = canopy(['place', '-c', CLUSTER, '-o', 'json', file('small.yaml', pcs({ workers: 1, gpus: 4 }))]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { gangs: { pods: { name: string; node: string }[] }[] };
    expect(out.gangs[0]!.pods.find((p) => p.name === 'serve-0-worker-0')!.node).toBe('gpu-z0-b0-r1-n0');
  });

  it('prints a readable summary by default', () => {
    const r = canopy(['place', '--cluster', CLUSTER, file('fit2.yaml', pcs({ workers: 2, gpus: 8, required: 'zone', preferred: 'rack' }))]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        'serve-0: placed, 3 pods, 16 GPUs in zone z1, block z1-b0, rack z1-b0-r0',
        '  serve-0-router-0 -> gpu-z1-b0-r0-n0',
        '  serve-0-worker-0 -> gpu-z1-b0-r0-n0 (8 GPUs)',
        '  serve-0-worker-1 -> gpu-z1-b0-r0-n1 (8 GPUs)',
        '1 of 1 gang placed',
        '',
      ].join('\n'),
    );
  });

  it("counts pods, GPUs and gangs in the shared plural's words, as every page says them ('1 GPU', '2 pods')", () => {
    const r = canopy(['place', '--cluster', CLUSTER, file('one-gpu.yaml', pcs({ workers: 1, gpus: 1, required: 'rack' }))]);
    expect(r.code).toBe(0);
    const [summary, , worker] = r.stdout.split('\n');
    expect(summary).toMatch(new RegExp(`^serve-0: placed, ${plural(2, 'pod')}, ${plural(1, 'GPU')} in `));
    expect(worker).toMatch(new RegExp(` \\(${plural(1, 'GPU')}\\)$`));
    expect(r.stdout).toMatch(new RegExp(`\n1 of ${plural(1, 'gang')} placed\n$`));
    expect([plural(1, 'GPU'), plural(2, 'pod'), plural(1, 'gang')]).toEqual(['1 GPU', '2 pods', '1 gang']);
    // One wording: place.ts writes no plural of its own (a second one drifts from the pages').
    const source = readFileSync(path.resolve(import.meta.dirname, 'place.ts'), 'utf8');
    expect(source.match(/[^\n]*=== 1 \? '' : [^\n]*/g) ?? []).toEqual([]);
  });

  it('reports an unfittable stack with its reason (exit 3)', () => {
    const p = file('nofit.yaml', pcs({ workers: 3, gpus: 8, required: 'rack' }));
    const json = canopy(['place', '--cluster', CLUSTER, '-o', 'json', p]);
    expect(json.code).toBe(3);
    expect(JSON.parse(json.stdout)).toEqual({
      feasible: false,
      gangs: [
        {
          name: 'serve-0',
          placed: false,
          reason: 'the gang needs 24 GPUs in one rack, but no rack in the cluster has 24 GPUs even when empty (the largest, z0-b0-r0, has 16); loosen the pack to block or use fewer or smaller pods',
          domains: {},
          pods: [],
          // An optional addition: the explanation per level the text output prints too.
          // A rack holds 16 GPUs even when empty: capacity, not free room.
          explanation: [{ level: 'rack', needs: '24 GPUs in one rack', best: 'the largest rack has 16 GPUs even when empty', message: 'the gang needs 24 GPUs in one rack, but no rack in the cluster has 24 GPUs even when empty (the largest, z0-b0-r0, has 16); loosen the pack to block or use fewer or smaller pods', exceedsCapacity: true }],
        },
      ],
    });
    const text = canopy(['place', '--cluster', CLUSTER, p]);
    expect(text.code).toBe(3);
    expect(text.stdout).toContain('serve-0: NOT placed: the gang needs 24 GPUs in one rack, but no rack in the cluster has 24 GPUs even when empty (the largest, z0-b0-r0, has 16); loosen the pack to block or use fewer or smaller pods');
    expect(text.stdout).toContain('0 of 1 gang placed');
  });

  it('places several PodCliqueSets in order, each consuming capacity (exit 3 when a later one no longer fits)', () => {
    const a = file('a.yaml', pcs({ name: 'a', workers: 4, gpus: 8, required: 'zone' }));
    const b = file('b.yaml', pcs({ name: 'b', workers: 3, gpus: 8, required: 'zone' }));
    const r = canopy(['place', '--cluster', CLUSTER, '-o', 'json', a, b]);
    expect(r.code).toBe(3);
    const out = JSON.parse(r.stdout) as { gangs: { name: string; placed: boolean; reason?: string }[] };
    expect(out.gangs.map((g) => [g.name, g.placed])).toEqual([
      ['a-0', true],
      ['b-0', false],
    ]);
    // a-0 takes all of z1; z0 keeps 8 + 4 + 8 free GPUs, and those are all the cluster has left.
    expect(out.gangs[1]!.reason).toBe('the gang needs 24 GPUs for the 4 pods of its minimum; only 20 GPUs are free on the nodes its pods may use (the other 44 are held by 2 pods (12) and gangs planned before it (32))');
  });

  it('models a stack on default-scheduler pod by pod, as the dashboard does, and says which scheduler it modelled', () => {
    // Rack-packed 3 × 8 GPUs does not fit one rack; kube-scheduler ignores the constraint and places each pod.
    const p = file('default.yaml', pcs({ workers: 3, gpus: 8, required: 'rack', scheduler: '' }));
    const json = canopy(['place', '--cluster', CLUSTER, '-o', 'json', p]);
    // canopy validate's warning, on standard error: the scheduler ignores the constraint.
    expect(json.stderr).toMatch(/^\S+default\.yaml:\d+:\d+: warning: PodCliqueSet\/serve: \/spec\/template\/topologyConstraint: default-scheduler \(kube-scheduler\) ignores topology constraints .*\[topology\.ignoredByScheduler\]\n$/);
    expect(json.code).toBe(0);
    const g = (JSON.parse(json.stdout) as { gangs: Record<string, unknown>[] }).gangs[0]!;
    expect(g).toMatchObject({ name: 'serve-0', placed: true, independent: true });
    expect((g.pods as unknown[]).length).toBe(4);
    expect(g.warnings).toEqual([expect.stringMatching(/^default-scheduler \(kube-scheduler\) ignores the topology constraints and does not gang-schedule/)]);
    const text = canopy(['place', '--cluster', CLUSTER, p]);
    // No domain was chosen: kube-scheduler scores nodes on its own, the nodes are one placement it might make.
    expect(g.domains).toEqual({});
    expect(text.stdout).toContain('serve-0: placed pod by pod, 4 pods, 24 GPUs\n');
    expect(text.stdout).toContain('  note: these nodes are one possible placement: the default scheduler picks nodes by its own scoring');
    expect(text.stdout).toContain('  warning: default-scheduler (kube-scheduler) ignores the topology constraints');
    // The same stack on kai-scheduler is a gang, refused.
    expect(canopy(['place', '--cluster', CLUSTER, file('kai.yaml', pcs({ workers: 3, gpus: 8, required: 'rack' }))]).code).toBe(3);
  });

  it('a default-scheduler stack too large for the cluster is partly placed: the pending pods and why', () => {
    const p = file('default-big.yaml', pcs({ workers: 8, gpus: 8, scheduler: 'default-scheduler' }));
    const json = canopy(['place', '--cluster', CLUSTER, '-o', 'json', p]);
    expect(json.code).toBe(3);
    const g = (JSON.parse(json.stdout) as { gangs: Record<string, unknown>[] }).gangs[0]!;
    expect(g).toMatchObject({ placed: false, independent: true, unplacedPods: ['serve-0-worker-6', 'serve-0-worker-7'] });
    const text = canopy(['place', '--cluster', CLUSTER, p]);
    expect(text.stdout).toContain('serve-0: partly placed, 7 pods, 48 GPUs; pending: serve-0-worker-6, serve-0-worker-7');
    expect(text.stdout).toMatch(/ {2}why pending: 2 pods do not fit, serve-0-worker-6 first: /);
  });

  it('JSON and text list the pods above minAvailable that did not fit, and why', () => {
    // minAvailable 2 of 5 workers in one rack: the rack with two free nodes takes 2, the rest find no room there.
    const p = file('optional.yaml', pcs({ workers: 5, gpus: 8, required: 'rack', minAvailable: 2 }));
    const json = canopy(['place', '--cluster', CLUSTER, '-o', 'json', p]);
    expect(json.code).toBe(0);
    const g = (JSON.parse(json.stdout) as { gangs: Record<string, unknown>[] }).gangs[0]!;
    expect(g.unplacedOptionalPods).toEqual(['serve-0-worker-2', 'serve-0-worker-3', 'serve-0-worker-4']);
    expect(g.unplacedOptionalReason).toMatch(/^serve-0-worker-2: it must stay in rack z1-b0-r\d with the gang's required pods, and there it needs 8 GPUs on one node; the largest free node it may use has 0$/);
    const text = canopy(['place', '--cluster', CLUSTER, p]);
    expect(text.stdout).toContain('  not placed (above minAvailable, best effort): serve-0-worker-2, serve-0-worker-3, serve-0-worker-4\n    why: serve-0-worker-2: it must stay in rack');
  });

  it('reads the manifests from standard input for -', () => {
    const r = canopy(['place', '--cluster', CLUSTER, '-o', 'json', '-'], pcs({ workers: 1, gpus: 8 }));
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { feasible: boolean }).feasible).toBe(true);
  });

  it('exits 1 with the findings for an invalid manifest', () => {
    const p = file('bad.yaml', pcs({ workers: 1, gpus: 8 }).replace('          roleName: worker\n', ''));
    const r = canopy(['place', '--cluster', CLUSTER, p]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`${p}:18:9: error: PodCliqueSet/serve: /spec/template/cliques/1/spec/roleName: roleName is required [schema.required]\n`);
  });

  it('exits 1 when no PodCliqueSet is given', () => {
    const r = canopy(['place', '--cluster', CLUSTER, file('cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no PodCliqueSet in');
  });

  it('exits 1 for a snapshot that is JSON but not a cluster', () => {
    const r = canopy(['place', '--cluster', file('notlist.json', '{"kind": "List", "items": 3}'), file('ok.yaml', pcs({ workers: 1, gpus: 8 }))]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('items: must be a list');
    const empty = canopy(['place', '--cluster', file('empty.json', '{"apiVersion": "v1", "kind": "List", "items": []}'), file('ok2.yaml', pcs({ workers: 1, gpus: 8 }))]);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain('the snapshot has no nodes');
  });

  it('exits 2 for unreadable or unparsable input', () => {
    const ok = file('ok3.yaml', pcs({ workers: 1, gpus: 8 }));
    const missing = canopy(['place', '--cluster', path.join(dir, 'missing.json'), ok]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no such file');
    const notJson = canopy(['place', '--cluster', file('bad.json', '{ nope'), ok]);
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toContain('not JSON');
    const yaml = canopy(['place', '--cluster', CLUSTER, file('broken.yaml', 'kind: [unclosed\n')]);
    expect(yaml.code).toBe(2);
    expect(yaml.stderr).toMatch(/broken\.yaml:\d+:\d+: error:/);
    const noFile = canopy(['place', '--cluster', CLUSTER, path.join(dir, 'nope.yaml')]);
    expect(noFile.code).toBe(2);
    expect(canopy(['place', ok]).code).toBe(2);
    expect(canopy(['place', '--cluster', CLUSTER]).code).toBe(2);
    expect(canopy(['place', '--cluster', CLUSTER, '-o', 'xml', ok]).code).toBe(2);
  });

  it('prints help', () => {
    const r = canopy(['place', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: canopy place --cluster SNAPSHOT.json');
  });
});

describe('canopy place: the snapshot is the cluster', () => {
  it("refuses a constraint on a domain or a topology the snapshot's bindings lack, as Grove's webhook would (exit 1)", () => {
    const galaxy = file('galaxy.yaml', pcs({ workers: 1, gpus: 8, required: 'galaxy' }));
    const r = canopy(['place', '--cluster', CLUSTER, galaxy]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${galaxy}:12:9: error: PodCliqueSet/serve: /spec/template/topologyConstraint/pack/required: topology domain 'galaxy' does not exist in cluster topology "canopy-test"`);
    expect(r.stderr).toContain('[topology.unknownDomain]');
    const nope = file('nope.yaml', pcs({ workers: 1, gpus: 8, required: 'zone' }).replace('topologyName: canopy-test', 'topologyName: nope'));
    const n = canopy(['place', '--cluster', CLUSTER, nope]);
    expect(n.code).toBe(1);
    expect(n.stderr).toContain(`${nope}:10:7: error: PodCliqueSet/serve: /spec/template/topologyConstraint/topologyName: ClusterTopologyBinding "nope" not found (known: "canopy-test") [topology.unknownTopology]`);
  });

  it('places the PodCliqueSets of a v1 List (kubectl get pcs -o yaml)', () => {
    const items = pcs({ workers: 1, gpus: 8 }).split('\n').map((l, i) => (l ? `${i === 0 ? '  - ' : '    '}${l}` : l)).join('\n');
    const r = canopy(['place', '--cluster', CLUSTER, '-o', 'json', file('list.yaml', `apiVersion: v1\nkind: List\nitems:\n${items}`)]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { gangs: { name: string }[] }).gangs.map((g) => g.name)).toEqual(['serve-0']);
  });

  it('reads a snapshot with a UTF-8 byte-order mark or in UTF-16 (PowerShell 5), and refuses a binary one briefly', () => {
    const json = readFileSync(CLUSTER, 'utf8');
    const ok = file('ok4.yaml', pcs({ workers: 1, gpus: 8 }));
    const bom = file('bom.json', `\uFEFF${json}`);
    expect(canopy(['place', '--cluster', bom, ok])).toMatchObject({ code: 0, stderr: '' });
    const utf16 = path.join(dir, 'utf16.json');
    writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(json, 'utf16le')]));
    expect(canopy(['place', '--cluster', utf16, ok])).toMatchObject({ code: 0, stderr: '' });
    const bin = path.join(dir, 'cluster.bin');
    writeFileSync(bin, Buffer.from(Array.from({ length: 100_000 }, (_, i) => (i * 31) % 256)));
    expect(canopy(['place', '--cluster', bin, ok])).toMatchObject({ code: 2, stderr: `canopy place: ${bin}: not a text file\n` });
    // Long garbage without NUL bytes: the parser's message is cut, not the whole input echoed.
    const garbage = canopy(['place', '--cluster', file('garbage.json', `{${'x'.repeat(100_000)}`), ok]);
    expect(garbage.code).toBe(2);
    expect(garbage.stderr.length).toBeLessThan(300);
  });

  // serve (1 replica: gang serve-0 = router + 2 workers of 8 GPUs, required zone) runs in z1 (fixtures/README.md).
  const RUNNING = path.resolve(import.meta.dirname, 'fixtures', 'cluster-running.json');
  const serve = (replicas: number, workers = 2) => pcs({ workers, gpus: 8, required: 'zone' }).replace('  replicas: 1\n', `  replicas: ${replicas}\n`);
  type Json = { feasible: boolean; gangs: { name: string; placed: boolean; running?: true; domains: Record<string, string>; pods: { name: string; clique: string; node: string; gpus: number; running?: true }[] }[] };
  // By clique, then pod index (worker-q9d4m is index 0, worker-b3n8v index 1), not by name as the server lists them.
  const RUNNING_PODS = [
    { name: 'serve-0-router-x7k2p', clique: 'router', node: 'gpu-z1-b0-r0-n0', gpus: 0, running: true },
    { name: 'serve-0-worker-q9d4m', clique: 'worker', node: 'gpu-z1-b0-r0-n0', gpus: 8, running: true },
    { name: 'serve-0-worker-b3n8v', clique: 'worker', node: 'gpu-z1-b0-r0-n1', gpus: 8, running: true },
  ];

  it('a stack that runs, with one more replica: the running gang is reported as running where it is, only the new gang is placed', () => {
    const p = file('serve2.yaml', serve(2));
    const r = canopy(['place', '--cluster', RUNNING, '-o', 'json', p]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as Json;
    expect(out.feasible).toBe(true);
    expect(out.gangs.map((g) => g.name)).toEqual(['serve-0', 'serve-1']);
    expect(out.gangs[0]).toEqual({ name: 'serve-0', placed: true, running: true, domains: { zone: 'z1', block: 'z1-b0', rack: 'z1-b0-r0' }, pods: RUNNING_PODS });
    const added = out.gangs[1]!;
    expect(added.running).toBeUndefined();
    expect(added.placed).toBe(true);
    expect(added.pods.map((q) => q.name)).toEqual(['serve-1-router-0', 'serve-1-worker-0', 'serve-1-worker-1']);
    // The running pods hold z1-b0-r0's GPUs: the new workers go elsewhere, and nothing lands on a full node.
    for (const q of added.pods.filter((x) => x.gpus > 0)) expect(['gpu-z1-b0-r0-n0', 'gpu-z1-b0-r0-n1']).not.toContain(q.node);
    expect(added.pods.every((q) => q.running === undefined)).toBe(true);

    const text = canopy(['place', '--cluster', RUNNING, p]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('serve-0: running (3 pods, 16 GPUs), not re-placed\n  serve-0-router-x7k2p -> gpu-z1-b0-r0-n0, running\n');
    expect(text.stdout).toContain('serve-1: placed, 3 pods, 16 GPUs');
    expect(text.stdout).toContain('1 of 1 gang placed (1 more running, not re-placed)\n');
  });

  it('a stack that runs, unchanged: nothing is placed, exit 0; more replicas than fit: exit 3 with the running gang still running', () => {
    const same = canopy(['place', '--cluster', RUNNING, '-o', 'json', file('serve1.yaml', serve(1))]);
    expect(same.code).toBe(0);
    expect(JSON.parse(same.stdout)).toEqual({ feasible: true, gangs: [{ name: 'serve-0', placed: true, running: true, domains: { zone: 'z1', block: 'z1-b0', rack: 'z1-b0-r0' }, pods: RUNNING_PODS }] });
    // z1 is full after serve-1 (16 of its 32 GPUs run, serve-1 takes the other 16); z0 takes serve-2 and serve-3, serve-4 fits nowhere.
    const many = canopy(['place', '--cluster', RUNNING, '-o', 'json', file('serve5.yaml', serve(5))]);
    expect(many.code).toBe(3);
    const out = JSON.parse(many.stdout) as Json;
    expect(out.gangs.map((g) => [g.name, g.placed, g.running ?? false])).toEqual([
      ['serve-0', true, true],
      ['serve-1', true, false],
      ['serve-2', true, false],
      ['serve-3', true, false],
      ['serve-4', false, false],
    ]);
  });

  it('a running gang with more clique replicas: its running pods are kept, only the new pod is placed, held to the gang’s zone', () => {
    const r = canopy(['place', '--cluster', RUNNING, '-o', 'json', file('serve-w3.yaml', serve(1, 3))]);
    expect(r.code).toBe(0);
    const [g] = (JSON.parse(r.stdout) as Json).gangs;
    expect(g!.running).toBe(true);
    expect(g!.pods.slice(0, 3)).toEqual(RUNNING_PODS);
    expect(g!.pods.slice(3)).toEqual([expect.objectContaining({ name: 'serve-0-worker-2', clique: 'worker', gpus: 8 })]);
    expect(g!.pods[3]!.node).toMatch(/^gpu-z1-/);
  });

  it('says a running gang in the words of the topology and scale previews (planNotes runningGangLine on previewApply of the same snapshot)', () => {
    const state = clusterStateFromSnapshot(JSON.parse(readFileSync(RUNNING, 'utf8')));
    for (const [name, text] of [
      ['serve1.yaml', serve(1)],
      ['serve-w3.yaml', serve(1, 3)],
    ] as const) {
      const preview = previewApply(state, [parseManifests(text).documents[0]!.object as PodCliqueSet]);
      const lines = preview.running.map((r) => runningGangLine(runningGangFacts(r)));
      expect(lines).toHaveLength(1);
      const r = canopy(['place', '--cluster', RUNNING, file(name, text)]);
      expect(r.stdout.split('\n')).toContain(lines[0]);
    }
    expect(canopy(['place', '--cluster', RUNNING, file('serve-w3.yaml', serve(1, 3))]).stdout).toContain('serve-0: running (3 pods, 16 GPUs), not re-placed; only its pods not running yet are planned\n');
  });

  it('a running gang whose pods not running yet do not fit is NOT placed, with its reason and the pods it could not place (text and JSON)', () => {
    // 5 workers instead of 2: the 3 new ones need 24 GPUs and must join z1, which has 16 free.
    const p = file('serve-w5.yaml', serve(1, 5));
    const text = canopy(['place', '--cluster', RUNNING, p]);
    expect(text.code).toBe(3);
    expect(text.stdout).toContain('serve-0: running (3 pods, 16 GPUs), not re-placed; only its pods not running yet are planned\n');
    expect(text.stdout).toContain('serve-0 (pods not running yet): NOT placed: must join zone z1 where serve-0 runs (required zone); z1 has 16 free GPUs\n');
    expect(text.stdout).toContain('  not placed: serve-0-worker-2, serve-0-worker-3, serve-0-worker-4\n');
    expect(text.stdout).toMatch(/\n0 of 1 gang placed\n$/);
    const json = canopy(['place', '--cluster', RUNNING, '-o', 'json', p]);
    expect(json.code).toBe(3);
    const out = JSON.parse(json.stdout) as { feasible: boolean; gangs: (Json['gangs'][number] & { reason?: string; unplacedPods?: string[] })[] };
    expect(out.feasible).toBe(false);
    expect(out.gangs).toHaveLength(1);
    expect(out.gangs[0]).toMatchObject({ name: 'serve-0', placed: false, running: true, pods: RUNNING_PODS, unplacedPods: ['serve-0-worker-2', 'serve-0-worker-3', 'serve-0-worker-4'] });
    expect(out.gangs[0]!.reason).toMatch(/must join zone z1 .* 16 free GPUs/);
  });

  /** cluster-running.json with its pods changed by `edit` (a copy in the test's directory). */
  type SnapshotPod = { kind: string; metadata: { name: string }; spec: { nodeName?: string }; status: { phase: string } };
  function runningWith(name: string, edit: (pods: SnapshotPod[], add: (pod: SnapshotPod) => void) => void): string {
    const list = JSON.parse(readFileSync(RUNNING, 'utf8')) as { items: SnapshotPod[] };
    edit(
      list.items.filter((i) => i.kind === 'Pod'),
      (pod) => list.items.unshift(pod),
    );
    return file(name, JSON.stringify(list));
  }

  it('a pod created but not bound yet is planned as a pod not running yet and named Pending, not called new', () => {
    const snapshot = runningWith('pending.json', (pods) => {
      const w = pods.find((p) => p.metadata.name === 'serve-0-worker-b3n8v')!;
      delete w.spec.nodeName;
      w.status.phase = 'Pending';
    });
    const r = canopy(['place', '--cluster', snapshot, file('serve1p.yaml', serve(1))]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('serve-0: running (2 pods, 8 GPUs), not re-placed; only its pods not running yet are planned\n');
    expect(r.stdout).toContain('serve-0 (pods not running yet): placed, 1 pod, 8 GPUs in zone z1');
    expect(r.stdout).toContain('  already created, Pending (not bound to a node): serve-0-worker-b3n8v\n');
    expect(r.stdout).not.toContain('new pods');
    const json = JSON.parse(canopy(['place', '--cluster', snapshot, '-o', 'json', file('serve1p.yaml', serve(1))]).stdout) as { gangs: { pendingPods?: string[] }[] };
    expect(json.gangs[0]!.pendingPods).toEqual(['serve-0-worker-b3n8v']);
  });

  it('a terminating pod and its replacement (same PodClique and index, other suffix) count once', () => {
    const snapshot = runningWith('replaced.json', (pods, add) => {
      // The replacement is bound to the same node but not started yet; listed first, so order does not pick it.
      const replacement = structuredClone(pods.find((p) => p.metadata.name === 'serve-0-worker-b3n8v')!);
      replacement.metadata.name = 'serve-0-worker-zz9kq';
      replacement.status.phase = 'Pending';
      add(replacement);
    });
    const r = canopy(['place', '--cluster', snapshot, file('serve1d.yaml', serve(1))]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('serve-0: running (3 pods, 16 GPUs), not re-placed\n');
    expect(r.stdout).not.toContain('serve-0-worker-zz9kq');
  });

  it('a terminating pod (metadata.deletionTimestamp) listed before its Running replacement: the replacement is the gang’s', () => {
    const snapshot = runningWith('terminating.json', (pods, add) => {
      const worker = pods.find((p) => p.metadata.name === 'serve-0-worker-b3n8v')!;
      // The old pod, still Running on its node but deleted, comes first in the list...
      add({ ...structuredClone(worker), metadata: { ...worker.metadata, deletionTimestamp: '2026-11-30T18:00:00Z' } as SnapshotPod['metadata'] });
      // ...and its replacement (another suffix) was bound to another node of the zone and runs.
      worker.metadata.name = 'serve-0-worker-zz9kq';
      worker.spec.nodeName = 'gpu-z1-b0-r1-n0';
    });
    const r = canopy(['place', '--cluster', snapshot, '-o', 'json', file('serve1t.yaml', serve(1))]);
    expect(r.code).toBe(0);
    const [g] = (JSON.parse(r.stdout) as Json).gangs;
    expect(g).toMatchObject({ name: 'serve-0', placed: true, running: true });
    // zz9kq replaces b3n8v as pod index 1: after q9d4m (index 0).
    expect(g!.pods).toEqual([RUNNING_PODS[0], RUNNING_PODS[1], { name: 'serve-0-worker-zz9kq', clique: 'worker', node: 'gpu-z1-b0-r1-n0', gpus: 8, running: true }]);
  });

  it('prints validation warnings on standard error, as canopy validate does, and still places (exit 0)', () => {
    // startsAfter without the Explicit startup type: Grove ignores it, a warning.
    const text = pcs({ workers: 1, gpus: 8 }).replace('          roleName: worker\n', '          roleName: worker\n          startsAfter: [x]\n');
    const p = file('ignored-starts-after.yaml', text);
    const placed = canopy(['place', '--cluster', CLUSTER, p]);
    const validated = canopy(['validate', p]);
    expect(placed.code).toBe(0);
    expect(placed.stdout).toContain('1 of 1 gang placed');
    const warning = validated.stdout.split('\n').find((l) => l.includes(': warning: '))!;
    expect(warning).toMatch(/startsAfter is only honoured with cliqueStartupType: CliqueStartupTypeExplicit/);
    expect(placed.stderr).toBe(`${warning}\n`);
  });
});

describe('canopy place: the order of the snapshot’s items does not change the plan', () => {
  /** The snapshot `from` with its items in reverse order, as a hand-made file (or another tool) may list them. */
  function reversed(name: string, from: string): string {
    const list = JSON.parse(readFileSync(from, 'utf8')) as { items: unknown[] };
    return file(name, JSON.stringify({ ...list, items: [...list.items].reverse() }));
  }
  const podsToNodes = (stdout: string) => (JSON.parse(stdout) as { gangs: { name: string; pods: { name: string; node: string }[] }[] }).gangs.map((g) => [g.name, g.pods.map((p) => [p.name, p.node])]);

  it('a reversed snapshot places every pod on the node the forward one does (nodes tie: the server’s key order decides, not the file’s)', () => {
    // Two stacks: one held to a zone, one with no constraint at all (every free node ties).
    const stacks = [file('order-zone.yaml', pcs({ name: 'zoned', workers: 2, gpus: 8, required: 'zone' })), file('order-free.yaml', pcs({ name: 'free', workers: 3, gpus: 4 }))];
    const forward = canopy(['place', '--cluster', CLUSTER, '-o', 'json', ...stacks]);
    const backward = canopy(['place', '--cluster', reversed('cluster-small-reversed.json', CLUSTER), '-o', 'json', ...stacks]);
    expect(forward.stderr).toBe('');
    expect(forward.code).toBe(0);
    expect(backward.code).toBe(0);
    expect(podsToNodes(backward.stdout)).toEqual(podsToNodes(forward.stdout));
    expect(JSON.parse(backward.stdout)).toEqual(JSON.parse(forward.stdout));
    // The forward file is in key order (as kubectl writes it), so this is the plan the server's preview gives.
    expect(podsToNodes(forward.stdout)[0]).toEqual(['zoned-0', [['zoned-0-router-0', 'gpu-z0-b0-r0-n0'], ['zoned-0-worker-0', 'gpu-z0-b0-r0-n1'], ['zoned-0-worker-1', 'gpu-z0-b0-r1-n1']]]);
  });

  it('a reversed snapshot with a running stack: the running gang is kept as it is listed forward, the new one placed alike (text too)', () => {
    const RUNNING = path.resolve(import.meta.dirname, 'fixtures', 'cluster-running.json');
    const backwards = reversed('cluster-running-reversed.json', RUNNING);
    const stack = file('order-serve.yaml', pcs({ workers: 2, gpus: 8, required: 'zone' }).replace('  replicas: 1\n', '  replicas: 2\n'));
    for (const format of ['json', 'text']) {
      const forward = canopy(['place', '--cluster', RUNNING, '-o', format, stack]);
      const backward = canopy(['place', '--cluster', backwards, '-o', format, stack]);
      expect(forward.code).toBe(0);
      expect(backward.stdout).toBe(forward.stdout);
    }
  });
});
