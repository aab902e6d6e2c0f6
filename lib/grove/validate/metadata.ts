/** ObjectMeta checks the apiserver and Grove's webhooks apply to every object. */
import type { Finding } from '../findings';
import {
  dns1123LabelError,
  dns1123SubdomainError,
  isRecord,
  labelValueError,
  pointer,
  qualifiedNameError,
  TOTAL_ANNOTATION_SIZE_LIMIT,
} from '../meta';

export function validateMetadata(object: Record<string, unknown>, namespaced: boolean): Finding[] {
  const out: Finding[] = [];
  const meta = object.metadata;
  if (!isRecord(meta)) {
    out.push({ path: '/metadata', rule: 'meta.name', severity: 'error', message: 'metadata.name is required' });
    return out;
  }
  const name = meta.name;
  if (name === undefined || name === '') {
    if (typeof meta.generateName !== 'string' || meta.generateName === '') {
      out.push({ path: '/metadata/name', rule: 'meta.name', severity: 'error', message: 'name or generateName is required' });
    }
  } else if (typeof name === 'string') {
    const why = dns1123SubdomainError(name);
    if (why) out.push({ path: '/metadata/name', rule: 'meta.name', severity: 'error', message: `metadata.name "${name}" is not a valid DNS subdomain: ${why}` });
  }
  const namespace = meta.namespace;
  if (typeof namespace === 'string' && namespace !== '') {
    if (!namespaced) {
      out.push({ path: '/metadata/namespace', rule: 'meta.namespace', severity: 'warning', message: `${String(object.kind)} is cluster-scoped; metadata.namespace is ignored` });
    } else {
      const why = dns1123LabelError(namespace);
      if (why) out.push({ path: '/metadata/namespace', rule: 'meta.namespace', severity: 'error', message: `metadata.namespace "${namespace}" ${why}` });
    }
  }
  out.push(...validateLabels(meta.labels, ['metadata', 'labels']));
  out.push(...validateAnnotations(meta.annotations, ['metadata', 'annotations']));
  return out;
}

export function validateLabels(labels: unknown, path: (string | number)[]): Finding[] {
  if (!isRecord(labels)) return [];
  const out: Finding[] = [];
  for (const [key, value] of Object.entries(labels)) {
    const keyError = qualifiedNameError(key);
    if (keyError) out.push({ path: pointer([...path, key]), rule: 'meta.labelKey', severity: 'error', message: `label key "${key}": ${keyError}` });
    if (typeof value === 'string') {
      const valueError = labelValueError(value);
      if (valueError) out.push({ path: pointer([...path, key]), rule: 'meta.labelValue', severity: 'error', message: `label value "${value}": ${valueError}` });
    }
  }
  return out;
}

export function validateAnnotations(annotations: unknown, path: (string | number)[]): Finding[] {
  if (!isRecord(annotations)) return [];
  const out: Finding[] = [];
  let size = 0;
  for (const [key, value] of Object.entries(annotations)) {
    const keyError = qualifiedNameError(key.toLowerCase());
    if (keyError) out.push({ path: pointer([...path, key]), rule: 'meta.annotationKey', severity: 'error', message: `annotation key "${key}": ${keyError}` });
    size += key.length + (typeof value === 'string' ? value.length : 0);
  }
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) {
    out.push({ path: pointer(path), rule: 'meta.annotationSize', severity: 'error', message: `annotations take ${size} bytes; the limit is ${TOTAL_ANNOTATION_SIZE_LIMIT}` });
  }
  return out;
}
