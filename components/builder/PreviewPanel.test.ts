import { describe, expect, test } from 'vitest';
import { previewVerdict } from './PreviewPanel';

describe('the builder preview’s verdict', () => {
  test('a valid stack: whether it fits, as before', () => {
    expect(previewVerdict('all', 0, 0)).toEqual({ text: 'Every gang fits', tone: 'ok' });
    expect(previewVerdict('partial', 2, 0)).toEqual({ text: 'Every gang fits; 2 pods not placed', tone: 'warning' });
    expect(previewVerdict('none', 0, 0)).toEqual({ text: 'Does not fit', tone: 'error' });
  });

  test('a stack with validation errors is no success however it fits: Grove would refuse it', () => {
    expect(previewVerdict('all', 0, 1)).toEqual({ text: '1 error: Grove would refuse this stack. Placement of what the YAML says: every gang fits', tone: 'error' });
    expect(previewVerdict('partial', 1, 3)).toEqual({ text: '3 errors: Grove would refuse this stack. Placement of what the YAML says: every gang fits; 1 pod not placed', tone: 'error' });
    expect(previewVerdict('none', 0, 2).text).toBe('2 errors: Grove would refuse this stack. Placement of what the YAML says: does not fit');
  });
  test('a YAML that broke while the panel was open: the placement is of its last readable version, said so', () => {
    expect(previewVerdict('all', 0, 1, false)).toEqual({ text: 'The YAML cannot be read; placement of its last readable version: every gang fits', tone: 'warning' });
  });
});
