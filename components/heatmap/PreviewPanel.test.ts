/**
 * Drops on the topology page: which dropped texts may replace the preview's YAML, and which drops are
 * left to the browser (a text field other than the preview's).
 */
import { describe, expect, test } from 'vitest';
import { dropsIntoOtherField, NOT_A_MANIFEST, PREVIEW_FIELD_ID, previewTextDrop } from './PreviewPanel';

const PCS = 'apiVersion: grove.io/v1alpha1\nkind: PodCliqueSet\nmetadata:\n  name: dropped\nspec:\n  replicas: 1\n';

describe('previewTextDrop: a dropped text replaces the preview only when it is a manifest', () => {
  test.each([
    ['a word', 'mixtral-agg'],
    ['a link', 'http://localhost:3000/workloads?selected=default%2Fmixtral-agg'],
    ['table text', 'rack-0\t72\t64 used\t8 free'],
    ['YAML of another kind', 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n'],
    ['a List of other kinds', 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: p}\n'],
    ['broken YAML', 'kind: PodCliqueSet\nmetadata: [unclosed\n'],
    ['an empty text', ''],
  ])('%s is kept out, and the page says so', (_, text) => {
    expect(previewTextDrop(text)).toEqual({ kind: 'kept', notice: NOT_A_MANIFEST });
  });

  test.each([
    ['a PodCliqueSet', PCS],
    ['an invalid PodCliqueSet (its problems are shown, line:column)', 'apiVersion: grove.io/v1alpha1\nkind: PodCliqueSet\nmetadata:\n  name: Bad_Name\n'],
    ['a PodCliqueSet after another document', `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n---\n${PCS}`],
    ['a List holding PodCliqueSets (kubectl get pcs -o yaml)', `apiVersion: v1\nkind: List\nitems:\n- ${PCS.trimEnd().replace(/\n/g, '\n  ')}\n`],
  ])('%s replaces the preview', (_, text) => {
    expect(previewTextDrop(text)).toEqual({ kind: 'manifest', text });
  });

  test('the notice says the YAML was kept', () => {
    expect(NOT_A_MANIFEST).toMatch(/not a PodCliqueSet.*kept your YAML/);
  });
});

/** An element as `closest` sees it: the nearest field matching the selector, or none. */
const at = (field: { id?: string; tagName: string; type?: string } | null) => ({ closest: () => (field ? { id: '', ...field } : null) });

describe('dropsIntoOtherField: a text dropped on another text field is the browser’s to insert', () => {
  test('the Find box and other text inputs, textareas and editable regions', () => {
    expect(dropsIntoOtherField(at({ id: 'heatmap-search', tagName: 'INPUT', type: 'search' }) as unknown as EventTarget)).toBe(true);
    expect(dropsIntoOtherField(at({ tagName: 'INPUT', type: 'text' }) as unknown as EventTarget)).toBe(true);
    expect(dropsIntoOtherField(at({ tagName: 'TEXTAREA' }) as unknown as EventTarget)).toBe(true);
    expect(dropsIntoOtherField(at({ tagName: 'DIV' }) as unknown as EventTarget)).toBe(true);
  });

  test('not the preview’s own textarea, a radio or checkbox, or a place with no field', () => {
    expect(dropsIntoOtherField(at({ id: PREVIEW_FIELD_ID, tagName: 'TEXTAREA' }) as unknown as EventTarget)).toBe(false);
    expect(dropsIntoOtherField(at({ tagName: 'INPUT', type: 'radio' }) as unknown as EventTarget)).toBe(false);
    expect(dropsIntoOtherField(at({ tagName: 'INPUT', type: 'checkbox' }) as unknown as EventTarget)).toBe(false);
    expect(dropsIntoOtherField(at(null) as unknown as EventTarget)).toBe(false);
    expect(dropsIntoOtherField(null)).toBe(false);
  });
});
