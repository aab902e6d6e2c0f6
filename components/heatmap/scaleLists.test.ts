import { describe, expect, test } from 'vitest';
import { LIVE, type KindAvailability } from '../hooks/kindAvailability';
import { SCALE_LIST_KINDS, scaleListsWait, type ScaleList } from './scaleLists';

const request = { namespace: 'default' };
const lists = (over: Partial<Record<ScaleList['kind'], Omit<ScaleList, 'kind'>>> = {}): ScaleList[] => SCALE_LIST_KINDS.map((kind) => ({ kind, availability: LIVE, ...over[kind] }));
const loading: KindAvailability = { status: 'loading' };

describe('scaleListsWait: whether the Grove lists a scale-up is planned from can be believed', () => {
  test('every list live in all namespaces (or in the request’s): plan', () => {
    expect(scaleListsWait(request, lists())).toBeNull();
    expect(scaleListsWait(request, lists({ PodClique: { availability: LIVE, watchedNamespace: 'default' } }))).toBeNull();
  });

  test('a list still loading is waited for: an empty list is not "the target is gone"', () => {
    expect(scaleListsWait(request, lists({ PodCliqueScalingGroup: { availability: loading } }))).toEqual({
      status: 'waiting',
      message: 'Waiting for the cluster’s PodCliqueScalingGroups (their list is loading): the scale-up is planned once they have loaded.',
    });
  });

  test('a list refused or failing is said, with why; before any waiting', () => {
    expect(scaleListsWait(request, lists({ PodCliqueSet: { availability: loading }, PodClique: { availability: { status: 'forbidden', error: 'podcliques is forbidden' } } }))).toEqual({
      status: 'problems',
      problems: ['No scale-up preview: You may not list PodCliques.'],
    });
    expect(scaleListsWait(request, lists({ PodCliqueSet: { availability: { status: 'failed', error: 'Unauthorized' } } }))).toEqual({ status: 'problems', problems: ['No scale-up preview: Could not list PodCliqueSets: Unauthorized.'] });
  });

  test('a list watched in another namespace than the request’s says where to look, not that the target is gone', () => {
    expect(scaleListsWait(request, lists({ PodCliqueSet: { availability: LIVE, watchedNamespace: 'team-a' } }))).toEqual({
      status: 'problems',
      problems: ['No scale-up preview: PodCliqueSets are watched in namespace team-a only (you may not list them in every namespace), and the scale-up is in default: choose default in the header to preview it.'],
    });
  });
});
