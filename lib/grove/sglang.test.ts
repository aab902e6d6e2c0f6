/**
 * SGLang multi-node wiring is checked wherever a manifest is (checkManifestText: the Validate page,
 * `canopy validate`, the builder): warnings at the line:column of the string that is off, for a
 * PodCliqueSet written by hand as much as one built in the builder. Grove accepts all of it.
 */
import { describe, expect, test } from 'vitest';
import { checkManifestText } from './check';
import type { Finding } from './findings';

const SIBLING = (clique: string, pod: number) => `$(GROVE_PCSG_NAME)-$(GROVE_PCSG_INDEX)-${clique}-${pod}.$(GROVE_HEADLESS_SERVICE):5000`;

/** A decode group of a leader clique (rank 0) and a worker clique of 2 pods wired by `workerScript`, `--nnodes` given by `nodes`. */
function stack(workerScript: string, nodes = '$(GROVE_PCSG_TEMPLATE_NUM_PODS)'): string {
  return `apiVersion: grove.io/v1alpha1
kind: PodCliqueSet
metadata:
  name: sgl
spec:
  replicas: 1
  template:
    cliques:
      - name: leader
        spec:
          roleName: leader
          replicas: 1
          podSpec:
            containers:
              - name: sglang
                image: lmsysorg/sglang
                command: [python3, -m, sglang.launch_server]
                args: [--nnodes, "${nodes}", --node-rank, "0", --dist-init-addr, "${SIBLING('leader', 0)}"]
      - name: worker
        spec:
          roleName: worker
          replicas: 2
          podSpec:
            containers:
              - name: sglang
                image: lmsysorg/sglang
                command:
                  - sh
                  - -c
                  - exec python3 -m sglang.launch_server --nnodes ${nodes} ${workerScript}
    podCliqueScalingGroups:
      - name: decode
        cliqueNames: [leader, worker]
`;
}

const sglang = (text: string): Finding[] => {
  const report = checkManifestText(text);
  expect(report.parseErrors).toEqual([]);
  return report.documents[0]!.findings.filter((f) => f.rule.startsWith('sglang.'));
};

describe('checkManifestText: SGLang wiring of a scaling group', () => {
  test('a group wired right has no SGLang finding', () => {
    expect(sglang(stack(`--node-rank "$((GROVE_PCLQ_POD_INDEX + 1))" --dist-init-addr ${SIBLING('leader', 0)}`))).toEqual([]);
  });

  test("a worker whose pods take the leader's rank, addressing a pod that is not rank 0, gets both warnings at its script", () => {
    const found = sglang(stack(`--node-rank "$((GROVE_PCLQ_POD_INDEX))" --dist-init-addr ${SIBLING('worker', 1)}`));
    expect(found.map((f) => [f.rule, f.severity, f.path, f.line, f.column])).toEqual([
      ['sglang.leaderAddress', 'warning', '/spec/template/cliques/1/spec/podSpec/containers/0/command/2', 30, 21],
      ['sglang.nodeRank', 'warning', '/spec/template/cliques/1/spec/podSpec/containers/0/command/2', 30, 21],
    ]);
    expect(found[0]!.message).toContain('worker-1, whose node rank is 1');
    expect(found[1]!.message).toContain("rank 0 is leader-0's already");
  });

  test('ranks no pod takes under a fixed --nnodes are said on the scaling group', () => {
    const found = sglang(stack(`--node-rank "$((GROVE_PCLQ_POD_INDEX + 1))" --dist-init-addr ${SIBLING('leader', 0)}`, '4'));
    expect(found.map((f) => [f.rule, f.severity, f.path, f.line, f.column])).toEqual([
      ['sglang.nodeCount', 'warning', '/spec/template/podCliqueScalingGroups/0', 32, 9],
    ]);
    expect(found[0]!.message).toContain('no SGLang pod of it takes node rank 3');
  });

  test('the same PodCliqueSet under a foreign apiVersion is not checked', () => {
    const text = stack(`--node-rank "$((GROVE_PCLQ_POD_INDEX))" --dist-init-addr ${SIBLING('worker', 1)}`).replace('grove.io/v1alpha1', 'example.com/v1');
    expect(sglang(text)).toEqual([]);
  });
});
