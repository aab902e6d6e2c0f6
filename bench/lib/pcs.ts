/** Compact PodCliqueSet builder for benchmark workloads; gangs come from lib/grove/expand like the app's. */
import type { Affinity, Toleration } from '../../lib/grove/core';
import { expandPodGangs } from '../../lib/grove/expand';
import type { ExpandedGang } from '../../lib/grove/gang';
import type { PodCliqueSet } from '../../lib/grove/podcliqueset';
import type { TopologyPack } from '../../lib/grove/topology-constraint';

export interface CliqueSpec {
  name: string;
  replicas: number;
  minAvailable?: number;
  gpu: number;
  /** Kubernetes quantities. */
  cpu: string;
  memory: string;
  pack?: TopologyPack;
  nodeSelector?: Record<string, string>;
  tolerations?: Toleration[];
  affinity?: Affinity;
}

export interface ScalingGroupSpec {
  name: string;
  cliqueNames: string[];
  replicas: number;
  minAvailable: number;
  pack?: TopologyPack;
}

export interface PcsSpec {
  name: string;
  topologyName: string;
  pack?: TopologyPack;
  cliques: CliqueSpec[];
  scalingGroups?: ScalingGroupSpec[];
}

export function podCliqueSet(s: PcsSpec): PodCliqueSet {
  return {
    apiVersion: 'grove.io/v1alpha1',
    kind: 'PodCliqueSet',
    metadata: { name: s.name, namespace: 'bench' },
    spec: {
      replicas: 1,
      template: {
        topologyConstraint: { topologyName: s.topologyName, ...(s.pack ? { pack: s.pack } : {}) },
        cliques: s.cliques.map((c) => ({
          name: c.name,
          ...(c.pack ? { topologyConstraint: { pack: c.pack } } : {}),
          spec: {
            roleName: c.name,
            replicas: c.replicas,
            ...(c.minAvailable !== undefined ? { minAvailable: c.minAvailable } : {}),
            podSpec: {
              containers: [
                {
                  name: 'main',
                  resources: { requests: { cpu: c.cpu, memory: c.memory, ...(c.gpu > 0 ? { 'nvidia.com/gpu': String(c.gpu) } : {}) } },
                },
              ],
              ...(c.nodeSelector ? { nodeSelector: c.nodeSelector } : {}),
              ...(c.tolerations ? { tolerations: c.tolerations } : {}),
              ...(c.affinity ? { affinity: c.affinity } : {}),
            },
          },
        })),
        ...(s.scalingGroups
          ? {
              podCliqueScalingGroups: s.scalingGroups.map((g) => ({
                name: g.name,
                cliqueNames: g.cliqueNames,
                replicas: g.replicas,
                minAvailable: g.minAvailable,
                ...(g.pack ? { topologyConstraint: { pack: g.pack } } : {}),
              })),
            }
          : {}),
      },
    },
  };
}

/** Base gang first, then the scaled gangs, exactly as lib/grove/expand builds them. */
export function gangsOf(s: PcsSpec): ExpandedGang[] {
  return expandPodGangs(podCliqueSet(s));
}

/** The gang with every pod group cut to its minReplicas: the all-or-nothing core of the gang. */
export function coreOf(gang: ExpandedGang): ExpandedGang {
  return { ...gang, podGroups: gang.podGroups.map((g) => ({ ...g, pods: g.pods.slice(0, g.minReplicas) })) };
}
