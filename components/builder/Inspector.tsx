'use client';

import { useMemo } from 'react';
import type { Path } from '@/lib/builder/document';
import { cliquePath, groupPath, templatePath } from '@/lib/builder/edits';
import { cliqueOfRef, ROLE_KINDS, ROLE_KIND_LABELS, type BuilderGraph, type RoleKind } from '@/lib/builder/graph';
import type { TopologyLevel } from '@/lib/grove/clustertopologybinding';
import type { Finding } from '@/lib/grove/findings';
import { pointer } from '@/lib/grove/meta';
import { preferredDomain, requiredDomain, type TopologyConstraint } from '@/lib/grove/topology-constraint';
import { ANNOTATION_MNNVL_GROUP } from '@/lib/grove/labels';
import { NAME_BUDGET, nameBudgetUsed } from '@/lib/grove/naming';
import { CLIQUE_STARTUP_TYPES } from '@/lib/grove/podcliqueset';
import { SCHEDULER_BACKENDS } from '@/lib/grove/validate/context';
import {
  CreateOnlyMark,
  CreateOnlyNote,
  Field,
  FieldFindings,
  FieldLabel,
  fieldId,
  inputClass,
  intCodec,
  mapCodec,
  NameField,
  Section,
  SelectField,
  tolerationsCodec,
  valueAt,
  type SetField,
} from './fields';
import { tolerationsUnrepresentable } from './codecs';
import { InspectorContainers, type ContainerActions } from './InspectorContainers';
import { topologyNote } from './topologyNote';
import { replicasEdit, replicasHelp, type StackLife } from './cliqueReplicas';
import type { KindAvailability } from '@/components/hooks/kindAvailability';

/** Levels per ClusterTopologyBinding name, from the cluster. */
export type TopologyLevels = Record<string, string[]>;

export interface InspectorProps {
  graph: BuilderGraph;
  object: Record<string, unknown>;
  findings: readonly Finding[];
  topologies: TopologyLevels;
  /** Whether the cluster's ClusterTopologyBinding list can be believed (an empty one is "none" only when live). */
  topologyAvailability: KindAvailability;
  /** The YAML text's own ClusterTopologyBindings (name → levels): offered next to the cluster's. */
  fileTopologies?: Record<string, TopologyLevel[]>;
  /** The namespace the server applies a stack without one to (its context's default), when known. */
  defaultNamespace: string | null;
  /** A clique by its ref (CliqueNode.ref: its name, unless an earlier clique has it), a group by name. */
  selection: { kind: 'stack' } | { kind: 'clique'; name: string } | { kind: 'group'; name: string };
  /** Whether the stack runs (Apply updates it): edits then never touch what Grove refuses to change. */
  stackLife: StackLife;
  /** Cliques are passed by ref from here on (CliqueNode.ref), so each of two cliques of one name is edited apart. */
  kindOf: (clique: string) => RoleKind;
  onSet: SetField;
  /** Several fields as one edit; false when refused. */
  onSetMany: (entries: { path: Path; value: unknown }[]) => boolean | void;
  onSetKind: (clique: string, kind: RoleKind) => void;
  onRenameStack: (name: string) => boolean;
  onRenameClique: (from: string, to: string) => boolean;
  onRenameGroup: (from: string, to: string) => boolean;
  onMoveToGroup: (clique: string, group: string | null) => void;
  onToggleStartsAfter: (from: string, to: string, on: boolean) => void;
  onAddContainer: ContainerActions['onAddContainer'];
  onRemoveContainer: ContainerActions['onRemoveContainer'];
}

/** A constraint above this one (the stack's, a group's): its pack must not be narrower than this one's. */
interface ParentConstraint {
  what: string;
  base: Path;
}

function TopologyFields({ base, props, inheritedName, parents = [] }: { base: Path; props: InspectorProps; inheritedName?: string; parents?: readonly ParentConstraint[] }) {
  const { object, findings, onSet } = props;
  const topologies = useTopologies(props);
  const own = valueAt(object, [...base, 'topologyConstraint', 'topologyName']);
  const name = typeof own === 'string' && own ? own : inheritedName;
  const known = name ? topologies[name] : undefined;
  const levels = known || [...new Set(Object.values(topologies).flat())];
  const common = { object, findings, onSet };
  /** Why a level cannot be chosen here: it is broader than a parent's level of the same kind (only judged with the binding's order). */
  const refusal = (kind: 'required' | 'preferred') => (level: string) => {
    if (!known) return null;
    for (const parent of parents) {
      const constraint = valueAt(object, [...parent.base, 'topologyConstraint']) as TopologyConstraint | undefined;
      const theirs = kind === 'required' ? requiredDomain(constraint) : preferredDomain(constraint);
      if (theirs && known.indexOf(theirs) > known.indexOf(level) && known.includes(level)) return `broader than ${parent.what}'s ${kind} ${theirs}`;
    }
    return null;
  };
  return (
    <>
      <SelectField {...common} label="Topology (ClusterTopologyBinding)" path={[...base, 'topologyConstraint', 'topologyName']} options={Object.keys(topologies)} createOnly emptyLabel={inheritedName ? `(inherit ${inheritedName})` : '(none)'} />
      <div className="grid grid-cols-2 gap-2">
        <PackSelect {...common} label="Pack required" path={[...base, 'topologyConstraint', 'pack', 'required']} options={levels} refusal={refusal('required')} />
        <PackSelect {...common} label="Pack preferred" path={[...base, 'topologyConstraint', 'pack', 'preferred']} options={levels} refusal={refusal('preferred')} />
      </div>
      {/* Findings on the constraint as a whole (Grove names it for a required domain narrower than a child's); those on its fields show at them. */}
      <FieldFindings findings={findings.filter((f) => f.path === pointer([...base, 'topologyConstraint']))} path={[...base, 'topologyConstraint']} />
      <TopologyNote {...props} />
    </>
  );
}

function TopologyNote({ topologies, fileTopologies, topologyAvailability }: InspectorProps) {
  const note = topologyNote(topologyAvailability, { cluster: Object.keys(topologies).length, file: Object.keys(fileTopologies ?? {}).length });
  if (!note) return null;
  return (
    <p className="text-[11px] text-zinc-500 dark:text-zinc-400" data-testid="topology-note" data-availability={topologyAvailability.status}>
      {note}
    </p>
  );
}

/**
 * A pack level: SelectField's control, with the levels a parent's constraint rules out disabled and
 * saying why (`zone — broader than the stack's required block`); a value already written stays choosable.
 */
function PackSelect({ label, path, object, findings, onSet, options, refusal }: { label: string; path: Path; object: Record<string, unknown>; findings: readonly Finding[]; onSet: SetField; options: readonly string[]; refusal: (level: string) => string | null }) {
  const id = fieldId(path);
  const value = valueAt(object, path);
  const current = typeof value === 'string' ? value : '';
  const all = current && !options.includes(current) ? [current, ...options] : options;
  return (
    <div className="flex flex-col gap-0.5">
      <FieldLabel htmlFor={id} label={label} />
      <select id={id} value={current} aria-describedby={`${id}-note`} onChange={(e) => onSet(path, e.currentTarget.value || undefined)} className={inputClass} data-path={pointer([...path])}>
        <option value="">(none)</option>
        {all.map((o) => {
          const why = o === current ? null : refusal(o);
          return (
            <option key={o} value={o} disabled={why !== null} title={why ?? undefined}>
              {why ? `${o} — ${why}` : o}
            </option>
          );
        })}
      </select>
      <div id={`${id}-note`}>
        <FieldFindings findings={findings} path={path} />
      </div>
    </div>
  );
}

/** The cluster's bindings and the document's own (a binding in the same file is applied with it, and wins). */
function useTopologies(props: InspectorProps): TopologyLevels {
  const { topologies, fileTopologies } = props;
  return useMemo(() => {
    const own = fileTopologies ?? {};
    if (Object.keys(own).length === 0) return topologies;
    return { ...topologies, ...Object.fromEntries(Object.entries(own).map(([name, levels]) => [name, levels.map((l) => l.domain)])) };
  }, [topologies, fileTopologies]);
}

function AutoscalingFields({ base, props }: { base: Path; props: InspectorProps }) {
  const common = { object: props.object, findings: props.findings, onSet: props.onSet, codec: intCodec };
  return (
    <div className="grid grid-cols-2 gap-2">
      <Field {...common} label="Min replicas" path={[...base, 'minReplicas']} />
      <Field {...common} label="Max replicas" path={[...base, 'maxReplicas']} />
    </div>
  );
}

function StackInspector(props: InspectorProps) {
  const { graph, object, findings, onSet } = props;
  const common = { object, findings, onSet };
  const worst = Math.max(0, ...graph.cliques.map((c) => nameBudgetUsed(graph.name, c.name, c.group ?? undefined)));
  const schedulers = new Set(graph.cliques.map((c) => valueAt(object, cliquePath(c.index, 'spec', 'podSpec', 'schedulerName'))).map((v) => (typeof v === 'string' ? v : '')));
  const scheduler = schedulers.size === 1 ? [...schedulers][0]! : '';
  return (
    <>
      <Section title="PodCliqueSet">
        <NameField
          label="Name"
          path={['metadata', 'name']}
          value={graph.name}
          findings={findings}
          createOnly
          budget={(draft) => ({ used: Math.max(0, ...graph.cliques.map((c) => nameBudgetUsed(draft, c.name, c.group ?? undefined))), limit: NAME_BUDGET, detail: worst ? 'longest stack + group + clique name' : 'no cliques yet' })}
          onCommit={props.onRenameStack}
        />
        <Field {...common} label="Namespace" path={['metadata', 'namespace']} createOnly placeholder={props.defaultNamespace ?? ''} />
        <Field {...common} label="Replicas" path={['spec', 'replicas']} codec={intCodec} />
        <SelectField {...common} label="Startup order" path={templatePath('cliqueStartupType')} options={CLIQUE_STARTUP_TYPES} createOnly emptyLabel="(default: any order)" />
        <Field {...common} label="Priority class" path={templatePath('priorityClassName')} />
        <Field {...common} label="Termination delay" path={templatePath('terminationDelay')} placeholder="4h" help="How long a broken gang may stay before Grove terminates it." />
        <div className="flex flex-col gap-0.5">
          <FieldLabel htmlFor="stack-scheduler" label="Scheduler (every clique)" />
          <select
            id="stack-scheduler"
            className={inputClass}
            value={scheduler}
            onChange={(e) => props.onSetMany(graph.cliques.map((c) => ({ path: cliquePath(c.index, 'spec', 'podSpec', 'schedulerName'), value: e.currentTarget.value || undefined })))}
          >
            <option value="">{schedulers.size > 1 ? '(mixed)' : '(operator default)'}</option>
            {SCHEDULER_BACKENDS.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </div>
        <Field {...common} label="MNNVL group (annotation)" path={['metadata', 'annotations', ANNOTATION_MNNVL_GROUP]} placeholder="none, or a group name" />
        <Field {...common} label="Labels" path={['metadata', 'labels']} codec={mapCodec} multiline placeholder="key=value per line" />
      </Section>
      <Section title="Topology (per stack replica)">
        <TopologyFields base={templatePath()} props={props} />
      </Section>
    </>
  );
}

function GroupInspector(props: InspectorProps & { name: string }) {
  const { graph, object, findings, onSet } = props;
  const g = graph.groups.find((x) => x.name === props.name);
  if (!g) return null;
  const common = { object, findings, onSet };
  const p = (...rest: (string | number)[]) => groupPath(g.index, ...rest);
  const stackTopo = valueAt(object, templatePath('topologyConstraint', 'topologyName'));
  return (
    <>
      <Section title={`Scaling group ${g.name}`}>
        <NameField
          label="Name"
          path={p('name')}
          value={g.name}
          findings={findings}
          createOnly
          budget={(draft) => ({ used: Math.max(0, ...g.cliqueNames.map((c) => nameBudgetUsed(graph.name, c, draft))), limit: NAME_BUDGET, detail: 'stack + group + longest member' })}
          onCommit={(to) => props.onRenameGroup(g.name, to)}
        />
        <p className="text-[11px] text-zinc-600 dark:text-zinc-400">
          Members: {g.cliqueNames.length ? g.cliqueNames.join(', ') : 'none yet — drag cliques into the frame, or add them from the palette while the group is selected'}
        </p>
        <FieldFindings findings={findings} path={p('cliqueNames')} />
        <div className="grid grid-cols-2 gap-2">
          <Field {...common} label="Replicas" path={p('replicas')} codec={intCodec} />
          <Field {...common} label="Min available" path={p('minAvailable')} codec={intCodec} createOnly />
        </div>
      </Section>
      <Section title="Autoscaling (scaleConfig)">
        <AutoscalingFields base={p('scaleConfig')} props={props} />
      </Section>
      <Section title="Topology (per group replica)">
        <TopologyFields base={p()} props={props} inheritedName={typeof stackTopo === 'string' ? stackTopo : undefined} parents={[{ what: 'the stack', base: templatePath() }]} />
      </Section>
      <Section title="MNNVL">
        <Field {...common} label="MNNVL group (annotation)" path={p('annotations', ANNOTATION_MNNVL_GROUP)} />
      </Section>
    </>
  );
}

function CliqueInspector(props: InspectorProps & { name: string }) {
  const { graph, object, findings, onSet } = props;
  const c = cliqueOfRef(graph, props.name);
  if (!c) return null;
  const common = { object, findings, onSet };
  const p = (...rest: (string | number)[]) => cliquePath(c.index, ...rest);
  const tolerationsProblem = tolerationsUnrepresentable(valueAt(object, p('spec', 'podSpec', 'tolerations')));
  const inYaml = (what: string) => `${what}: edit it in the YAML.`;
  const groupIndex = c.group ? graph.groups.find((g) => g.name === c.group)?.index : undefined;
  const groupTopo = groupIndex !== undefined ? valueAt(object, groupPath(groupIndex, 'topologyConstraint', 'topologyName')) : undefined;
  const stackTopo = valueAt(object, templatePath('topologyConstraint', 'topologyName'));
  const inherited = [groupTopo, stackTopo].find((v): v is string => typeof v === 'string' && v !== '');
  const kind = props.kindOf(c.ref);
  const otherNames = [...new Set(graph.cliques.map((o) => o.name))].filter((n) => n !== c.name);
  const setReplicas: SetField = (_path, value) => props.onSetMany(replicasEdit(c, value, props.stackLife));
  return (
    <>
      <Section title={`Clique ${c.name}`}>
        <NameField
          label="Name"
          path={p('name')}
          value={c.name}
          findings={findings}
          createOnly
          budget={(draft) => ({ used: nameBudgetUsed(graph.name, draft, c.group ?? undefined), limit: NAME_BUDGET, detail: c.group ? 'stack + group + clique' : 'stack + clique' })}
          onCommit={(to) => props.onRenameClique(c.ref, to)}
        />
        <div className="flex flex-col gap-0.5">
          <FieldLabel htmlFor="clique-kind" label="Role kind (canvas only)" />
          <select id="clique-kind" className={inputClass} value={kind} onChange={(e) => props.onSetKind(c.ref, e.currentTarget.value as RoleKind)}>
            {ROLE_KINDS.map((k) => (
              <option key={k} value={k}>
                {ROLE_KIND_LABELS[k]}
              </option>
            ))}
          </select>
        </div>
        <Field {...common} label="Role name" path={p('spec', 'roleName')} createOnly />
        <div className="grid grid-cols-2 gap-2">
          <Field {...common} onSet={setReplicas} label="Replicas (pods)" path={p('spec', 'replicas')} codec={intCodec} help={replicasHelp(c, props.stackLife)} />
          <Field {...common} label="Min available" path={p('spec', 'minAvailable')} codec={intCodec} createOnly />
        </div>
        <div className="flex flex-col gap-0.5">
          <FieldLabel htmlFor={fieldId(['group', c.ref])} label="Scaling group" createOnly />
          <select id={fieldId(['group', c.ref])} className={inputClass} value={c.group ?? ''} onChange={(e) => props.onMoveToGroup(c.ref, e.currentTarget.value || null)}>
            <option value="">(standalone)</option>
            {graph.groups.map((g) => (
              <option key={g.name} value={g.name}>
                {g.name}
              </option>
            ))}
          </select>
        </div>
        <fieldset className="flex flex-col gap-0.5">
          <legend className="flex items-center text-[11px] font-medium text-zinc-700 dark:text-zinc-300">
            Starts after
            <CreateOnlyMark />
            <CreateOnlyNote createOnly />
          </legend>
          {otherNames.length === 0 && <p className="text-[11px] text-zinc-500 dark:text-zinc-400">No other cliques.</p>}
          {/* startsAfter names cliques: each other name once. */}
          <div className="flex flex-wrap gap-x-3 gap-y-1">
            {otherNames.map((name) => (
              <label key={name} className="flex items-center gap-1 text-xs">
                <input type="checkbox" checked={c.startsAfter.includes(name)} onChange={(e) => props.onToggleStartsAfter(name, c.ref, e.currentTarget.checked)} />
                {name}
              </label>
            ))}
          </div>
          <FieldFindings findings={findings} path={p('spec', 'startsAfter')} />
        </fieldset>
      </Section>
      {/* The containers' actions name this clique by ref, not by the name they pass. */}
      <InspectorContainers
        clique={c}
        object={object}
        findings={findings}
        onSet={onSet}
        onAddContainer={(_name, list) => props.onAddContainer(c.ref, list)}
        onRemoveContainer={(_name, list, index) => props.onRemoveContainer(c.ref, list, index)}
      />
      <Section title="Scheduling">
        <Field {...common} label="Node selector (key=value per line)" path={p('spec', 'podSpec', 'nodeSelector')} codec={mapCodec} multiline />
        <Field {...common} label="Tolerations (key=value:Effect per line)" path={p('spec', 'podSpec', 'tolerations')} codec={tolerationsCodec} multiline readOnlyReason={tolerationsProblem ? inYaml(tolerationsProblem) : undefined} />
        <SelectField {...common} label="Scheduler" path={p('spec', 'podSpec', 'schedulerName')} options={SCHEDULER_BACKENDS} emptyLabel="(operator default)" />
        <Field {...common} label="MNNVL group (annotation)" path={p('annotations', ANNOTATION_MNNVL_GROUP)} />
      </Section>
      <Section title="Autoscaling (autoScalingConfig)">
        {c.group ? (
          <p className="text-[11px] text-zinc-500 dark:text-zinc-400">Cliques in a scaling group scale with it: use the group’s scaleConfig.</p>
        ) : (
          <AutoscalingFields base={p('spec', 'autoScalingConfig')} props={props} />
        )}
        <FieldFindings findings={findings} path={p('spec', 'autoScalingConfig')} />
      </Section>
      <Section title="Topology (per PodClique)">
        <TopologyFields
          base={p()}
          props={props}
          inheritedName={inherited}
          parents={[...(groupIndex !== undefined ? [{ what: `group ${c.group}`, base: groupPath(groupIndex) }] : []), { what: 'the stack', base: templatePath() }]}
        />
      </Section>
    </>
  );
}

/** Every field of the stack, or of the selected group or clique. */
export function Inspector(props: InspectorProps) {
  const s = props.selection;
  return (
    <section aria-labelledby="inspector-heading" className="flex min-h-0 flex-col" data-testid="inspector">
      <h2 id="inspector-heading" className="border-b border-zinc-200 px-3 py-2 text-[11px] font-semibold uppercase tracking-wide text-zinc-500 dark:border-zinc-800 dark:text-zinc-400">
        Inspector · {s.kind === 'stack' ? 'stack' : `${s.kind} ${s.name}`}
      </h2>
      {/* relative: the visually hidden labels inside (absolutely positioned) scroll in here; placed by an
          ancestor outside it, they reached below the window and made the whole page scroll. */}
      <div className="relative min-h-0 flex-1 overflow-y-auto pb-4">
        {s.kind === 'stack' && <StackInspector {...props} />}
        {s.kind === 'group' && <GroupInspector {...props} name={s.name} />}
        {s.kind === 'clique' && <CliqueInspector {...props} name={s.name} />}
      </div>
    </section>
  );
}
