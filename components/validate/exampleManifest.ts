/**
 * A small, valid PodCliqueSet, written fully explicit (every field Grove would otherwise default),
 * as the builder should emit it: see ../shared/grove/API-NOTES.md §2.7.
 */
export const EXAMPLE_MANIFEST = `# A disaggregated inference service: a frontend, and prefill/decode workers.
apiVersion: grove.io/v1alpha1
kind: PodCliqueSet
metadata:
  name: inference-demo
  namespace: default
spec:
  replicas: 1
  template:
    cliqueStartupType: CliqueStartupTypeAnyOrder
    terminationDelay: 4h
    cliques:
      - name: frontend
        spec:
          roleName: frontend
          replicas: 2
          minAvailable: 1
          podSpec:
            containers:
              - name: frontend
                image: nginx:1.27
                resources:
                  requests:
                    cpu: 100m
                    memory: 128Mi
      - name: prefill
        spec:
          roleName: prefill
          replicas: 2
          minAvailable: 2
          podSpec:
            containers:
              - name: prefill
                image: busybox:1.36
                command: ["sleep", "infinity"]
      - name: decode
        spec:
          roleName: decode
          replicas: 4
          minAvailable: 4
          podSpec:
            containers:
              - name: decode
                image: busybox:1.36
                command: ["sleep", "infinity"]
`;
