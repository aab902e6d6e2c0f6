/** What the live browser tests share: clients for the control plane the live server runs on, and fixtures. */
import * as k8s from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { liveKubeconfigPath } from './paths';

export function liveKubeConfig(): k8s.KubeConfig {
  const kubeConfig = new k8s.KubeConfig();
  kubeConfig.loadFromFile(liveKubeconfigPath());
  return kubeConfig;
}

export const PODCLIQUESETS = { group: 'grove.io', version: 'v1alpha1', plural: 'podcliquesets' } as const;

/** A fresh namespace per test (the cluster is shared by every live test of the run). */
export async function createNamespace(core: k8s.CoreV1Api, prefix: string): Promise<string> {
  const name = `${prefix}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e4)}`;
  await core.createNamespace({ body: { metadata: { name } } });
  return name;
}

/** Canopy's disaggregated fixture (router, prefill group of leader + 3 workers packed in a rack, 2 decode) in `namespace`. */
export function disaggregatedManifest(namespace: string, name = 'disagg'): string {
  const text = readFileSync(path.resolve(import.meta.dirname, '..', 'cluster', 'fixtures', 'disaggregated-podcliqueset.yaml'), 'utf8');
  return text.replace(/^metadata:\n  name: disagg\n/m, `metadata:\n  name: ${name}\n  namespace: ${namespace}\n`);
}

export function isReady(pod: k8s.V1Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}
