/** Manifests the browser tests paste, preview and apply. */

/**
 * One clique of `pods` pods × `gpusPerPod` GPUs, all required in one rack of the demo topology, on
 * kai-scheduler (with the queue Grove requires for it): default-scheduler ignores topology packing.
 */
export function rackPackedPcs(name: string, pods: number, gpusPerPod: number): string {
  return `apiVersion: grove.io/v1alpha1
kind: PodCliqueSet
metadata:
  name: ${name}
  namespace: default
  labels:
    kai.scheduler/queue: default-queue
spec:
  replicas: 1
  template:
    topologyConstraint:
      topologyName: demo
      pack:
        required: rack
    cliques:
      - name: worker
        spec:
          roleName: worker
          replicas: ${pods}
          minAvailable: ${pods}
          podSpec:
            schedulerName: kai-scheduler
            containers:
              - name: engine
                image: nvcr.io/nvidia/ai-dynamo/vllm-runtime:0.4.0
                resources:
                  limits:
                    nvidia.com/gpu: "${gpusPerPod}"
`;
}
