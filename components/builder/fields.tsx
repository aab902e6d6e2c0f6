'use client';
/**
 * Inspector fields: each one is bound to a path in the PodCliqueSet and writes through one callback.
 * Inputs keep a draft while the text cannot be read as the field's type, so typing never fights the YAML;
 * a value the edit refused is not kept: the field goes back to what the YAML holds. An emptied field
 * removes its key only when the user leaves it (or presses Enter): emptying it on the way to another
 * value ("8", backspace, "16") leaves the key, and the comment on its line, where they are.
 */
import { useEffect, useId, useState, type ReactNode } from 'react';
import type { Path } from '@/lib/builder/document';
import { concernsField } from '@/lib/builder/findings';
import type { Finding } from '@/lib/grove/findings';
import { isRecord, pointer } from '@/lib/grove/meta';
import { textCodec, type Codec } from './codecs';

/** Writes one field; `false` when the edit was refused (the text is unreadable, the value not allowed). */
export type SetField = (path: Path, value: unknown) => boolean | void;

export function valueAt(object: unknown, path: Path): unknown {
  let cur: unknown = object;
  for (const seg of path) {
    if (Array.isArray(cur) && typeof seg === 'number') cur = cur[seg];
    else if (isRecord(cur)) cur = cur[String(seg)];
    else return undefined;
  }
  return cur;
}

/** Id of a field's input, so a finding can focus it. */
export const fieldId = (path: Path) => `field${pointer([...path]).replace(/[^a-zA-Z0-9_-]/g, '_')}`;

export { envCodec, intCodec, linesCodec, mapCodec, quantityCodec, textCodec, tolerationsCodec } from './codecs';

interface FieldProps {
  label: string;
  path: Path;
  object: unknown;
  findings: readonly Finding[];
  onSet: SetField;
  codec?: Codec;
  multiline?: boolean;
  createOnly?: boolean;
  help?: ReactNode;
  placeholder?: string;
  readOnlyReason?: string;
}

export function FieldFindings({ findings, path }: { findings: readonly Finding[]; path: Path }) {
  const mine = findings.filter((f) => concernsField(f.path, path));
  if (mine.length === 0) return null;
  return (
    <ul className="mt-0.5 flex flex-col gap-0.5" data-testid="field-findings">
      {mine.map((f, i) => (
        <li key={i} className={`text-[11px] ${f.severity === 'error' ? 'text-red-700 dark:text-red-400' : 'text-amber-700 dark:text-amber-400'}`}>
          {f.message}
        </li>
      ))}
    </ul>
  );
}

export function CreateOnlyMark() {
  return (
    <span
      aria-hidden="true"
      className="ml-1 rounded bg-zinc-200 px-1 text-[9px] font-semibold uppercase tracking-wide text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300"
      title="Create-only: Grove refuses changes to this field once the PodCliqueSet exists"
    >
      create-only
    </span>
  );
}

/** Read with the field's description, since the visible mark is hidden from the accessible name. */
export function CreateOnlyNote({ createOnly }: { createOnly?: boolean }) {
  return createOnly ? <span className="sr-only">Create-only: cannot be changed once the PodCliqueSet exists.</span> : null;
}

export function FieldLabel({ htmlFor, label, createOnly }: { htmlFor: string; label: string; createOnly?: boolean }) {
  return (
    <label htmlFor={htmlFor} className="flex items-center text-[11px] font-medium text-zinc-700 dark:text-zinc-300">
      {label}
      {createOnly && <CreateOnlyMark />}
    </label>
  );
}

export const inputClass =
  'w-full rounded border border-zinc-300 bg-white px-1.5 py-1 font-mono text-xs text-zinc-900 placeholder:text-zinc-500 aria-[invalid=true]:border-red-500 dark:border-zinc-700 dark:bg-zinc-950 dark:text-zinc-100 dark:placeholder:text-zinc-400';

export function Field({ label, path, object, findings, onSet, codec = textCodec, multiline, createOnly, help, placeholder, readOnlyReason }: FieldProps) {
  const id = fieldId(path);
  const helpId = useId();
  const held = valueAt(object, path);
  const external = codec.format(held);
  const [draft, setDraft] = useState(external);
  const [problem, setProblem] = useState<string | null>(null);
  /** The user emptied a field the YAML holds a value for: removed when they leave it, kept while they type on. */
  const [clearing, setClearing] = useState(false);
  useEffect(() => {
    setDraft(external);
    setProblem(null);
    setClearing(false);
  }, [external]);
  // Refused (the notice says why): the field shows what the YAML holds, not a value it never took.
  const write = (value: unknown) => {
    if (onSet(path, value) === false) setDraft(external);
  };
  const change = (text: string) => {
    setDraft(text);
    const parsed = codec.parse(text);
    if (parsed instanceof Error) {
      setProblem(`Expected ${parsed.message}`);
      setClearing(false);
      return;
    }
    setProblem(null);
    if (parsed === undefined) {
      setClearing(held !== undefined);
      return;
    }
    setClearing(false);
    write(parsed);
  };
  const commitClear = () => {
    if (!clearing) return;
    setClearing(false);
    write(undefined);
  };
  const hasError = problem !== null || findings.some((f) => f.severity === 'error' && concernsField(f.path, path));
  const common = {
    id,
    value: draft,
    placeholder,
    readOnly: !!readOnlyReason,
    'aria-invalid': hasError,
    'aria-describedby': helpId,
    className: `${inputClass} ${readOnlyReason ? 'opacity-60' : ''}`,
    'data-path': pointer([...path]),
  };
  return (
    <div className="flex flex-col gap-0.5">
      <FieldLabel htmlFor={id} label={label} createOnly={createOnly} />
      {multiline ? (
        <textarea {...common} rows={Math.min(6, Math.max(2, draft.split('\n').length))} onChange={(e) => change(e.currentTarget.value)} onBlur={commitClear} />
      ) : (
        <input {...common} type="text" onChange={(e) => change(e.currentTarget.value)} onBlur={commitClear} onKeyDown={(e) => e.key === 'Enter' && commitClear()} />
      )}
      <div id={helpId}>
        <CreateOnlyNote createOnly={createOnly} />
        {problem && <p className="text-[11px] text-red-700 dark:text-red-400">{problem}</p>}
        {clearing && (
          <p className="text-[11px] text-amber-700 dark:text-amber-400" data-testid="field-clearing">
            Empty: leaving the field removes it from the YAML, which keeps its value until then
          </p>
        )}
        {readOnlyReason && <p className="text-[11px] text-zinc-500 dark:text-zinc-400">{readOnlyReason}</p>}
        {help && <p className="text-[11px] text-zinc-500 dark:text-zinc-400">{help}</p>}
        <FieldFindings findings={findings} path={path} />
      </div>
    </div>
  );
}

export function SelectField({
  label,
  path,
  object,
  findings,
  onSet,
  options,
  createOnly,
  emptyLabel = '(not set)',
}: Omit<FieldProps, 'codec' | 'multiline'> & { options: readonly string[]; emptyLabel?: string }) {
  const id = fieldId(path);
  const value = valueAt(object, path);
  const current = typeof value === 'string' ? value : '';
  const describedBy = `${id}-note`;
  const all = current && !options.includes(current) ? [current, ...options] : options;
  return (
    <div className="flex flex-col gap-0.5">
      <FieldLabel htmlFor={id} label={label} createOnly={createOnly} />
      <select id={id} value={current} aria-describedby={describedBy} onChange={(e) => onSet(path, e.currentTarget.value || undefined)} className={inputClass} data-path={pointer([...path])}>
        <option value="">{emptyLabel}</option>
        {all.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
      <div id={describedBy}>
        <CreateOnlyNote createOnly={createOnly} />
        <FieldFindings findings={findings} path={path} />
      </div>
    </div>
  );
}

/** A name: edited as a draft, committed on Enter or leaving the field, with the name budget shown while typing. */
export function NameField({
  label,
  path,
  value,
  findings,
  createOnly,
  budget,
  onCommit,
}: {
  label: string;
  path: Path;
  value: string;
  findings: readonly Finding[];
  createOnly?: boolean;
  /** Characters used against the limit, given the draft name. */
  budget: (draft: string) => { used: number; limit: number; detail: string };
  onCommit: (name: string) => boolean;
}) {
  const id = fieldId(path);
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [value]);
  const b = budget(draft);
  const over = b.used > b.limit;
  const commit = () => {
    if (draft === value) return;
    if (!onCommit(draft)) setDraft(value);
  };
  return (
    <div className="flex flex-col gap-0.5">
      <FieldLabel htmlFor={id} label={label} createOnly={createOnly} />
      <input
        id={id}
        type="text"
        value={draft}
        onChange={(e) => setDraft(e.currentTarget.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit();
          if (e.key === 'Escape') setDraft(value);
        }}
        aria-invalid={over}
        aria-describedby={`${id}-budget`}
        className={inputClass}
        data-path={pointer([...path])}
      />
      <p id={`${id}-budget`} data-testid="name-budget" className={`text-[11px] ${over ? 'font-semibold text-red-700 dark:text-red-400' : 'text-zinc-500 dark:text-zinc-400'}`}>
        <CreateOnlyNote createOnly={createOnly} />
        Name budget {b.used}/{b.limit} {over ? `— ${b.used - b.limit} too many` : ''} ({b.detail})
      </p>
      <FieldFindings findings={findings} path={path} />
    </div>
  );
}

export function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <fieldset className="flex flex-col gap-2 border-t border-zinc-200 px-3 py-2 dark:border-zinc-800">
      <legend className="sr-only">{title}</legend>
      <h3 aria-hidden="true" className="text-[11px] font-semibold uppercase tracking-wide text-zinc-500 dark:text-zinc-400">
        {title}
      </h3>
      {children}
    </fieldset>
  );
}
