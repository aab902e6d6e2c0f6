/**
 * "Why is this pod not running?" in one sentence: what the cluster says (scheduling gates, the
 * PodScheduled condition and FailedScheduling events, the PodGang's state, an unmet startup order)
 * joined with what the placement engine says about the pod's gang on the current cluster.
 */
import { SCHEDULING_GATE_PODGANG_PENDING } from '../grove/labels';
import type { Condition } from '../grove/meta';
import { podHostname } from '../grove/naming';
import { optionalReasonWithoutPod, type GangPlacement } from '../placement/plan';
import type { WorkloadEvent } from './events';
import { podCondition, type PodObject } from './pods';
import type { GangNode, PodNode, WorkloadTree } from './tree';

export interface WhyPending {
  pod: string;
  stage: PodNode['stage'];
  /** What the cluster's objects say. */
  cluster: string;
  /** What the placement engine says about the gang, when it was asked. */
  engine?: string;
  /** Both, as one sentence. */
  sentence: string;
}

export interface WhyPendingContext {
  tree: WorkloadTree;
  /** The tree's merged events (workloadEvents). */
  events: readonly WorkloadEvent[];
  /** The engine's answer for the pod's gang (placePendingGang), when the pod waits for placement. */
  placement?: GangPlacement;
}

/** Does this stage wait for the engine's answer (the pod is not bound yet)? */
export function needsPlacement(stage: PodNode['stage']): boolean {
  return stage === 'gated' || stage === 'pending';
}

export function whyPending(pod: PodNode, ctx: WhyPendingContext): WhyPending | undefined {
  if (pod.stage === 'ready' || pod.stage === 'succeeded') return undefined;
  const gang = pod.gang ? ctx.tree.gangs.find((g) => g.name === pod.gang) : undefined;
  const cluster = clusterReason(pod, gang, ctx);
  const refused = pod.stage === 'pending' && cluster.startsWith('the scheduler could not place');
  const engine = needsPlacement(pod.stage) && ctx.placement ? engineReason(ctx.placement, gang?.name ?? pod.gang, pod.stage === 'gated' ? 'once ungated, ' : refused ? 'agrees: ' : 'says: ', cluster, pod.podIndex === undefined ? pod.name : podHostname(pod.podClique, pod.podIndex)) : undefined;
  const sentence = `${pod.name} is ${pod.stage}: ${cluster}${engine ? `; ${engine}` : ''}.`;
  return { pod: pod.name, stage: pod.stage, cluster, ...(engine ? { engine } : {}), sentence };
}

function clusterReason(pod: PodNode, gang: GangNode | undefined, ctx: WhyPendingContext): string {
  const p = pod.object as PodObject;
  switch (pod.stage) {
    case 'gated':
      return gatedReason(pod, gang, ctx);
    case 'pending': {
      const scheduled = podCondition(p, 'PodScheduled');
      const failed = latest(ctx.events, (e) => e.reason === 'FailedScheduling' && ((e.object.kind === 'Pod' && e.object.name === pod.name) || (e.object.kind === 'PodGang' && e.object.name === pod.gang)));
      if (scheduled?.reason === 'Unschedulable' || failed) {
        const message = failed?.message || scheduled?.message || 'no reason given';
        const gangPart = gang ? ` gang ${gang.name}` : '';
        return `the scheduler could not place${gangPart || ' it'} (${failed ? `FailedScheduling${failed.count > 1 ? ` ×${failed.count}` : ''}` : 'PodScheduled=False, Unschedulable'}: ${message})`;
      }
      return `it is ungated and waits for the scheduler${gang ? ` to place gang ${gang.name}` : ''}${scheduled?.reason ? ` (PodScheduled=False, ${scheduled.reason})` : ''}`;
    }
    case 'scheduled': {
      const unmet = unmetParents(pod, ctx.tree);
      if (unmet.length > 0) {
        return `bound to ${pod.node}, it waits for ${unmet.map((u) => `${u.name} to have ${u.min} ready pod${u.min === 1 ? '' : 's'} (${u.ready} now)`).join(' and ')} before it starts (startup order)`;
      }
      const init = podCondition(p, 'Initialized');
      if (init?.status === 'False') return `bound to ${pod.node}, its init containers have not finished (${init.message || init.reason || 'Initialized=False'})`;
      return `bound to ${pod.node}, its containers are being created`;
    }
    case 'running': {
      const ready = podCondition(p, 'Ready');
      const waiting = (p.status?.containerStatuses ?? []).flatMap((c) => Object.entries(c.state ?? {}).filter(([k]) => k === 'waiting').map(([, v]) => `${c.name}: ${v.reason ?? 'waiting'}`));
      return `running on ${pod.node} but not Ready yet${waiting.length > 0 ? ` (${waiting.join(', ')})` : ready?.reason ? ` (${ready.reason}${ready.message ? `: ${ready.message}` : ''})` : ' (readiness probe pending)'}`;
    }
    case 'failed':
      return `it failed${(p.status as { message?: string } | undefined)?.message ? `: ${(p.status as { message?: string }).message}` : ''}; Grove replaces failed pods of its PodCliques`;
    default:
      return 'it is not running';
  }
}

function gatedReason(pod: PodNode, gang: GangNode | undefined, ctx: WhyPendingContext): string {
  const gates = ((pod.object as PodObject).spec?.schedulingGates ?? []).map((g) => g.name);
  const foreign = gates.filter((g) => g !== SCHEDULING_GATE_PODGANG_PENDING);
  const parts: string[] = [];
  if (gates.includes(SCHEDULING_GATE_PODGANG_PENDING)) {
    let why: string;
    if (!pod.gang) why = 'the pod names no PodGang';
    else if (!gang) why = `its PodGang ${pod.gang} does not exist yet`;
    else if (!gang.members.some((m) => m.pods.some((x) => x.name === pod.name && referenced(gang, x.name)))) why = `PodGang ${gang.name} does not list it yet (the operator adds every pod once all exist)`;
    else if (conditionStatus(gang, 'Initialized') === 'False') why = `PodGang ${gang.name} is not initialised yet`;
    else if (gang.baseGang) {
      const base = ctx.tree.gangs.find((g) => g.name === gang.baseGang);
      const short = base ? baseGangShortfall(base) : undefined;
      why = `its scaled PodGang ${gang.name} waits for base gang ${gang.baseGang} to be scheduled${short ? ` (${short})` : ''}`;
    } else why = `Grove removes it once PodGang ${gang.name} is initialised`;
    parts.push(`gate ${SCHEDULING_GATE_PODGANG_PENDING} holds it back: ${why}`);
  }
  if (foreign.length > 0) parts.push(`scheduling gate${foreign.length > 1 ? 's' : ''} ${foreign.join(', ')} (not Grove's) must be removed by whoever added ${foreign.length > 1 ? 'them' : 'it'}`);
  return parts.join('; ') || 'it carries a scheduling gate';
}

function referenced(gang: GangNode, pod: string): boolean {
  return (gang.object.spec?.podgroups ?? []).some((pg) => (pg.podReferences ?? []).some((r) => r.name === pod));
}

function conditionStatus(gang: GangNode, type: string): string | undefined {
  const conditions: Condition[] = gang.object.status?.conditions ?? [];
  return conditions.find((c) => c.type === type)?.status;
}

/** "2 of 3 pod groups have their minimum scheduled", or undefined when the base gang is scheduled. */
function baseGangShortfall(base: GangNode): string | undefined {
  const ok = base.members.filter((m) => m.pods.filter((p) => p.node).length >= m.minReplicas).length;
  if (ok === base.members.length) return undefined;
  return `${ok} of ${base.members.length} of its pod groups have their minimum scheduled`;
}

/** Parents (full PodClique names) whose ready pods are below their minAvailable. */
function unmetParents(pod: PodNode, tree: WorkloadTree): { name: string; min: number; ready: number }[] {
  const clique = tree.podCliques.find((c) => c.name === pod.podClique);
  if (!clique) return [];
  return clique.startsAfter.flatMap((name) => {
    const parent = tree.podCliques.find((c) => c.name === name);
    const ready = parent?.counts.ready ?? 0;
    const min = parent?.minAvailable ?? 1;
    return ready < min ? [{ name, min, ready }] : [];
  });
}

function latest(events: readonly WorkloadEvent[], match: (e: WorkloadEvent) => boolean): WorkloadEvent | undefined {
  for (let i = events.length - 1; i >= 0; i--) if (match(events[i]!)) return events[i];
  return undefined;
}

/** `pod`: the pod as the plan names it (its hostname, the expansion's name; the real pod's name has a random suffix). */
function engineReason(placement: GangPlacement, gang: string | undefined, lead: string, cluster: string, pod: string): string {
  // The gang fits without this pod: it is above its clique's minimum and finds no room beside it.
  if (placement.placed && placement.unplacedOptionalPods?.includes(pod)) {
    const reason = placement.unplacedOptionalReason ?? 'no room beside its gang';
    if (lead === 'agrees: ' && cluster.includes(optionalReasonWithoutPod(placement) ?? reason)) return 'the placement engine, run on the cluster as it is now, agrees';
    return `the placement engine places ${gang ? `gang ${gang}` : 'its gang'} without it (above minAvailable): ${reason}`;
  }
  if (!placement.placed) {
    const reason = placement.reason ?? 'the gang does not fit';
    // The simulated scheduler reports the engine's own words: say it agrees instead of repeating them.
    if (lead === 'agrees: ' && cluster.includes(reason)) return 'the placement engine, run on the cluster as it is now, agrees';
    // Larger than the cluster holds even when empty: not a wait for room, the request must change.
    if (placement.explanation?.[0]?.exceedsCapacity) {
      if (lead === 'once ungated, ') return `and once ungated it will not fit either, however much room frees up: the placement engine says ${reason}`;
      if (lead === 'says: ') return `it will not be placed however long it waits: the placement engine says ${reason}`;
    }
    return lead === 'once ungated, ' ? `and once ungated it will not fit either: the placement engine says ${reason}` : `the placement engine ${lead}${reason}`;
  }
  const where = Object.entries(placement.domains)
    .map(([level, value]) => `${level} ${value}`)
    .join(', ');
  const nodes = new Set(placement.pods.map((p) => p.node)).size;
  return `the placement engine finds room for ${gang ? `gang ${gang}` : 'it'} now (${placement.pods.length} pod${placement.pods.length === 1 ? '' : 's'} on ${nodes} node${nodes === 1 ? '' : 's'}${where ? ` in ${where}` : ''}), so it should be placed once the scheduler retries`;
}
