'use client';
/**
 * The containers of the selected clique's pod template: every app container and init container
 * (sidecars included), each with its own fields, so an edit is a YAML edit of exactly that container.
 */
import { useEffect, useState } from 'react';
import { containerPath, containersOf, type ContainerList, type ContainerSummary } from '@/lib/builder/containers';
import { concernsField } from '@/lib/builder/findings';
import type { CliqueNode } from '@/lib/builder/graph';
import type { Finding } from '@/lib/grove/findings';
import { isRecord } from '@/lib/grove/meta';
import { envCodec, Field, FieldFindings, fieldId, linesCodec, quantityCodec, Section, SelectField, valueAt, type SetField } from './fields';

export interface ContainerActions {
  /** Adds a container to the clique; returns the new container's name, or null when refused. */
  onAddContainer: (clique: string, list: ContainerList) => string | null;
  onRemoveContainer: (clique: string, list: ContainerList, index: number) => void;
}

interface ContainersProps extends ContainerActions {
  clique: CliqueNode;
  object: Record<string, unknown>;
  findings: readonly Finding[];
  onSet: SetField;
}

const noteClass = 'text-[11px] text-zinc-500 dark:text-zinc-400';
const smallButton =
  'inline-flex h-6 items-center rounded border border-zinc-300 bg-white px-1.5 text-[11px] font-medium text-zinc-800 hover:bg-zinc-100 disabled:cursor-not-allowed disabled:opacity-50 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100 dark:hover:bg-zinc-800';

/** The container fields shown here, relative to the container. */
const FIELDS: readonly (readonly string[])[] = [
  ['name'],
  ['image'],
  ['command'],
  ['args'],
  ['env'],
  ['restartPolicy'],
  ...['requests', 'limits'].flatMap((kind) => ['nvidia.com/gpu', 'cpu', 'memory'].map((r) => ['resources', kind, r])),
];

const title = (c: ContainerSummary) => `${c.list === 'containers' ? 'Container' : c.sidecar ? 'Sidecar' : 'Init container'} ${c.name || `#${c.index + 1}`}`;

/** A list whose one-line-per-item form would lose something (an item that is not a one-line string). */
const multiLine = (v: unknown) => Array.isArray(v) && v.some((x) => typeof x !== 'string' || x.includes('\n'));
const inYaml = (what: string) => `${what}: edit it in the YAML.`;

function ContainerFields({ props, container, removable }: { props: ContainersProps; container: ContainerSummary; removable: boolean }) {
  const { clique, object, findings, onSet } = props;
  const at = (...rest: (string | number)[]) => containerPath(clique.index, container.list, container.index, ...rest);
  const common = { object, findings, onSet };
  const env = valueAt(object, at('env'));
  const envHasRefs = Array.isArray(env) && env.some((e) => isRecord(e) && 'valueFrom' in e);
  const name = title(container);
  return (
    <Section title={name}>
      <div className="flex items-center gap-2">
        {container.list === 'initContainers' && (
          <span className={noteClass}>{container.sidecar ? 'Runs beside the app containers (restartPolicy: Always).' : 'Runs to completion before the app containers start.'}</span>
        )}
        <button
          type="button"
          className={`${smallButton} ml-auto aria-disabled:cursor-not-allowed aria-disabled:opacity-50`}
          aria-disabled={!removable}
          title={removable ? undefined : 'A pod needs at least one container'}
          aria-label={removable ? `Remove ${name}` : `Remove ${name} (not possible: a pod needs at least one container)`}
          onClick={() => removable && props.onRemoveContainer(clique.name, container.list, container.index)}
        >
          Remove
        </button>
      </div>
      <Field {...common} label="Container name" path={at('name')} />
      <Field {...common} label="Image" path={at('image')} />
      <Field {...common} label="Command (one per line)" path={at('command')} codec={linesCodec} multiline readOnlyReason={multiLine(valueAt(object, at('command'))) ? inYaml('An item spans several lines') : undefined} />
      <Field {...common} label="Args (one per line)" path={at('args')} codec={linesCodec} multiline readOnlyReason={multiLine(valueAt(object, at('args'))) ? inYaml('An item spans several lines') : undefined} />
      <Field {...common} label="Env (NAME=value per line)" path={at('env')} codec={envCodec} multiline readOnlyReason={envHasRefs ? inYaml('Some entries come from valueFrom') : undefined} />
      {container.list === 'initContainers' && (
        <SelectField {...common} label="Restart policy" path={at('restartPolicy')} options={['Always']} emptyLabel="(none: finishes first)" />
      )}
      <div className="grid grid-cols-3 gap-2">
        <Field {...common} label="GPU request" path={at('resources', 'requests', 'nvidia.com/gpu')} codec={quantityCodec} />
        <Field {...common} label="CPU request" path={at('resources', 'requests', 'cpu')} codec={quantityCodec} />
        <Field {...common} label="Memory request" path={at('resources', 'requests', 'memory')} codec={quantityCodec} />
        <Field {...common} label="GPU limit" path={at('resources', 'limits', 'nvidia.com/gpu')} codec={quantityCodec} />
        <Field {...common} label="CPU limit" path={at('resources', 'limits', 'cpu')} codec={quantityCodec} />
        <Field {...common} label="Memory limit" path={at('resources', 'limits', 'memory')} codec={quantityCodec} />
      </div>
      {/* Findings about this container on fields only the YAML pane edits (ports, probes, volumeMounts, …). */}
      <FieldFindings findings={findings.filter((f) => !FIELDS.some((field) => concernsField(f.path, at(...field))))} path={at()} />
    </Section>
  );
}

/** Every container of the clique, the GPUs one pod takes, and add / remove. */
export function InspectorContainers(props: ContainersProps) {
  const { clique, object, findings } = props;
  const containers = containersOf(object, clique.index);
  const appCount = containers.filter((c) => c.list === 'containers').length;
  // After an add, the new container's image field takes the focus: it is the one thing still missing.
  // The request is for this clique and its next render only, so it never steals focus later.
  const [focusNext, setFocusNext] = useState<{ clique: string; id: string; count: number } | null>(null);
  useEffect(() => {
    if (!focusNext) return;
    if (focusNext.clique === clique.name && containers.length === focusNext.count) return; // the add has not rendered yet
    if (focusNext.clique === clique.name) document.getElementById(focusNext.id)?.focus();
    setFocusNext(null);
  }, [focusNext, clique.name, containers.length]);
  // Bumped on remove: the containers after the removed one shift up an index, and must not inherit
  // the removed one's unsaved drafts.
  const [generation, setGeneration] = useState(0);
  const add = (list: ContainerList) => {
    const name = props.onAddContainer(clique.name, list);
    if (name === null) return;
    const index = containers.filter((c) => c.list === list).length;
    setFocusNext({ clique: clique.name, id: fieldId(containerPath(clique.index, list, index, 'image')), count: containers.length });
  };
  const remove: ContainersProps['onRemoveContainer'] = (cliqueName, list, index) => {
    props.onRemoveContainer(cliqueName, list, index);
    setGeneration((g) => g + 1);
  };
  const podSpec = ['spec', 'template', 'cliques', clique.index, 'spec', 'podSpec'] as const;
  return (
    <>
      <Section title="Containers">
        <p className="text-xs" data-testid="gpus-per-pod">
          <span className="font-medium">GPU per pod: {clique.gpus}</span>
          <span className={`block ${noteClass}`}>App containers and sidecars add up; an init container counts alone when it needs more.</span>
        </p>
        {clique.gpuError && (
          <p role="status" className="text-[11px] text-red-700 dark:text-red-400">
            Cannot count GPUs: {clique.gpuError}
          </p>
        )}
        <FieldFindings findings={findings.filter((f) => f.path === `/${podSpec.join('/')}/containers` || f.path === `/${podSpec.join('/')}/initContainers`)} path={[...podSpec]} />
        <div className="flex flex-wrap gap-2">
          <button type="button" className={smallButton} onClick={() => add('containers')}>
            Add container
          </button>
          <button type="button" className={smallButton} onClick={() => add('initContainers')}>
            Add init container
          </button>
        </div>
      </Section>
      {containers.map((c) => (
        <ContainerFields key={`${c.list}-${c.index}-${generation}`} props={{ ...props, onRemoveContainer: remove }} container={c} removable={c.list === 'initContainers' || appCount > 1} />
      ))}
    </>
  );
}
