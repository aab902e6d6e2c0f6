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
