/**
 * What the server answers for an apply or a scale: plain data shared by server/ (which produces it)
 * and the browser (which shows it).
 */
import type { ScalableKind } from './kinds';
import type { FieldChange } from './diff';
import type { KubeObject } from '../grove/meta';

export interface ApplyResult {
  kind: string;
  namespace?: string;
  name: string;
  /** What the object was before (null when it did not exist). */
  before: KubeObject | null;
  /** What the apiserver returned (after dry-run or for real). */
  after: KubeObject;
  dryRun: boolean;
  /** True when applying changes nothing (compared without status and server-managed metadata). */
  unchanged: boolean;
  warnings: string[];
  /** What changes, field by field (before → after, without status and server-managed metadata). */
  changes?: FieldChange[];
}

export interface ScaleResult {
  kind: ScalableKind;
  namespace: string;
  name: string;
  from: number;
  to: number;
  dryRun: boolean;
  /** Name of a HorizontalPodAutoscaler that targets this object: it will override a manual scale. */
  hpa?: string;
  warnings?: string[];
}

/** One document of a manifest file (0-based index in file order), named by kind and name. */
export interface ManifestDocumentRef {
  document: number;
  kind: string | null;
  namespace?: string;
  name: string | null;
}

/**
 * How far a real apply of a manifest got before a document was refused: documents are applied one
 * by one (no transaction), so what was applied before the refusal stays applied.
 */
export interface ApplyProgress {
  applied: (ManifestDocumentRef & { outcome: 'created' | 'configured' | 'unchanged' })[];
  notAttempted: ManifestDocumentRef[];
}
