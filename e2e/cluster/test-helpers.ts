/** Helpers shared by the cluster integration tests (run inside vitest, against the global cluster). */
import * as k8s from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';

export function testKubeConfig(): k8s.KubeConfig {
  const kubeConfig = new k8s.KubeConfig();
  kubeConfig.loadFromFile(inject('kubeconfigPath'));
  return kubeConfig;
}

/** Polls `probe` until it returns a value other than undefined; the timeout error names what was awaited. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}${lastError ? `; last error: ${String(lastError)}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** A fresh namespace per test file, so files never see each other's objects. */
export async function createTestNamespace(core: k8s.CoreV1Api, prefix: string): Promise<string> {
  const name = `${prefix}-${randomBytes(3).toString('hex')}`;
  await core.createNamespace({ body: { metadata: { name } } });
  return name;
}

export interface ApiFailure {
  readonly code: number;
  readonly status?: k8s.V1Status;
}

/** Runs a call that must fail, and returns the HTTP code and the apiserver's Status object. */
export async function expectApiFailure(call: () => Promise<unknown>): Promise<ApiFailure> {
  try {
    await call();
  } catch (error) {
    if (error instanceof k8s.ApiException) {
      const body: unknown = error.body;
      const status = (typeof body === 'string' ? JSON.parse(body) : body) as k8s.V1Status | undefined;
      return { code: error.code, status };
    }
    throw error;
  }
  throw new Error('expected the API call to be rejected, but it succeeded');
}

export function isNotFound(error: unknown): boolean {
  return error instanceof k8s.ApiException && error.code === 404;
}

export function podIsReady(pod: k8s.V1Pod): boolean {
  return pod.status?.conditions?.some((condition) => condition.type === 'Ready' && condition.status === 'True') ?? false;
}

/** A pod KWOK can run: the image is never pulled (there is no kubelet), so any name does. */
export function gpuPod(name: string, gpus: number): k8s.V1Pod {
  return {
    metadata: { name, labels: { app: name } },
    spec: {
      terminationGracePeriodSeconds: 0,
      containers: [
        {
          name: 'main',
          image: 'registry.invalid/canopy/fake:test',
          // Extended resources: requests default to limits and must equal them.
          resources: { limits: { 'nvidia.com/gpu': String(gpus) } },
        },
      ],
    },
  };
}
