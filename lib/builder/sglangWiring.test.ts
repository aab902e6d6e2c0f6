/** SGLang over several nodes in the builder: a clique joining a group is wired as its members are, and wiring that is off is a finding on the clique. */
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { readBuilderText } from './document';
import { addClique, addGroup, moveIntoGroup, setField, type EditResult } from './edits';
import { findingTarget } from './findings';
import { graphFromObject } from './graph';
import { checkAgainstRunning } from './liveStack';
import { RevisionReads } from './revision';
import { LEADER_ADDR_RULE, NODE_COUNT_RULE, NODE_RANK_RULE, serverWiring, sglangFindings } from '../grove/sglang';
import { FLAVOURS, STACK_TEMPLATES, stackText } from './templates';

type Json = Record<string, any>;

function edited(r: EditResult): Extract<EditResult, { ok: true }> {
  if (!r.ok) throw new Error(r.message);
  return r;
}

const SGLANG = stackText('multi-node-disaggregated-frontend', 'sglang');

function clique(text: string, name: string): Json {
  return (parse(text) as Json).spec.template.cliques.find((c: Json) => c.name === name);
}

/** The address --dist-init-addr names (in args, without its port). */
const leaderAddr = (c: Json) => {
  const args: string[] = c.spec.podSpec.containers[0].args;
  return args[args.indexOf('--dist-init-addr') + 1]!.replace(/:5000$/, '');
};
const rankOf = (c: Json) => /--node-rank ("[^"]*"|\S+)/.exec(c.spec.podSpec.containers[0].command[2])![1];

/** The builder's findings of the text's PodCliqueSet (as the findings list gets them), with the canvas item each lands on. */
function findings(text: string) {
  const read = readBuilderText(text);
  if (!read.ok) throw new Error(read.message);
  const graph = graphFromObject(read.object);
  const found = checkAgainstRunning(new RevisionReads(), text, {}, {}, null).report.documents[0]!.findings;
  return found.filter((f) => f.rule.startsWith('sglang.')).map((f) => ({ ...f, target: findingTarget(graph, f.path) }));
}

describe('an SGLang palette clique added into a scaling group of a template', () => {
  test("a decode worker added to decode addresses the group's leader and takes the ranks after its members' pods", () => {
    const r = edited(addClique(SGLANG, { kind: 'decode-worker', flavour: 'sglang', group: 'decode' }));
    const added = clique(r.text, 'decode-worker');
    // As dworker does: the leader pod of this replica of the group.
    expect(leaderAddr(added)).toBe(leaderAddr(clique(r.text, 'dworker')));
    expect(leaderAddr(added)).toBe('$(GROVE_PCSG_NAME)-$(GROVE_PCSG_INDEX)-dleader-0.$(GROVE_HEADLESS_SERVICE)');
    // dleader is rank 0, dworker's 3 pods 1-3: the new worker's pod is rank 4 of --nnodes 5.
    expect(rankOf(added)).toBe('"$((GROVE_PCLQ_POD_INDEX + 4))"');
    expect(rankOf(clique(r.text, 'dworker'))).toBe('"$((GROVE_PCLQ_POD_INDEX + 1))"');
    expect(r.note).toBe('decode-worker');
    expect(r.rewired).toBe("its SGLang wiring follows decode's: its leader address is dleader-0; its pods take node ranks from 4, after dleader, dworker's");
    expect(findings(r.text)).toEqual([]);
    // And one more after it.
    const again = edited(addClique(r.text, { kind: 'decode-worker', flavour: 'sglang', group: 'decode' }));
    expect(rankOf(clique(again.text, 'decode-worker-2'))).toBe('"$((GROVE_PCLQ_POD_INDEX + 5))"');
    expect(findings(again.text)).toEqual([]);
  });

  test('only the two values change: every other line of the file stays', () => {
    const plain = edited(addClique(SGLANG, { kind: 'prefill-worker', flavour: 'sglang' })).text;
    const wired = edited(addClique(SGLANG, { kind: 'prefill-worker', flavour: 'sglang', group: 'prefill' })).text;
    const left = plain.split('\n');
    // The lines of `wired` that `plain` has not (each of its lines matched once).
    const differing = wired.split('\n').filter((l) => {
      const i = left.indexOf(l);
      if (i < 0) return true;
      left.splice(i, 1);
      return false;
    });
    expect(differing.map((l) => l.trim())).toEqual([
      expect.stringContaining('--node-rank "$((GROVE_PCLQ_POD_INDEX + 2))"'),
      '- $(GROVE_PCSG_NAME)-$(GROVE_PCSG_INDEX)-pleader-0.$(GROVE_HEADLESS_SERVICE):5000',
      '- prefill-worker',
    ]);
  });

  test('a palette worker dropped loose and then moved into the group is wired the same way', () => {
    const loose = edited(addClique(SGLANG, { kind: 'decode-worker', flavour: 'sglang' }));
    expect(leaderAddr(clique(loose.text, 'decode-worker'))).toContain('-decode-leader-0.');
    const moved = edited(moveIntoGroup(loose.text, 'decode-worker', 'decode'));
    expect(moved.note).toBe('decode-worker joined decode');
    expect(moved.rewired).toContain('its leader address is dleader-0');
    expect(leaderAddr(clique(moved.text, 'decode-worker'))).toContain('-dleader-0.');
    expect(rankOf(clique(moved.text, 'decode-worker'))).toBe('"$((GROVE_PCLQ_POD_INDEX + 4))"');
    expect(findings(moved.text)).toEqual([]);
  });

  test('a worker of its own, the address written in its script, keeps the rest of the script when it joins', () => {
    const script = (leader: string, offset: number) =>
      `exec python3 -m sglang.launch_server --dist-init-addr $(GROVE_PCSG_NAME)-$(GROVE_PCSG_INDEX)-${leader}-0.$(GROVE_HEADLESS_SERVICE):5000 --nnodes $(GROVE_PCSG_TEMPLATE_NUM_PODS) --node-rank $((GROVE_PCLQ_POD_INDEX + ${offset})) --tp 4`;
    const own = SGLANG.replace(
      /( +)podCliqueScalingGroups:/,
      (line, indent: string) => `${indent}  - name: mine\n${indent}    spec:\n${indent}      roleName: mine\n${indent}      replicas: 2\n${indent}      podSpec:\n${indent}        containers:\n${indent}          - name: s\n${indent}            image: sglang\n${indent}            command: [sh, -c, "${script('old', 1)}"]\n${line}`,
    );
    const moved = edited(moveIntoGroup(own, 'mine', 'decode'));
    expect(clique(moved.text, 'mine').spec.podSpec.containers[0].command).toEqual(['sh', '-c', script('dleader', 4)]);
    expect(findings(moved.text)).toEqual([]);
  });

  test('vLLM and Dynamo cliques (no SGLang wiring) are added as before', () => {
    for (const flavour of ['vllm', 'dynamo'] as const) {
      const text = stackText('multi-node-disaggregated-frontend', flavour);
      const r = edited(addClique(text, { kind: 'decode-worker', flavour, group: 'decode' }));
      expect(r.rewired).toBeUndefined();
      expect(clique(r.text, 'decode-worker')).toEqual(clique(edited(addClique(text, { kind: 'decode-worker', flavour })).text, 'decode-worker'));
    }
  });
});

describe('SGLang wiring that cannot be derived is a finding on the clique', () => {
  test('a second leader in a group is left as it is, and its rank 0 is a finding on it', () => {
    const r = edited(addClique(SGLANG, { kind: 'decode-leader', flavour: 'sglang', group: 'decode' }));
    expect(r.rewired).toBeUndefined();
    const found = findings(r.text);
    expect(found.map((f) => [f.rule, f.severity, f.target])).toEqual([[NODE_RANK_RULE, 'warning', { kind: 'clique', name: 'decode-leader' }]]);
    expect(found[0]!.path).toBe('/spec/template/cliques/5/spec/podSpec/containers/0/command/2');
    expect(found[0]!.message).toBe(
      "decode-leader's pods take SGLang node rank 0 in scaling group decode, but rank 0 is dleader-0's already: each of the 5 pods of a group replica needs a rank of its own, 0 to 4, or the server never starts.",
    );
    expect(found[0]!.line).toBeGreaterThan(0);
  });

  test("a member's replicas changed after a worker was added: the ranks that clash are a finding, with the rank to start from", () => {
    const r = edited(addClique(SGLANG, { kind: 'decode-worker', flavour: 'sglang', group: 'decode' }));
    const dworker = (parse(r.text) as Json).spec.template.cliques.findIndex((c: Json) => c.name === 'dworker');
    const more = edited(setField(r.text, ['spec', 'template', 'cliques', dworker, 'spec', 'replicas'], 4));
    const found = findings(more.text);
    expect(found.map((f) => [f.rule, f.target])).toEqual([[NODE_RANK_RULE, { kind: 'clique', name: 'decode-worker' }]]);
    expect(found[0]!.message).toBe(
      "decode-worker's pods take SGLang node rank 4 in scaling group decode, but rank 4 is dworker-3's already: each of the 6 pods of a group replica needs a rank of its own, 0 to 5, or the server never starts. Its --node-rank could be \"$((GROVE_PCLQ_POD_INDEX + 5))\".",
    );
  });

  test('a worker in a group with no leader: its address and ranks are findings until the leader joins, then none', () => {
    const withGroup = edited(addGroup(SGLANG, 'extra')).text;
    const worker = edited(addClique(withGroup, { kind: 'decode-worker', flavour: 'sglang', group: 'extra' }));
    expect(worker.rewired).toBeUndefined();
    const found = findings(worker.text);
    expect(found.map((f) => [f.rule, f.target])).toEqual([
      [NODE_RANK_RULE, { kind: 'clique', name: 'decode-worker' }],
      [LEADER_ADDR_RULE, { kind: 'clique', name: 'decode-worker' }],
    ]);
    expect(found[0]!.message).toBe(
      "decode-worker's pods take SGLang node rank 1 in scaling group extra, but rank 1 is past --nnodes 1 ($(GROVE_PCSG_TEMPLATE_NUM_PODS), the group's pods): the one pod of a group replica needs rank 0, or the server never starts. Its --node-rank could be \"$((GROVE_PCLQ_POD_INDEX))\".",
    );
    expect(found[1]!.message).toBe(
      "decode-worker's SGLang --dist-init-addr addresses pod 0 of decode-leader, which is not in scaling group extra: it must be this group replica's rank-0 pod, and no clique of the group has --node-rank 0, or the server waits for a pod that never answers",
    );
    expect(found[1]!.path).toBe('/spec/template/cliques/5/spec/podSpec/containers/0/args/5');
    const led = edited(addClique(worker.text, { kind: 'decode-leader', flavour: 'sglang', group: 'extra' }));
    expect(findings(led.text)).toEqual([]);
  });

  test('a clique of no SGLang server in the group counts in --nnodes $(GROVE_PCSG_TEMPLATE_NUM_PODS): the rank no pod takes is a finding on the group', () => {
    const r = edited(addClique(SGLANG, { kind: 'generic', flavour: 'sglang', group: 'decode' }));
    expect(r.rewired).toBeUndefined();
    const found = findings(r.text);
    expect(found.map((f) => [f.rule, f.target])).toEqual([[NODE_COUNT_RULE, { kind: 'group', name: 'decode' }]]);
    expect(found[0]!.message).toBe("scaling group decode: --nnodes 5 ($(GROVE_PCSG_TEMPLATE_NUM_PODS), the group's pods), but no SGLang pod of it takes node rank 4, so the server waits for it and never starts (the pods of clique, which run no SGLang server, count in it)");
  });

  test("a worker addressing another group's leader is a finding naming the group's own", () => {
    const text = SGLANG.replace(/(- name: dworker[\s\S]*?GROVE_PCSG_INDEX\)-)dleader-0/, '$1pleader-0');
    const found = findings(text);
    expect(found.map((f) => [f.rule, f.target])).toEqual([[LEADER_ADDR_RULE, { kind: 'clique', name: 'dworker' }]]);
    expect(found[0]!.message).toBe(
      "dworker's SGLang --dist-init-addr addresses pod 0 of pleader, which is not in scaling group decode: it must be this group replica's rank-0 pod, dleader-0 ($(GROVE_PCSG_NAME)-$(GROVE_PCSG_INDEX)-dleader-0.$(GROVE_HEADLESS_SERVICE)), or the server waits for a pod that never answers",
    );
  });
});

describe('reading the wiring', () => {
  test.each(STACK_TEMPLATES.flatMap((t) => FLAVOURS.map((f) => [t, f] as const)))('%s (%s) has no SGLang wiring finding', (t, f) => {
    expect(sglangFindings(parse(stackText(t, f)) as Json)).toEqual([]);
  });

  const server = (container: Json) => serverWiring({ name: 'w', spec: { replicas: 1, podSpec: { containers: [{ name: 'sidecar', image: 'x' }, container] } } });

  test('ranks, node counts and the leader address in the forms a pod can pass them', () => {
    const addr = '$(GROVE_PCSG_NAME)-$(GROVE_PCSG_INDEX)-lead-er-0.$(GROVE_HEADLESS_SERVICE)';
    const args = server({ name: 's', command: ['python3', '-m', 'sglang.launch_server'], args: ['--node-rank', '$(GROVE_PCLQ_POD_INDEX)', '--nnodes=4', '--dist-init-addr', `${addr}:5000`] });
    expect(args).toMatchObject({ container: 1, rank: { kind: 'podIndex', offset: 0 }, nodes: 4, leader: { clique: 'lead-er', pod: 0, value: { item: { at: ['spec', 'podSpec', 'containers', 1, 'args', 4] } } } });
    const script = server({
      name: 's',
      command: ['sh', '-c', 'exec python3 -m sglang.launch_server --node-rank "$((2 + $GROVE_PCLQ_POD_INDEX))" --nnodes "${GROVE_PCSG_TEMPLATE_NUM_PODS}" --dist-init-addr "${ADDR}:5000"'],
      env: [{ name: 'ADDR', value: 'elsewhere' }, { name: 'ADDR', value: addr }],
    });
    expect(script).toMatchObject({ rank: { kind: 'podIndex', offset: 2 }, nodes: 'group', leader: { clique: 'lead-er', value: { item: { at: ['spec', 'podSpec', 'containers', 1, 'env', 1, 'value'] } } } });
    // Shell arithmetic in args is passed as it is written: no rank that can be told.
    expect(server({ name: 's', command: ['python3', '-m', 'sglang.launch_server'], args: ['--node-rank', '$((GROVE_PCLQ_POD_INDEX + 1))'] })!.rank).toBeNull();
    // A single-node server is no part of a group's wiring.
    expect(server({ name: 's', command: ['python3', '-m', 'sglang.launch_server'], args: ['--tp', '4'] })).toBeNull();
  });
});
