'use client';
/**
 * One stack, live: health and scale of the PodCliqueSet, the tree down to pods (with why a pod is not
 * running), its PodGangs, the startup-order graph, where its pods are, and every event of its objects.
 */
import Link from 'next/link';
import { useEffect, useMemo, useRef, useState } from 'react';
import { editHref } from '../../lib/builder/liveStack';
import { DEFAULT_VIEW, encodeViewState } from '../../lib/heatmap/urlState';
import type { GangPlacement } from '../../lib/placement/plan';
import { workloadEvents } from '../../lib/workloads/events';
import { ageTickMs, formatAge, workloadHealth } from '../../lib/workloads/health';
import { plural } from '../../lib/workloads/plural';
import { placePendingGangs, workloadPlacement } from '../../lib/workloads/placement';
import { pcsScaleTarget } from '../../lib/workloads/scale';
import { workloadDeletion } from '../../lib/workloads/deletion';
import { startupGraph } from '../../lib/workloads/startup';
import { buildWorkloadTree, deleteImpact, findPodCliqueSet, type WorkloadTree } from '../../lib/workloads/tree';
import { needsPlacement, whyPending, type WhyPending } from '../../lib/workloads/whyPending';
import { DeleteWorkload, type DeleteRequestPhase } from './DeleteWorkload';
import { DomainList, GangsTable } from './GangsAndPlacement';
import { BUTTON_SECONDARY, HealthBadge, NOTE_CLASS, noteTitle, Section, StageBar, StageLegend, UNAVAILABLE_CLASS } from './parts';
import { ScaleControl } from './ScaleControl';
import { StartupGraphView } from './StartupGraphView';
import { permissionFor, useCapabilities } from '../hooks/useCapabilities';
import { firstUnavailable, unavailableText } from '../hooks/kindAvailability';
import { useShownNow } from '../hooks/useNow';
import { keptObjects, useWorkloadData } from './useWorkloadData';
import { WorkloadEvents } from './WorkloadEvents';
import { WorkloadTreeView } from './WorkloadTreeView';
import { WorkloadMiniHeatmap } from './WorkloadMiniHeatmap';
import { naturalCompare } from '../../lib/topology/tree';

/** "3/8 pods ready", "1/1 pod ready": a count of a total, the noun agreeing with the total. */
export function countOfTotal(count: number, total: number, noun: string, state: string): string {
  return `${count}/${plural(total, noun)} ${state}`;
}

/**
 * Where this stack opens elsewhere: the Builder editing it (`/builder?edit=<namespace>/<name>`) and the
 * topology page with it selected (the page's `sel` view state, lib/heatmap/urlState.ts).
 */
export function workloadLinks(namespace: string, name: string): { builder: string; topology: string } {
  return {
    builder: editHref(namespace, name),
    topology: `/topology?${encodeViewState({ ...DEFAULT_VIEW, selected: `${namespace}/${name}` }).toString()}`,
  };
}

/** What the page knows of a PodCliqueSet it cannot find: why it may be missing. */
export interface MissingFacts {
  /** The stream's first snapshot has arrived. */
  synced: boolean;
  /** The PodCliqueSets' first list still runs. */
  listing: boolean;
  /** Why PodCliqueSets cannot be listed, if they cannot. */
  unlisted: string | null;
  /** Seen on this page with a deletionTimestamp. */
  sawDeleting: boolean;
  /** This tab's own delete request, if it made one. */
  deleteRequest: DeleteRequestPhase | null;
}

/**
 * The sentence for a stack not in the store. "Gone" once the page saw it being deleted, or once the
 * apiserver accepted this tab's delete (a fast teardown removes it before any Deleting reaches the
 * page); a stack missing for any other reason may have been deleted by someone else, or never existed.
 */
export function missingWorkloadText(namespace: string, name: string, facts: MissingFacts): { text: string; gone: boolean } {
  const say = (text: string, gone = false) => ({ text, gone });
  if (!facts.synced) return say('Loading the cluster…');
  if (facts.listing) return say('Loading PodCliqueSets…');
  if (facts.unlisted) return say(facts.unlisted);
  if (facts.sawDeleting || facts.deleteRequest === 'accepted') return say(`PodCliqueSet ${name} in namespace ${namespace} is gone: deleted, with everything it owned.`, true);
  // Gone from the stream while this tab's delete is still unanswered: almost surely that delete.
  if (facts.deleteRequest === 'sent') return say(`Deleting PodCliqueSet ${name} in namespace ${namespace}…`);
  return say(`There is no PodCliqueSet ${name} in namespace ${namespace} (it may have been deleted).`);
}

/**
 * The gangs of a stack with pods waiting to be placed, in the tree's order (lib/workloads/tree.ts: by
 * replica, the base gang before its scaled gangs, -2 before -10); a gang the tree has no PodGang for
 * (not created yet) after them, in natural order.
 */
export function waitingGangNames(tree: WorkloadTree): string[] {
  const waiting = new Set(tree.pods.filter((p) => needsPlacement(p.stage) && p.gang).map((p) => p.gang!));
  const listed = tree.gangs.map((g) => g.name).filter((name) => waiting.has(name));
  const unlisted = [...waiting].filter((name) => !listed.includes(name)).sort(naturalCompare);
  return [...listed, ...unlisted];
}

export function WorkloadDetail({ namespace, name }: { namespace: string; name: string }) {
  const data = useWorkloadData({ events: true, state: true });
  // Not found while the PodCliqueSets' first list still runs is not "deleted"; nor is it when they
  // may not be listed, or their list fails.
  const listing = data.availability.PodCliqueSet.status === 'loading';
  const unlisted = unavailableText('PodCliqueSet', data.availability.PodCliqueSet, namespace);
  const capabilities = useCapabilities(namespace);
  // One clock for ages and health: a stack stuck starting turns into a warning as time passes, without a reload.
  // Ticks every second while the header shows a duration in seconds ("Updating for 12s", age 40s).
  const { now, show: showDurations } = useShownNow();
  const pcs = findPodCliqueSet(data.podCliqueSets, namespace, name);
  // The tree reads these lists only: an Event, Node or other kind changing must not rebuild it.
  const { podCliqueSets, podCliques, podCliqueScalingGroups, podGangs, pods } = data;
  const tree = useMemo(
    () => (pcs ? buildWorkloadTree(pcs, { podCliqueSets, podCliques, podCliqueScalingGroups, podGangs, pods }) : undefined),
    [pcs, podCliqueSets, podCliques, podCliqueScalingGroups, podGangs, pods],
  );
  const events = useMemo(() => (tree ? workloadEvents(tree, data.events) : []), [tree, data.events]);
  const health = useMemo(() => (tree ? workloadHealth(tree, data.state, now) : undefined), [tree, data.state, now]);
  showDurations([health?.tickMs, ageTickMs(health?.createdAt, now)]);
  const placement = useMemo(() => (tree && data.state ? workloadPlacement(data.state, tree) : undefined), [tree, data.state]);
  const graph = useMemo(() => (tree ? startupGraph(tree) : undefined), [tree]);
  const deletion = useMemo(() => (tree ? workloadDeletion(tree) : undefined), [tree]);
  // Seen being deleted on this page: once it is gone, that is what "not found" means (state adjusted
  // while rendering, React's pattern for what follows from a prop).
  const [sawDeleting, setSawDeleting] = useState(false);
  if (deletion && !sawDeleting) setSawDeleting(true);
  // This tab's delete, kept here: the Delete control (and what it knew) goes when the stack does.
  const [deleteRequest, setDeleteRequest] = useState<DeleteRequestPhase | null>(null);
  const missingRef = useRef<HTMLParagraphElement>(null);
  const stackPods = useMemo(() => tree?.pods.map((p) => p.object) ?? [], [tree]);
  // One engine run per waiting gang (the first few, in index order: -2 before -10, as the tree lists
  // them), shared by its pods. Apart from `why` so that an Event arriving reruns only the sentences, not the engine.
  const placements = useMemo(() => {
    const waiting = tree ? waitingGangNames(tree) : [];
    if (!tree || !data.state || waiting.length === 0) return new Map<string, GangPlacement>();
    try {
      return placePendingGangs(data.state, tree, waiting);
    } catch {
      // An expansion the engine cannot read: the cluster's words alone.
      return new Map<string, GangPlacement>();
    }
  }, [tree, data.state]);
  const why = useMemo(() => {
    const out = new Map<string, WhyPending>();
    if (!tree) return out;
    for (const pod of tree.pods) {
      const gangPlacement = needsPlacement(pod.stage) && pod.gang ? placements.get(pod.gang) : undefined;
      const w = whyPending(pod, { tree, events, ...(gangPlacement ? { placement: gangPlacement } : {}) });
      if (w) out.set(pod.name, w);
    }
    return out;
  }, [tree, events, placements]);

  const absent = !pcs || !tree || !health ? missingWorkloadText(namespace, name, { synced: data.synced, listing, unlisted: (!pcs && unlisted) || null, sawDeleting, deleteRequest }) : null;
  // The Delete control had focus and went with the stack: the sentence saying what became of it takes it.
  const goneAfterOwnDelete = !!absent?.gone && deleteRequest === 'accepted';
  useEffect(() => {
    if (goneAfterOwnDelete) missingRef.current?.focus();
  }, [goneAfterOwnDelete]);

  if (!pcs || !tree || !health) {
    const { text, gone } = absent!;
    return (
      <div className="space-y-2 p-4">
        <BackLink />
        <p ref={missingRef} tabIndex={-1} role="status" data-testid="workload-missing" data-gone={gone} className="text-sm text-zinc-600 dark:text-zinc-400">
          {text}
        </p>
        {gone && (
          <Link href="/workloads" className="inline-block text-sm text-sky-800 underline underline-offset-2 dark:text-sky-300">
            Back to Workloads
          </Link>
        )}
      </div>
    );
  }
  const links = workloadLinks(namespace, name);

  const scalePermission = (kind: 'PodCliqueSet' | 'PodCliqueScalingGroup' | 'PodClique') => permissionFor(capabilities, kind, 'scale');
  const missing = (kind: 'PodGang' | 'Event') => unavailableText(kind, data.availability[kind], namespace);
  // The tree, the health and the startup order are read from PodCliques and pods: without them they are partial.
  const treeMissing = firstUnavailable((['PodClique', 'Pod'] as const).map((kind) => [kind, data.availability[kind]] as const), namespace);

  return (
    <div className="space-y-4 p-4">
      <BackLink />
      <header className="flex flex-wrap items-start justify-between gap-4">
        <div className="space-y-1">
          <h1 className="text-lg font-semibold tracking-tight">
            <span className="sr-only">PodCliqueSet </span>
            {name}
            <span className="ml-2 text-sm font-normal text-zinc-600 dark:text-zinc-400">in {namespace}</span>
          </h1>
          <div className="flex flex-wrap items-center gap-3 text-sm">
            <HealthBadge state={health.state} />
            {deletion ? (
              // Not the PodCliqueSet's status: nothing updates it during the teardown. What is left, counted live.
              <span data-testid="pcs-deleting-left">{deletion.left}</span>
            ) : (
              <span data-testid="pcs-available">
                {countOfTotal(health.available, health.desired, 'replica', 'available')}
              </span>
            )}
            <span data-testid="pcs-gpus">{plural(health.gpusUsed, 'GPU')} in use</span>
            <span className="flex items-center gap-2">
              <StageBar counts={health.pods} label="Pods" />
              <span data-testid="pcs-pods">
                {countOfTotal(health.pods.ready, health.podCount, 'pod', 'ready')}
              </span>
            </span>
            <span className="text-zinc-600 dark:text-zinc-400">age {formatAge(health.createdAt, now)}</span>
          </div>
          {health.notes.length > 0 && (
            <ul className="list-disc pl-5 text-xs" aria-label="Health notes">
              {health.notes.map((n, i) => (
                // Keyed by place, not text: a note that counts time changes its text every second, and a new
                // element each tick would lose a screen reader's place in it (the notes hold no state to mix up).
                <li key={`${n.severity}-${i}`} data-testid="health-note" data-severity={n.severity} className={NOTE_CLASS[n.severity]} title={noteTitle(n)}>
                  {n.text}
                </li>
              ))}
            </ul>
          )}
          {treeMissing && (
            <p data-testid="health-partial" className={`text-xs ${UNAVAILABLE_CLASS}`}>
              {treeMissing.text} Health and counts are read {keptObjects(data, treeMissing.kind) ? 'from what was last listed: they may be out of date' : 'without them'}.
            </p>
          )}
          {unlisted && (
            // The PodCliqueSet kept from a list that fails now: its spec and status may have moved on.
            <p data-testid="pcs-stale" className={`text-xs ${UNAVAILABLE_CLASS}`}>
              {unlisted} This PodCliqueSet is shown as it was last listed: it may be out of date.
            </p>
          )}
          {capabilities.status === 'error' && <p className="text-xs text-zinc-600 dark:text-zinc-400">Could not ask what you may do ({capabilities.message}); the cluster decides when you act.</p>}
        </div>
        <div className="flex flex-wrap items-start gap-2">
          <nav aria-label={`Open ${name} elsewhere`} className="flex flex-wrap gap-2">
            <Link href={links.builder} className={BUTTON_SECONDARY}>
              Edit in Builder
            </Link>
            <Link href={links.topology} className={BUTTON_SECONDARY}>
              Open on Topology
            </Link>
          </nav>
          <DeleteWorkload namespace={namespace} name={name} pcs={tree.pcs} impact={deleteImpact(tree)} permission={permissionFor(capabilities, 'PodCliqueSet', 'delete')} onDelete={setDeleteRequest} {...(deletion ? { deletion } : {})} />
        </div>
      </header>

      <Section title="Scale" id="scale-heading">
        <ScaleControl target={pcsScaleTarget(tree)} tree={tree} data={data} permission={scalePermission('PodCliqueSet')} label="PodCliqueSet replicas" />
      </Section>

      <Section title="Tree" id="tree-heading" actions={<StageLegend />}>
        <WorkloadTreeView tree={tree} data={data} why={why} now={now} permissions={{ PodClique: scalePermission('PodClique'), PodCliqueScalingGroup: scalePermission('PodCliqueScalingGroup') }} />
      </Section>

      <Section title="PodGangs" id="gangs-heading">
        <GangsTable tree={tree} unavailable={missing('PodGang')} {...(placement ? { placement } : {})} />
      </Section>

      <Section title="Startup order" id="startup-heading">
        {treeMissing && <p className={`mb-2 text-xs ${UNAVAILABLE_CLASS}`}>Progress unknown: {treeMissing.text}</p>}
        {graph && <StartupGraphView graph={graph} />}
      </Section>

      <Section title="Where its pods are" id="placement-heading">
        {data.state ? (
          <div className="space-y-3">
            <WorkloadMiniHeatmap state={data.state} pods={stackPods} namespace={namespace} name={name} />
            {data.unreadablePods > 0 && (
              <p role="status" className="text-xs text-amber-800 dark:text-amber-300">
                {plural(data.unreadablePods, 'pod')} could not be read: left off this map, with the GPUs held shown as free.
              </p>
            )}
            {placement && <DomainList placement={placement} />}
          </div>
        ) : (
          <p data-testid="placement-unavailable" className={`text-sm ${data.stateError ? UNAVAILABLE_CLASS : 'text-zinc-600 dark:text-zinc-400'}`}>
            {data.stateError ? `Not shown: ${data.stateError.replace(/\.$/, '')}.` : 'Loading the nodes…'}
          </p>
        )}
      </Section>

      <Section title={`Events (${events.length})`} id="events-heading">
        <WorkloadEvents events={events} now={now} unavailable={missing('Event')} />
      </Section>
    </div>
  );
}

function BackLink() {
  return (
    <Link href="/workloads" className="text-xs text-sky-800 underline-offset-2 hover:underline dark:text-sky-300">
      ← All workloads
    </Link>
  );
}
