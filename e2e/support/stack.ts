/** What the one clique of smallStack may differ in; the defaults are the apply tests' clique. */
export interface SmallStackClique {
  /** Pods per replica of the clique; minAvailable is the same (the webhook's default). Default 1. */
  replicas?: number;
  /** The container's `resources` body, indented as one YAML line. Default `requests: {cpu: 100m}`. */
  resources?: string;
}

/**
 * A small one-clique PodCliqueSet for the apply tests (Playwright and the cluster tests alike) and the
 * live tests. `extraTemplate` is inserted at the top of spec.template.
 */
export function smallStack(namespace: string, name: string, replicas: number, extraTemplate = '', clique: SmallStackClique = {}): string {
  const cliqueReplicas = clique.replicas ?? 1;
  return `apiVersion: grove.io/v1alpha1
kind: PodCliqueSet
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  replicas: ${replicas}
  template:${extraTemplate}
    cliques:
      - name: engine
        spec:
          roleName: engine
          replicas: ${cliqueReplicas}
          minAvailable: ${cliqueReplicas}
          podSpec:
            containers:
              - name: engine
                image: registry.invalid/canopy/engine:test
                resources:
                  ${clique.resources ?? 'requests: {cpu: 100m}'}
`;
}
