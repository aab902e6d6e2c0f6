/** Manifests the browser tests paste, preview and apply. */

/**
 * One clique of `pods` pods × `gpusPerPod` GPUs, all required in one rack of `topologyName`, on
 * kai-scheduler (with the queue Grove requires for it) unless told otherwise: default-scheduler
 * ignores topology packing. `schedulerName: null` writes none (Grove's default profile).
 */
export function rackPackedPcs(name: string, pods: number, gpusPerPod: number, options: { schedulerName?: string | null; topologyName?: string } = {}): string {
  const schedulerName = options.schedulerName === undefined ? 'kai-scheduler' : options.schedulerName;
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
      topologyName: ${options.topologyName ?? 'demo'}
      pack:
        required: rack
    cliques:
      - name: worker
        spec:
          roleName: worker
          replicas: ${pods}
          minAvailable: ${pods}
          podSpec:
${schedulerName ? `            schedulerName: ${schedulerName}\n` : ''}            containers:
              - name: engine
                image: nvcr.io/nvidia/ai-dynamo/vllm-runtime:0.4.0
                resources:
                  limits:
                    nvidia.com/gpu: "${gpusPerPod}"
`;
}

/** A kai-scheduler stack of one GPU clique: `replicas` pods × `gpus` GPUs on `product` nodes, the stack packed in `pack`, the clique in `cliquePack`. */
export function gpuStack(name: string, o: { clique: string; replicas: number; minAvailable: number; gpus: number; product: string; pack: string; cliquePack?: string }): string {
  return `apiVersion: grove.io/v1alpha1
kind: PodCliqueSet
metadata: {name: ${name}, namespace: default, labels: {kai.scheduler/queue: default-queue}}
spec:
  replicas: 1
  template:
    topologyConstraint: {topologyName: demo, pack: {required: ${o.pack}}}
    cliques:
      - name: ${o.clique}${o.cliquePack ? `\n        topologyConstraint: {pack: {required: ${o.cliquePack}}}` : ''}
        spec:
          roleName: ${o.clique}
          replicas: ${o.replicas}
          minAvailable: ${o.minAvailable}
          podSpec:
            schedulerName: kai-scheduler
            nodeSelector: {nvidia.com/gpu.product: ${o.product}}
            containers: [{name: engine, image: busybox, resources: {limits: {nvidia.com/gpu: "${o.gpus}"}}}]
`;
}
