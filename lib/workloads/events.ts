/**
 * The events of every object in a stack's tree (PodCliqueSet, scaling groups, PodCliques, PodGangs,
 * pods), merged in time order. An event names its object by uid when the reporter knew it, else by
 * kind + namespace + name; both are matched.
 */
import type { KubeObject } from '../grove/meta';
import type { WorkloadTree } from './tree';

export interface EventObject extends KubeObject {
  involvedObject?: { kind?: string; name?: string; namespace?: string; uid?: string };
  regarding?: { kind?: string; name?: string; namespace?: string; uid?: string };
  reason?: string;
  message?: string;
  note?: string;
  type?: string;
  count?: number;
  firstTimestamp?: string;
  lastTimestamp?: string;
  eventTime?: string;
  series?: { count?: number; lastObservedTime?: string };
  source?: { component?: string };
  reportingComponent?: string;
  reportingController?: string;
}

export interface WorkloadEvent {
  key: string;
  /** The Event's resourceVersion: orders events of the same second (timestamps have whole seconds). */
  resourceVersion?: string;
  /** ISO time of the latest occurrence. */
  time: string;
  type: string;
  reason: string;
  message: string;
  count: number;
  object: { kind: string; name: string };
  source?: string;
}

/** When the event last happened: series, lastTimestamp, eventTime, firstTimestamp, creation. */
export function eventTime(e: EventObject): string {
  return e.series?.lastObservedTime || e.lastTimestamp || e.eventTime || e.firstTimestamp || e.metadata?.creationTimestamp || '';
}

/** The tree's objects: their uids, and `Kind/namespace/name` → that object's uid ('' when it has none). */
function treeObjectKeys(tree: WorkloadTree): { uids: Set<string>; names: Map<string, string> } {
  const uids = new Set<string>();
  const names = new Map<string, string>();
  const add = (kind: string, o: KubeObject) => {
    const uid = o.metadata?.uid ?? '';
    if (uid) uids.add(uid);
    names.set(`${kind}/${o.metadata?.namespace ?? tree.namespace}/${o.metadata?.name ?? ''}`, uid);
  };
  add('PodCliqueSet', tree.pcs);
  for (const g of tree.scalingGroups) add('PodCliqueScalingGroup', g.object);
  for (const c of tree.podCliques) add('PodClique', c.object);
  for (const g of tree.gangs) add('PodGang', g.object);
  for (const p of tree.pods) add('Pod', p.object);
  return { uids, names };
}

/** Events about the tree's objects, oldest first (ties by name, for a stable order). */
export function workloadEvents(tree: WorkloadTree, events: readonly KubeObject[]): WorkloadEvent[] {
  const { uids, names } = treeObjectKeys(tree);
  const pcsCreated = Date.parse(tree.pcs.metadata?.creationTimestamp ?? '');
  const out: WorkloadEvent[] = [];
  for (const raw of events as EventObject[]) {
    const inv = raw.involvedObject ?? raw.regarding;
    if (!inv?.name || !inv.kind) continue;
    const ns = inv.namespace ?? raw.metadata?.namespace ?? tree.namespace;
    const uidOfName = names.get(`${inv.kind}/${ns}/${inv.name}`);
    if (uidOfName === undefined && !(inv.uid && uids.has(inv.uid))) continue;
    // A uid the tree does not hold, on a name it does (the name's object has a uid to compare with).
    if (inv.uid && uidOfName && !uids.has(inv.uid) && !sameIncarnation(inv.kind, raw, pcsCreated)) continue;
    const source = raw.reportingComponent || raw.source?.component || raw.reportingController;
    out.push({
      key: `${raw.metadata?.namespace ?? ''}/${raw.metadata?.name ?? ''}`,
      ...(raw.metadata?.resourceVersion ? { resourceVersion: raw.metadata.resourceVersion } : {}),
      time: eventTime(raw),
      type: raw.type ?? 'Normal',
      reason: raw.reason ?? '',
      message: raw.message ?? raw.note ?? '',
      count: raw.series?.count ?? raw.count ?? 1,
      object: { kind: inv.kind, name: inv.name },
      ...(source ? { source } : {}),
    });
  }
  return out.sort(compareEvents);
}

/**
 * Whether an event naming one of the tree's objects under another uid is about this incarnation of the
 * stack. A PodCliqueSet deleted and re-created under the same name has new uids everywhere: the old
 * one's events must not show. But gang termination (Grove deletes and recreates every PodClique of a
 * PCS replica under the same names) gives children new uids within the same PodCliqueSet, whose uid
 * survives it: their earlier events (AllScheduledReplicasLost…) belong here. So a child's event from
 * the PodCliqueSet's creation on is this incarnation's; a PodCliqueSet event under another uid never is.
 */
function sameIncarnation(kind: string, raw: EventObject, pcsCreated: number): boolean {
  if (kind === 'PodCliqueSet' || Number.isNaN(pcsCreated)) return false;
  const at = Date.parse(eventTime(raw));
  return !Number.isNaN(at) && at >= pcsCreated;
}

function compareEvents(a: WorkloadEvent, b: WorkloadEvent): number {
  if (a.time !== b.time) return a.time < b.time ? -1 : 1;
  const ra = a.resourceVersion;
  const rb = b.resourceVersion;
  // resourceVersions are opaque, but every apiserver we know writes integers; compare them when they are.
  if (ra && rb && /^\d+$/.test(ra) && /^\d+$/.test(rb) && ra !== rb) return ra.length - rb.length || (ra < rb ? -1 : 1);
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}
