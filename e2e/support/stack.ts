/** A small one-clique PodCliqueSet for the apply tests (Playwright and the cluster tests alike). */
export function smallStack(namespace: string, name: string, replicas: number, extraTemplate = ''): string {
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
          replicas: 1
          minAvailable: 1
          podSpec:
            containers:
              - name: engine
                image: registry.invalid/canopy/engine:test
                resources:
                  requests: {cpu: 100m}
`;
}
