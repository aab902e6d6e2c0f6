import { expect, test } from 'vitest';
import { findingPath } from './FindingsList';

test('a finding names its field by JSON path, as typed in jq or a console', () => {
  expect(findingPath('/spec/template/cliques/2/spec/replicas')).toBe('spec.template.cliques[2].spec.replicas');
  expect(findingPath('/spec/template/cliques/0/spec/podSpec/containers/1/resources/limits/nvidia.com~1gpu')).toBe('spec.template.cliques[0].spec.podSpec.containers[1].resources.limits["nvidia.com/gpu"]');
  expect(findingPath('/metadata/labels/kai.scheduler~1queue')).toBe('metadata.labels["kai.scheduler/queue"]');
  expect(findingPath('')).toBe('');
});
