/** checkManifestText: findings pinned to line:column, parse errors with their position. */
import { describe, expect, test } from 'vitest';
import type { Finding } from './findings';
import { capFindings, checkManifests, checkManifestText, fileTopologyBindings, manifestTopologyBindings, MAX_FINDINGS_PER_DOCUMENT } from './check';
import { manifestsOfYaml, parseYamlDocuments } from './manifest';

const PCS = `apiVersion: grove.io/v1alpha1
kind: PodCliqueSet
metadata:
  name: demo
spec:
  replicas: 1
  template:
    cliques:
      - name: frontend
        spec:
          replicas: 2
          podSpec:
            containers: [{name: app, image: busybox}]
      - name: backend
        spec:
          roleName: backend
          replicas: 1
          minAvailable: 3
          podSpec:
            containers: [{name: app, image: busybox}]
`;

describe('checkManifestText', () => {
  test('a missing roleName points at the line of that clique\'s spec: key', () => {
    const { documents, parseErrors } = checkManifestText(PCS);
    expect(parseErrors).toEqual([]);
    const f = documents[0]!.findings.find((x) => x.rule === 'schema.required');
    expect(f).toMatchObject({ path: '/spec/template/cliques/0/spec/roleName', severity: 'error', line: 10, column: 9 });
  });

  test('a finding on an existing field points at its key; findings are sorted by position', () => {
    const { documents } = checkManifestText(PCS);
    const findings = documents[0]!.findings;
    expect(findings.find((x) => x.rule === 'clique.minAvailable')).toMatchObject({ path: '/spec/template/cliques/1/spec/minAvailable', line: 18, column: 11 });
    const lines = findings.map((x) => x.line ?? 0);
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
    expect(documents[0]).toMatchObject({ index: 0, kind: 'PodCliqueSet', name: 'demo', line: 1 });
  });

  test('schema.nullPruned warnings carry positions too', () => {
    const text = PCS.replace('  replicas: 1\n', '  replicas: 1\n  updateStrategy: null\n');
    const f = checkManifestText(text).documents[0]!.findings.find((x) => x.rule === 'schema.nullPruned');
    expect(f).toMatchObject({ path: '/spec/updateStrategy', severity: 'warning', line: 7, column: 3 });
  });

  test('a YAML syntax error gives a parse error with its line and column, and no report for that document', () => {
    const text = 'apiVersion: grove.io/v1alpha1\nkind: PodCliqueSet\nmetadata:\n  name: demo\nspec:\n  replicas: [1\n';
    const { documents, parseErrors } = checkManifestText(text);
    expect(documents).toEqual([]);
    expect(parseErrors.length).toBeGreaterThan(0);
    expect(parseErrors[0]!.line).toBeGreaterThanOrEqual(6);
    expect(parseErrors[0]!.column).toBeGreaterThanOrEqual(1);
    // A duplicate key is a parse error at the second key.
    const bad = checkManifestText('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\nkind: A\nkind: B\n');
    expect(bad.parseErrors[0]).toMatchObject({ line: 6, column: 1, document: 1 });
    expect(bad.documents.map((d) => d.index)).toEqual([0]);
  });

  test('the second document of a file is reported with its own positions', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n' + PCS;
    const { documents } = checkManifestText(text);
    expect(documents.map((d) => [d.index, d.kind, d.line])).toEqual([
      [0, 'ConfigMap', 1],
      [1, 'PodCliqueSet', 5],
    ]);
    expect(documents[0]!.findings).toEqual([]);
    expect(documents[1]!.findings.find((x) => x.rule === 'schema.required')).toMatchObject({ line: 14, column: 9 });
  });

  test('the validation context reaches the validator', () => {
    const text = PCS.replace('    cliques:', '    topologyConstraint: {topologyName: gb200, pack: {required: rack}}\n    cliques:');
    const off = checkManifestText(text, { topologyAwareScheduling: false }).documents[0]!.findings;
    expect(off.find((x) => x.rule === 'topology.disabled')).toMatchObject({ path: '/spec/template/topologyConstraint', line: 8, column: 5 });
    expect(checkManifestText(text).documents[0]!.findings.find((x) => x.rule === 'topology.disabled')).toBeUndefined();
  });
});

describe('checkManifestText: which documents are checked', () => {
  test('a Grove kind is checked; another kind, or a Grove kind name under a foreign apiVersion, passes through', () => {
    const text = 'apiVersion: v1\nkind: Service\nmetadata: {name: web}\n---\napiVersion: example.com/v1\nkind: PodCliqueSet\nmetadata: {name: x}\n---\napiVersion: grove.io/v1alpha1\nkind: ClusterTopologyBinding\nmetadata: {name: t}\nspec: {levels: [{domain: rack, key: r}]}\n';
    const r = checkManifestText(text);
    expect(r.documents.map((d) => [d.apiVersion, d.kind, d.checked])).toEqual([
      ['v1', 'Service', false],
      ['example.com/v1', 'PodCliqueSet', false],
      ['grove.io/v1alpha1', 'ClusterTopologyBinding', true],
    ]);
  });
});

describe('a document with too many findings', () => {
  test('lists the first ones and one finding that counts the rest, with their line', () => {
    // 700 cliques with the same two mistakes (no roleName; an invalid name): 1,400+ errors.
    const cliques = Array.from({ length: 700 }, () => '      - {name: Bad_Name, spec: {replicas: 1}}').join('\n');
    const text = `apiVersion: grove.io/v1alpha1\nkind: PodCliqueSet\nmetadata: {name: big}\nspec:\n  replicas: 1\n  template:\n    cliques:\n${cliques}\n`;
    const [doc] = checkManifestText(text).documents;
    expect(doc!.findings).toHaveLength(MAX_FINDINGS_PER_DOCUMENT + 1);
    const summary = doc!.findings.find((f) => f.rule === 'report.truncated');
    expect(summary).toMatchObject({ severity: 'error', line: 1, column: 1 });
    expect(summary!.message).toMatch(/^\d+ more findings \(\d+ of them errors\) are not listed/);
    expect(doc!.findings.filter((f) => f.rule !== 'report.truncated').every((f) => typeof f.line === 'number')).toBe(true);
  });

  test('errors are listed before warnings are; nothing is capped at or under the limit', () => {
    const finding = (severity: Finding['severity'], i: number): Finding => ({ path: `/x/${i}`, rule: 'r', severity, message: String(i) });
    const many = [...Array.from({ length: 5 }, (_, i) => finding('warning', i)), ...Array.from({ length: 3 }, (_, i) => finding('error', i))];
    expect(capFindings(many, 8)).toEqual(many);
    const capped = capFindings(many, 4);
    expect(capped.slice(0, 3).every((f) => f.severity === 'error')).toBe(true);
    expect(capped[3]).toMatchObject({ severity: 'warning', message: '0' });
    expect(capped[4]).toMatchObject({ rule: 'report.truncated', severity: 'warning', message: expect.stringMatching(/^4 more findings \(warnings\)/) });
  });
});


describe('a ClusterTopologyBinding in the same file', () => {
  const BINDING = `apiVersion: grove.io/v1alpha1
kind: ClusterTopologyBinding
metadata: {name: gb200}
spec:
  levels:
    - {domain: zone, key: topology.kubernetes.io/zone}
    - {domain: block, key: example.com/block}
    - {domain: rack, key: example.com/rack}
    - {domain: host, key: kubernetes.io/hostname}
`;
  const packed = (name: string, stack: string, clique: string) => `apiVersion: grove.io/v1alpha1
kind: PodCliqueSet
metadata: {name: packed, labels: {kai.scheduler/queue: team}}
spec:
  replicas: 1
  template:
    topologyConstraint: {topologyName: ${name}, pack: {required: ${stack}}}
    cliques:
      - name: a
        topologyConstraint: {pack: {required: ${clique}}}
        spec: {roleName: a, replicas: 1, podSpec: {schedulerName: kai-scheduler, containers: [{name: app, image: busybox}]}}
`;
  const findings = (text: string, context = {}) => checkManifestText(text, context).documents.flatMap((d) => d.findings.map((f) => `${f.severity} ${f.rule}`));
  const snapshot = { topologies: { demo: [{ domain: 'zone' as const, key: 'z' }, { domain: 'host' as const, key: 'h' }] } };

  test('is known to the PodCliqueSets of the file, next to the cluster snapshot\'s', () => {
    expect(findings(`${BINDING}---\n${packed('gb200', 'block', 'host')}`, snapshot)).toEqual([]);
    // Its order decides: zone is broader than the stack's block, an error (not a warning for want of a binding).
    expect(findings(`${BINDING}---\n${packed('gb200', 'block', 'zone')}`, snapshot)).toEqual(['error topology.narrowerThanParent']);
    expect(findings(`${BINDING}---\n${packed('gb200', 'block', 'datacenter')}`, snapshot)).toEqual(['error topology.unknownDomain']);
    // Without it, the snapshot lacks gb200.
    expect(findings(packed('gb200', 'block', 'host'), snapshot)).toEqual(['warning topology.unknownTopology']);
  });

  test('without a cluster snapshot it is what the PodCliqueSet is checked against, when it is all the PodCliqueSet names', () => {
    expect(findings(`${BINDING}---\n${packed('gb200', 'block', 'zone')}`)).toEqual(['error topology.narrowerThanParent']);
    // A topology the file does not hold: nothing is known about it, so nothing is claimed.
    expect(findings(`${BINDING}---\n${packed('other', 'block', 'zone')}`)).not.toContain('warning topology.unknownTopology');
  });
});

describe('checkManifests: the same check on a text parsed once elsewhere', () => {
  test('gives checkManifestText\'s report, and reads the parse it is given (nothing parsed again)', () => {
    const binding = 'apiVersion: grove.io/v1alpha1\nkind: ClusterTopologyBinding\nmetadata: {name: racks}\nspec: {levels: [{domain: rack, key: r}]}\n';
    const text = `${PCS}---\n${binding}`;
    const yaml = parseYamlDocuments(text);
    const manifests = manifestsOfYaml(yaml);
    expect(manifests.documents[0]!.source).toBe(yaml.documents[0]);
    const report = checkManifests(manifests);
    expect(report).toEqual(checkManifestText(text));
    expect(report.documents[0]!.findings.some((f) => f.rule === 'schema.required' && f.line !== undefined)).toBe(true);
    expect(manifestTopologyBindings(manifests)).toEqual(fileTopologyBindings(text));
    expect(Object.keys(manifestTopologyBindings(manifests))).toEqual(['racks']);
  });
});
