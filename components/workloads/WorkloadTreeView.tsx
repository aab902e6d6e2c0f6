'use client';
/**
 * PodCliqueSet → replica → scaling group → PodClique → Pod, with each pod's stage and, for a pod that
 * is not ready, how long it has waited and why. Scaling groups and standalone PodCliques open their scale control in place;
 * a member of a scaling group is scaled with its group, so it offers the group's control instead.
 */
import { useRef, useState } from 'react';
import { scalingGroupOfPodClique } from '../../lib/grove/podclique';
import { podCliqueScaleTarget, scalingGroupScaleTarget } from '../../lib/workloads/scale';
import { formatDuration, notReadySince } from '../../lib/workloads/health';
import { isLiveStage, totalStageCount } from '../../lib/workloads/pods';
import type { CliqueNode, ReplicaNode, ScalingGroupNode, WorkloadTree } from '../../lib/workloads/tree';
import type { WhyPending } from '../../lib/workloads/whyPending';
import { BUTTON_SECONDARY, StageBadge, StageBar, StaleListNote, UNAVAILABLE_CLASS } from './parts';
import { unavailableText } from '../hooks/kindAvailability';
import { ScaleControl, type PermissionState } from './ScaleControl';
import type { WorkloadData } from './useWorkloadData';

export interface TreeViewProps {
  tree: WorkloadTree;
  data: WorkloadData;
  why: ReadonlyMap<string, WhyPending>;
  permissions: { PodClique: PermissionState; PodCliqueScalingGroup: PermissionState };
  /** The page's clock (ms): a pod not ready says for how long, as the health notes do. */
  now: number;
}

export function WorkloadTreeView(props: TreeViewProps) {
  const { tree, data } = props;
  if (tree.replicas.length === 0) return <p className="text-sm text-zinc-600 dark:text-zinc-400">No replicas: the PodCliqueSet is scaled to zero.</p>;
  // Rows kept from a kind that cannot be read now (it failed after it was live) are said to be so; a
  // scaling group not in the list at all says so itself (group-unread).
  const stale = (kind: 'PodClique' | 'Pod' | 'PodCliqueScalingGroup', shown: boolean) => (shown ? unavailableText(kind, data.availability[kind], tree.namespace) : null);
  return (
    <div className="space-y-2">
      <StaleListNote unavailable={stale('PodClique', tree.podCliques.length > 0)} rows="PodCliques" />
      <StaleListNote unavailable={stale('Pod', tree.pods.length > 0)} rows="pods" />
      <StaleListNote unavailable={stale('PodCliqueScalingGroup', tree.scalingGroups.some((g) => !g.unread))} rows="scaling groups" />
      <ul className="space-y-4" aria-label={`Replicas of ${tree.name}`}>
        {tree.replicas.map((r) => (
          <ReplicaItem key={r.index} replica={r} {...props} />
        ))}
      </ul>
    </div>
  );
}

function ReplicaItem({ replica, ...props }: TreeViewProps & { replica: ReplicaNode }) {
  const total = totalStageCount(replica.counts);
  return (
    <li data-testid="replica" data-index={replica.index} className="rounded-md border border-zinc-200 dark:border-zinc-800">
      <div className="flex items-center gap-3 border-b border-zinc-200 bg-zinc-50 px-3 py-1.5 dark:border-zinc-800 dark:bg-zinc-900">
        <h3 className="text-sm font-semibold">Replica {replica.index}</h3>
        <StageBar counts={replica.counts} label={`Pods of replica ${replica.index}`} />
        <span className="text-xs tabular-nums text-zinc-600 dark:text-zinc-400" data-testid="replica-ready">
          {replica.counts.ready}/{total} ready
        </span>
      </div>
      <ul className="space-y-2 p-3">
        {replica.cliques.map((c) => (
          <CliqueItem key={c.name} clique={c} {...props} />
        ))}
        {replica.scalingGroups.map((g) => (
          <GroupItem key={g.name} group={g} {...props} />
        ))}
      </ul>
    </li>
  );
}

function ScaleToggle({ name, open, onToggle }: { name: string; open: boolean; onToggle: () => void }) {
  return (
    <button type="button" className={BUTTON_SECONDARY} aria-expanded={open} aria-label={`Scale ${name}`} onClick={onToggle}>
      Scale…
    </button>
  );
}

function GroupItem({ group, ...props }: TreeViewProps & { group: ScalingGroupNode }) {
  const [open, setOpen] = useState(false);
  const controlRef = useRef<HTMLDivElement>(null);
  const target = scalingGroupScaleTarget(props.tree, group);
  // From a member's "Scale group …": open this group's control and put focus in it (its replicas field,
  // or the control itself when scaling is disabled there, so its reason is read next).
  const scaleGroup = () => {
    setOpen(true);
    requestAnimationFrame(() => {
      const control = controlRef.current;
      const field = control?.querySelector<HTMLInputElement>('input:not([disabled])');
      (field ?? control)?.focus();
    });
  };
  return (
    <li data-testid="scaling-group" data-name={group.name} className="rounded-md border border-dashed border-zinc-300 p-2 dark:border-zinc-700">
      <div className="flex flex-wrap items-center gap-2">
        <span className="text-xs uppercase tracking-wide text-zinc-500 dark:text-zinc-400">Scaling group</span>
        <span className="font-mono text-sm">{group.name}</span>
        <span className="text-xs text-zinc-600 dark:text-zinc-400" data-testid="group-replicas">
          {group.unread ? `${group.replicas} replica${group.replicas === 1 ? '' : 's'} seen (min ${group.minAvailable}); available unknown` : `${group.availableReplicas}/${group.replicas} replicas available (min ${group.minAvailable})`}
        </span>
        {group.breached && <span className="text-xs text-amber-800 dark:text-amber-300">MinAvailableBreached: {group.breached.reason}</span>}
        {!group.unread && (
          <span className="ml-auto">
            <ScaleToggle name={group.name} open={open} onToggle={() => setOpen((o) => !o)} />
          </span>
        )}
      </div>
      {group.unread && (
        // Known from its members' label only: its own count and state are not, so it is not scaled from here.
        <p className={`mt-1 text-xs ${UNAVAILABLE_CLASS}`} data-testid="group-unread">
          {unavailableText('PodCliqueScalingGroup', props.data.availability.PodCliqueScalingGroup, props.tree.namespace) ?? 'This PodCliqueScalingGroup is not in the cluster’s list.'} Its members are shown from
          their PodCliques; it is not scaled from here.
        </p>
      )}
      {open && !group.unread && (
        <div ref={controlRef} tabIndex={-1} role="group" aria-label={`Scale scaling group ${group.name}`} className="mt-2">
          <ScaleControl target={target} tree={props.tree} data={props.data} permission={props.permissions.PodCliqueScalingGroup} label="Scaling-group replicas" />
        </div>
      )}
      <ul className="mt-2 space-y-2">
        {group.replicaNodes.map((n) => (
          <li key={n.index} data-testid="group-replica" data-index={n.index} className="pl-3">
            <div className="text-xs text-zinc-600 dark:text-zinc-400">
              Group replica {n.index}
              {n.gang ? ` · gang ${n.gang}` : ''}
              {n.index >= group.minAvailable ? ' (scaled gang)' : ' (in the base gang)'}
            </div>
            <ul className="mt-1 space-y-2">
              {n.cliques.map((c) => (
                <CliqueItem key={c.name} clique={c} {...props} {...(group.unread ? {} : { scaleGroup })} />
              ))}
            </ul>
          </li>
        ))}
      </ul>
    </li>
  );
}

/** `scaleGroup`: opens the scaling group's control, for a member (set by its group's item when the group can be scaled here). */
function CliqueItem({ clique, scaleGroup, ...props }: TreeViewProps & { clique: CliqueNode; scaleGroup?: () => void }) {
  const [open, setOpen] = useState(false);
  const target = podCliqueScaleTarget(props.tree, clique);
  const group = scalingGroupOfPodClique(clique.object);
  // Pods of a clique often wait for one reason (a whole gang): say it once, name the others.
  const sameReason = new Map<string, string[]>();
  for (const p of clique.pods) {
    const why = props.why.get(p.name);
    if (!why) continue;
    const list = sameReason.get(reasonKey(why));
    if (list) list.push(p.name);
    else sameReason.set(reasonKey(why), [p.name]);
  }
  return (
    <li data-testid="podclique" data-name={clique.name} data-template={clique.template} className="rounded-md bg-zinc-50/60 p-2 dark:bg-zinc-900/60">
      <div className="flex flex-wrap items-center gap-2">
        <span className="text-xs uppercase tracking-wide text-zinc-500 dark:text-zinc-400">PodClique</span>
        <span className="font-mono text-sm">{clique.name}</span>
        <span className="text-xs text-zinc-600 dark:text-zinc-400" data-testid="clique-ready">
          {clique.counts.ready}/{clique.pods.length} ready (min {clique.minAvailable})
        </span>
        {clique.startsAfter.length > 0 && <span className="text-xs text-zinc-600 dark:text-zinc-400">starts after {clique.startsAfter.join(', ')}</span>}
        {clique.breached && <span className="text-xs text-amber-800 dark:text-amber-300">MinAvailableBreached: {clique.breached.reason}</span>}
        <span className="ml-auto">
          {!group ? (
            <ScaleToggle name={clique.name} open={open} onToggle={() => setOpen((o) => !o)} />
          ) : scaleGroup ? (
            <button type="button" className={BUTTON_SECONDARY} data-testid="scale-group-link" onClick={scaleGroup}>
              Scale group {group}
            </button>
          ) : (
            <span data-testid="scale-group-note" className="text-xs text-zinc-600 dark:text-zinc-400">
              Scaled with its scaling group {group}
            </span>
          )}
        </span>
      </div>
      {open && !group && (
        <div className="mt-2">
          <ScaleControl target={target} tree={props.tree} data={props.data} permission={props.permissions.PodClique} label="Pods" />
        </div>
      )}
      <ul className="mt-1 divide-y divide-zinc-200 text-xs dark:divide-zinc-800" aria-label={`Pods of ${clique.name}`}>
        {clique.pods.map((p) => {
          const why = props.why.get(p.name);
          const same = why ? sameReason.get(reasonKey(why)) : undefined;
          const first = same?.[0] === p.name;
          const since = p.stage !== 'ready' && isLiveStage(p.stage) ? notReadySince(p) : undefined;
          return (
            <li key={p.name} data-testid="pod" data-name={p.name} data-stage={p.stage} className="py-1">
              <div className="flex flex-wrap items-center gap-2">
                <StageBadge stage={p.stage} />
                {since !== undefined && (
                  <span data-testid="pod-waiting" className="tabular-nums text-zinc-600 dark:text-zinc-400" title={`not ready since ${new Date(since).toLocaleString()}`}>
                    for {formatDuration(props.now - since)}
                  </span>
                )}
                <span className="font-mono">{p.name}</span>
                {p.node && <span className="text-zinc-600 dark:text-zinc-400">on {p.node}</span>}
                {p.gpus > 0 && <span className="text-zinc-600 dark:text-zinc-400">{p.gpus} GPU{p.gpus === 1 ? '' : 's'}</span>}
              </div>
              {why && first && (
                <p data-testid="why-pending" className="mt-0.5 pl-1 text-zinc-700 dark:text-zinc-300">
                  <span className="font-medium">Why: </span>
                  {why.sentence}
                  {same && same.length > 1 ? ` The same holds for the ${same.length - 1} other ${why.stage} pod${same.length === 2 ? '' : 's'} of this PodClique.` : ''}
                </p>
              )}
              {why && !first && same && (
                <p className="mt-0.5 pl-1 text-zinc-600 dark:text-zinc-400">
                  {why.stage} for the same reason as {same[0]}.
                </p>
              )}
            </li>
          );
        })}
        {clique.pods.length === 0 && <li className="py-1 text-zinc-600 dark:text-zinc-400">No pods yet.</li>}
      </ul>
    </li>
  );
}

function reasonKey(why: WhyPending): string {
  return `${why.stage}|${why.cluster}|${why.engine ?? ''}`;
}
