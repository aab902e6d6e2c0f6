import { describe, expect, test } from 'vitest';
import { parseManifests } from '../../lib/grove/manifest';
import type { ClusterContextState } from '@/components/hooks/clusterContext';
import { ActionFailure } from '../hooks/clusterActions';
import type { KubeObject } from '../../lib/grove/meta';
import { smallStack } from '../../e2e/support/stack';
import { applyBlockedReason, applyTarget, conflictDetails, documentHint, documentLabel, failedStep, fieldConflicts, forceStage, kubectlForceApply, messageAndCauses, ownershipChanges, podsRemoved, pinnedVersion, progressLines, refusedBuilderStack, settleStep, staleChange, staleVersion, STATUS_ONLY_RETRIES, statusOnlyRetry, type ApplyStep } from './applyStep';

const diffOf = (text: string): ApplyStep => ({ kind: 'diff', results: [], text });

describe('apply panel steps', () => {
  test('Apply is enabled only after a dry run of the text on screen', () => {
    expect(applyBlockedReason({ kind: 'idle' }, 'a', null, 0)).toMatch(/dry run first/);
    expect(applyBlockedReason(diffOf('a'), 'a', null, 0)).toBeNull();
    expect(applyBlockedReason(diffOf('old'), 'new', null, 0)).toMatch(/dry run first/);
    expect(applyBlockedReason(diffOf('a'), 'a', 'read-only', 0)).toBe('read-only');
    expect(applyBlockedReason(diffOf('a'), 'a', null, 2)).toMatch(/2 error/);
  });

  test('a dry run answered after the text changed is dropped', () => {
    expect(settleStep('new', 'old', true, diffOf('old'))).toEqual({ kind: 'idle' });
    expect(settleStep('same', 'same', true, diffOf('same'))).toEqual(diffOf('same'));
    const applied: ApplyStep = { kind: 'applied', results: [], text: 'old' };
    expect(settleStep('new', 'old', false, applied)).toEqual(applied);
  });

  test('a stack without a namespace goes to the namespace the server uses: its context default, not "default"', () => {
    const live: ClusterContextState = { status: 'ready', data: { source: { mode: 'live', name: 'gpu-prod', namespace: 'team-a', readOnly: false }, contexts: ['gpu-prod'] } };
    expect(applyTarget('', live)).toEqual({ status: 'known', namespace: 'team-a', why: expect.stringContaining('kubeconfig context gpu-prod') });
    expect(applyTarget('serving', live)).toEqual({ status: 'known', namespace: 'serving', why: 'named in the manifest' });
    expect(applyTarget('', { status: 'loading' })).toMatchObject({ status: 'unknown' });
    expect(applyTarget('', { status: 'error', message: 'no kubeconfig', contexts: [] })).toMatchObject({ status: 'unknown', reason: expect.stringContaining('no kubeconfig') });
    // The manifest's own namespace needs no answer from the server.
    expect(applyTarget('serving', { status: 'loading' })).toMatchObject({ status: 'known', namespace: 'serving' });
  });
});

type Failed = Extract<ApplyStep, { kind: 'failed' }>;
const failed = (over: Partial<Failed>): Failed => ({ kind: 'failed', dryRun: false, status: 422, message: 'refused', causes: [], text: 'a', ...over });

describe('a failed apply', () => {
  test('after a refused Apply the panel does not ask for "the dry run first"', () => {
    const partWay = failed({ progress: { applied: [{ document: 0, kind: 'Namespace', name: 'p', outcome: 'created' }], notAttempted: [] }, object: { document: 1, kind: 'PodCliqueSet', name: 'x' } });
    expect(applyBlockedReason(partWay, 'a', null, 0)).toMatch(/^Apply stopped part-way: what it applied stays applied/);
    expect(applyBlockedReason(failed({}), 'a', null, 0)).toMatch(/^Apply was refused and changed nothing/);
    expect(applyBlockedReason(failed({ dryRun: true }), 'a', null, 0)).toMatch(/^The dry run was refused/);
    for (const step of [partWay, failed({}), failed({ dryRun: true })]) expect(applyBlockedReason(step, 'a', null, 0)).not.toMatch(/dry run first/);
    // About another text: the dry run is what to do.
    expect(applyBlockedReason(failed({}), 'b', null, 0)).toMatch(/dry run first/);
  });

  test('says what was applied, what was refused and what was not attempted', () => {
    const step = failed({
      status: 422,
      message: 'ValidatingAdmissionPolicy max-pcs-replicas denied: at most 3 replicas',
      object: { document: 1, kind: 'PodCliqueSet', namespace: 'partial2', name: 'disagg' },
      progress: { applied: [{ document: 0, kind: 'Namespace', name: 'partial2', outcome: 'created' }], notAttempted: [{ document: 2, kind: 'PodCliqueSet', namespace: 'partial2', name: 'other' }] },
    });
    expect(progressLines(step).map((l) => l.text)).toEqual([
      'Namespace partial2: created',
      'PodCliqueSet partial2/disagg: refused — ValidatingAdmissionPolicy max-pcs-replicas denied: at most 3 replicas',
      'PodCliqueSet partial2/other: not attempted',
    ]);
    expect(progressLines({ ...step, dryRun: true })).toEqual([]);
    expect(progressLines(failed({}))).toEqual([]);
  });

  test('the message and a cause that repeats it are shown once, the cause with its path', () => {
    expect(messageAndCauses('spec.replicas: must be ≥ 0', [{ field: 'spec.replicas', message: 'must be ≥ 0' }])).toEqual({ lead: '', causes: [{ field: 'spec.replicas', message: 'must be ≥ 0' }] });
    expect(messageAndCauses('PodCliqueSet.grove.io "x" is invalid: spec.replicas: Required value', [{ field: 'spec.replicas', message: 'Required value' }]).lead).toBe('PodCliqueSet.grove.io "x" is invalid');
    expect(messageAndCauses('at most 3 replicas', [{ message: 'at most 3 replicas' }])).toEqual({ lead: '', causes: [{ message: 'at most 3 replicas' }] });
    const two = [{ field: 'a', message: 'x' }, { field: 'b', message: 'y' }];
    expect(messageAndCauses('a: x (and 1 more)', two)).toEqual({ lead: 'a: x (and 1 more)', causes: two });
    expect(messageAndCauses('something else', [{ field: 'a', message: 'x' }]).lead).toBe('something else');
    // A webhook's error list (Grove's), each cause once, under the webhook's lead.
    const listed = [{ field: 'spec.a', message: 'Required value' }, { field: 'spec.b', message: 'Invalid value: 1: too, many' }];
    expect(messageAndCauses('admission webhook "w" denied the request: [spec.a: Required value, spec.b: Invalid value: 1: too, many]', listed)).toEqual({ lead: 'admission webhook "w" denied the request', causes: listed });
  });

  test('a 409 lists the conflicting fields with their managers; force is what kubectl --force-conflicts does', () => {
    const conflict = failed({
      status: 409,
      dryRun: true,
      message: 'Apply failed with 1 conflict: conflict with "canopy" with subresource "scale" using grove.io/v1alpha1: .spec.replicas',
      causes: [{ field: '.spec.replicas', message: 'conflict with "canopy" with subresource "scale" using grove.io/v1alpha1' }],
    });
    expect(fieldConflicts(conflict)).toEqual([{ field: 'spec.replicas', manager: '"canopy" with subresource "scale" using grove.io/v1alpha1' }]);
    expect(fieldConflicts({ ...conflict, causes: [] })).toEqual([{ field: 'spec.replicas', manager: '"canopy" with subresource "scale" using grove.io/v1alpha1' }]);
    expect(fieldConflicts(failed({ status: 422 }))).toEqual([]);
    expect(applyBlockedReason(conflict, 'a', null, 0)).toMatch(/take ownership \(force\) below/);
    expect(kubectlForceApply()).toBe('kubectl apply --server-side --force-conflicts --field-manager=canopy -f manifest.yaml');
  });

  test('taking ownership goes through a dry run with force: the forced apply is offered only from its diff', () => {
    const scaled = { field: 'spec.replicas', manager: '"canopy" with subresource "scale" using grove.io/v1alpha1' };
    const conflict = failed({ status: 409, dryRun: true, message: 'Apply failed with 1 conflict', causes: [{ field: '.spec.replicas', message: `conflict with ${scaled.manager}` }] });
    // A 409, from the dry run or from an apply, offers the forced dry run, never the forced apply.
    expect(forceStage(conflict, 'a', null, 0)).toBe('dry-run');
    expect(forceStage({ ...conflict, dryRun: false }, 'a', null, 0)).toBe('dry-run');
    const forcedDiff: ApplyStep = { kind: 'diff', results: [], text: 'a', takesOwnership: fieldConflicts(conflict) };
    expect(forceStage(forcedDiff, 'a', null, 0)).toBe('apply');
    expect(applyBlockedReason(forcedDiff, 'a', null, 0)).toBeNull();
    expect(ownershipChanges(forcedDiff.kind === 'diff' ? forcedDiff.takesOwnership! : [])).toBe(`spec.replicas (last set by ${scaled.manager})`);
    // A plain diff, a text since changed, a block or errors: no force.
    expect(forceStage(diffOf('a'), 'a', null, 0)).toBeNull();
    expect(forceStage(forcedDiff, 'b', null, 0)).toBeNull();
    expect(forceStage(conflict, 'b', null, 0)).toBeNull();
    expect(forceStage(forcedDiff, 'a', 'read-only', 0)).toBeNull();
    expect(forceStage(conflict, 'a', null, 1)).toBeNull();
    expect(forceStage(failed({ status: 422, dryRun: true }), 'a', null, 0)).toBeNull();
    expect(forceStage({ kind: 'applied', results: [], text: 'a' }, 'a', null, 0)).toBeNull();
  });

  test('a 403 on a bundled Namespace names the document and hints to remove it', () => {
    const step = failed({ status: 403, dryRun: true, object: { document: 0, kind: 'Namespace', name: 'team-a' }, message: 'namespaces "team-a" is forbidden' });
    expect(documentHint(step)).toBe('You may not create or read Namespaces. If namespace team-a exists already, remove document 1 (Namespace team-a) from the manifest and apply the rest.');
    expect(documentHint({ ...step, status: 422 })).toBeNull();
    // A webhook's 403 (controller-runtime's denial) is about the object, not a permission to ask for.
    expect(documentHint({ ...step, object: { document: 0, kind: 'PodCliqueSet', name: 'x' }, message: 'admission webhook "w" denied the request: no' })).toBeNull();
    expect(documentHint({ ...step, object: { document: 0, kind: 'PodCliqueSet', name: 'x' } })).toBe('You may not apply document 1 (PodCliqueSet x): remove it from the manifest, or ask for the permission.');
    expect(documentLabel({ document: 2, kind: null, name: null })).toBe('document 3');
  });

  test('the failed step keeps what the server said about the manifest', () => {
    const e = new ActionFailure('no', 403, 'Forbidden', [], { document: 0, object: { document: 0, kind: 'Namespace', name: 'n' } });
    expect(failedStep(e, true, 't')).toEqual({ kind: 'failed', dryRun: true, status: 403, message: 'no', causes: [], text: 't', document: 0, object: { document: 0, kind: 'Namespace', name: 'n' } });
    expect(failedStep(new Error('boom'), false, 't')).toMatchObject({ kind: 'failed', status: 0, message: 'boom' });
  });
});

describe('the words of a refusal', () => {
  test('a stale refusal where only the status changed (the operator wrote it before the stream had it) says to run the dry run again, not to re-base', () => {
    const stale = failed({ status: 409, dryRun: true, message: 'changed', causes: [{ field: 'metadata.resourceVersion', message: "405 is the version you opened; the cluster's is 406 (…)" }] });
    // The page's copy arrived (status-only), so the version opened moved on to it: the same as live, not the refused one.
    expect(staleChange({ kind: 'same' }, '405', '406')).toBe('status-only');
    expect(staleChange({ kind: 'status-only', resourceVersion: '406' }, '405', '405')).toBe('status-only');
    expect(staleChange({ kind: 'same' }, '405', '405')).toBe('not-received');
    expect(staleChange({ kind: 'changed', resourceVersion: '406', changes: [] }, '405', '405')).toBe('changed');
    expect(applyBlockedReason(stale, 'a', null, 0, [], { change: staleChange({ kind: 'same' }, '405', '406') })).toBe('Only its status changed since you opened it: run the dry run again.');
    expect(applyBlockedReason(stale, 'a', null, 0, [], { change: 'not-received' })).not.toMatch(/re-base/);
    expect(applyBlockedReason(stale, 'a', null, 0, [], { change: 'gone' })).toMatch(/deleted/);
  });

  describe('a refusal only for a status write is sent again by itself, not shown as "changed since"', () => {
    const staleAt = (sent: string, over: Partial<Failed> = {}) =>
      failed({ status: 409, message: 'changed', causes: [{ field: 'metadata.resourceVersion', message: `${sent} is the version you opened; the cluster's is 406 (…)` }], sentResourceVersion: sent, ...over });
    const same = { kind: 'same' } as const;

    test('a refused apply is applied again, and a refused dry run run again, once the work stands on the newer version the cluster has', () => {
      expect(statusOnlyRetry(staleAt('405'), 'a', same, '406', 0)).toEqual({ dryRun: false, force: false });
      expect(statusOnlyRetry(staleAt('405', { dryRun: true }), 'a', same, '406', 0)).toEqual({ dryRun: true, force: false });
    });

    test('a forced action is retried forced, with the fields its dry run takes over', () => {
      const taken = [{ field: 'spec.replicas', manager: '"canopy" with subresource "scale"' }];
      const forcedDryRun = failedStep(new ActionFailure('changed', 409, 'Conflict', staleAt('405').causes, { sentResourceVersion: '405' }), true, 'a', { takesOwnership: taken });
      expect(statusOnlyRetry(forcedDryRun, 'a', same, '406', 0)).toEqual({ dryRun: true, force: true, takesOwnership: taken });
      expect(statusOnlyRetry(staleAt('405', { force: true }), 'a', same, '406', 0)).toEqual({ dryRun: false, force: true });
    });

    test('not yet: the page has not received the new version, or has it but still stands on the refused one', () => {
      expect(statusOnlyRetry(staleAt('405'), 'a', same, '405', 0)).toBeNull();
      expect(statusOnlyRetry(staleAt('405'), 'a', { kind: 'status-only', resourceVersion: '406' }, '405', 0)).toBeNull();
    });

    test('never when the stack changed otherwise or is gone, for another text or refusal, nor more than a few times in a row', () => {
      expect(statusOnlyRetry(staleAt('405'), 'a', { kind: 'changed', resourceVersion: '407', changes: [] }, '406', 0)).toBeNull();
      expect(statusOnlyRetry(staleAt('405'), 'a', { kind: 'gone' }, '406', 0)).toBeNull();
      expect(statusOnlyRetry(staleAt('405'), 'a', null, null, 0)).toBeNull();
      expect(statusOnlyRetry(staleAt('405'), 'b', same, '406', 0)).toBeNull();
      // The refusal does not say which version it was sent with: nothing to compare.
      expect(statusOnlyRetry(staleAt('405', { sentResourceVersion: undefined }), 'a', same, '406', 0)).toBeNull();
      expect(statusOnlyRetry(failed({ status: 422 }), 'a', same, '406', 0)).toBeNull();
      const fieldConflict = failed({ status: 409, causes: [{ field: '.spec.replicas', message: 'conflict with "kubectl"' }, ...staleAt('405').causes], sentResourceVersion: '405' });
      expect(statusOnlyRetry(fieldConflict, 'a', same, '406', 0)).toBeNull();
      expect(statusOnlyRetry(staleAt('405'), 'a', same, '406', STATUS_ONLY_RETRIES - 1)).not.toBeNull();
      expect(statusOnlyRetry(staleAt('405'), 'a', same, '406', STATUS_ONLY_RETRIES)).toBeNull();
      expect(statusOnlyRetry(diffOf('a'), 'a', same, '406', 0)).toBeNull();
    });

    // The user's YAML names the version itself (pasted from `kubectl get -o yaml`, or typed): it is sent as written.
    const pinnedText = (version: string) => smallStack('team-a', 'infer', 1).replace('  namespace: team-a\n', `  namespace: team-a\n  resourceVersion: ${version}\n`);
    const refusedPinned = (written: string, over: Partial<Failed> = {}) => staleAt('405', { text: pinnedText(written), object: { document: 0, kind: 'PodCliqueSet', namespace: 'team-a', name: 'infer' }, ...over });

    test('not when the YAML names the refused version itself: a retry would send that version again and be refused the same way', () => {
      expect(pinnedVersion(refusedPinned('"405"'))).toBe('405');
      expect(statusOnlyRetry(refusedPinned('"405"'), pinnedText('"405"'), same, '406', 0)).toBeNull();
      expect(statusOnlyRetry(refusedPinned('"405"', { dryRun: true }), pinnedText('"405"'), same, '406', 0)).toBeNull();
      // Unquoted, YAML reads a number: sent as its string (server/actions/apply.ts applyBody), pinned all the same.
      expect(pinnedVersion(refusedPinned('405'))).toBe('405');
      expect(statusOnlyRetry(refusedPinned('405'), pinnedText('405'), same, '406', 0)).toBeNull();
      // The builder's own YAML names none (it adds the version opened when it sends it): retried as before.
      const unpinned = smallStack('team-a', 'infer', 1);
      const refused = staleAt('405', { text: unpinned, object: { document: 0, kind: 'PodCliqueSet', namespace: 'team-a', name: 'infer' } });
      expect(pinnedVersion(refused)).toBeNull();
      expect(pinnedVersion(refusedPinned('""'))).toBeNull();
      expect(statusOnlyRetry(refused, unpinned, same, '406', 0)).toEqual({ dryRun: false, force: false });
    });

    test('the refusal of a YAML that names the version says to remove it, and never claims only the status changed since that version', () => {
      const text = pinnedText('"405"');
      const refused = refusedPinned('"405"');
      // The page holds the stack at the version it opened (moved on to 406), not at 405: what changed since 405 is not known.
      const statusOnly = applyBlockedReason(refused, text, null, 0, [], { change: staleChange(same, '405', '406') })!;
      expect(statusOnly).toBe(
        "Your YAML names metadata.resourceVersion 405, an older version than the cluster's, and an apply is sent with the version your YAML names, so it is refused again however often it is sent. Remove metadata.resourceVersion from your YAML: the builder then applies as of the version you opened (and still refuses a change made on the cluster since). Then run the dry run again.",
      );
      expect(statusOnly).not.toMatch(/Only its status changed/);
      // Changed otherwise: re-base, and the line must go too (a re-base keeps it).
      expect(applyBlockedReason(refused, text, null, 0, [], { change: 'changed' })).toMatch(/re-base your edits onto the live version and run the dry run again\. Remove metadata\.resourceVersion 405 from your YAML too: an apply is sent with the version your YAML names/);
      expect(applyBlockedReason(refused, text, null, 0, [], { change: 'gone' })).toMatch(/deleted/);
      // Not opened from the cluster: as before.
      expect(applyBlockedReason(refused, text, null, 0, [], null)).toMatch(/^Your manifest names metadata\.resourceVersion 405, an older version than the cluster's/);
    });
  });

  test("a strict field validation's message ends without dangling punctuation once its one cause is shown apart", () => {
    const message = 'failed to create typed patch object (default/disagg; grove.io/v1alpha1, Kind=PodCliqueSet): .spec.template.cliques[name="frontend"].spec.bogusField: field not declared in schema';
    const cause = { field: 'spec.template.cliques[name="frontend"].spec.bogusField', message: 'field not declared in schema' };
    expect(messageAndCauses(message, [cause])).toEqual({ lead: 'failed to create typed patch object (default/disagg; grove.io/v1alpha1, Kind=PodCliqueSet)', causes: [cause] });
  });

  const scaled = '"canopy" with subresource "scale" using grove.io/v1alpha1';
  const conflict = (text: string): Failed =>
    failed({ status: 409, dryRun: true, text, message: `Apply failed with 1 conflict: conflict with ${scaled}: .spec.replicas`, causes: [{ field: '.spec.replicas', message: `conflict with ${scaled}` }], object: { document: 0, kind: 'PodCliqueSet', namespace: 'team-a', name: 'infer' } });

  test("a 409 after Canopy's Scale names the field, the cluster's value, the YAML's, and suggests leaving replicas out or Scale", () => {
    const text = smallStack('team-a', 'infer', 2);
    const live = { apiVersion: 'grove.io/v1alpha1', kind: 'PodCliqueSet', metadata: { name: 'infer', namespace: 'team-a' }, spec: { replicas: 3 } } as KubeObject;
    const details = conflictDetails(conflict(text), live);
    expect(details).toEqual([{ field: 'spec.replicas', manager: scaled, by: "Canopy's Scale", scaled: true, live: 3, yours: 2 }]);
    const reason = applyBlockedReason(conflict(text), text, null, 0, details)!;
    expect(reason).toMatch(/^spec\.replicas is 3 on the cluster \(set by Canopy's Scale\), your YAML says 2\. /);
    expect(reason).toContain("The stack was scaled (by Canopy's Scale), so its replica count belongs to Scale: leave spec.replicas out of your YAML to keep 3, or change the count with Scale, then run the dry run again.");
    expect(reason).toContain('take ownership (force) below to set it here');
    // Not known to be written before the scale: no claim that it was, and no reload (it may be a count the user chose).
    expect(reason).not.toContain('after this YAML was written');
    expect(reason).not.toContain('reload');
    expect(reason).toContain('take ownership (force) below');
    expect(reason).not.toContain('another field manager');
    // The live object not known (yet): the manager and the YAML's value still.
    expect(applyBlockedReason(conflict(text), text, null, 0, conflictDetails(conflict(text), null))).toMatch(/^spec\.replicas was last set on the cluster by Canopy's Scale, your YAML says 2\./);
    // Another manager, a field in a clique (keyed as server-side apply writes it).
    const other = failed({ status: 409, dryRun: true, text, message: 'Apply failed with 1 conflict', causes: [{ field: '.spec.template.cliques[name="engine"].spec.replicas', message: 'conflict with "kubectl-edit" using grove.io/v1alpha1' }] });
    const liveClique = parseManifests(smallStack('team-a', 'infer', 2, '', { replicas: 4 })).documents[0]!.object as KubeObject;
    const [d] = conflictDetails(other, liveClique);
    expect(d).toMatchObject({ by: '"kubectl-edit"', scaled: false, live: 4, yours: 1 });
    expect(applyBlockedReason(other, text, null, 0, [d!])).toMatch(/^spec\.template\.cliques\[name="engine"\]\.spec\.replicas is 4 on the cluster \(set by "kubectl-edit"\), your YAML says 1\. Set it to the cluster's value/);
    // Two fields: the pronoun and the noun both in the plural.
    const two = failed({ status: 409, dryRun: true, text, message: 'Apply failed with 2 conflicts', causes: ['replicas', 'minAvailable'].map((f) => ({ field: `.spec.template.cliques[name="engine"].spec.${f}`, message: 'conflict with "kubectl-edit" using grove.io/v1alpha1' })) });
    expect(applyBlockedReason(two, text, null, 0, conflictDetails(two, liveClique))).toContain("Set them to the cluster's values (an equal value is no conflict) or leave them out, then run the dry run again.");
  });

  test('reloading the stack is offered only when the YAML keeps the count of the version opened (a count the user changed would conflict again)', () => {
    const text = smallStack('team-a', 'infer', 2);
    const live = { apiVersion: 'grove.io/v1alpha1', kind: 'PodCliqueSet', metadata: { name: 'infer', namespace: 'team-a' }, spec: { replicas: 3 } } as KubeObject;
    const details = conflictDetails(conflict(text), live);
    // Opened at 2, before the scale to 3: the user did not change it, a reload starts from 3.
    expect(applyBlockedReason(conflict(text), text, null, 0, details, { change: 'changed', replicas: 2 })).toContain('or reload the stack from the cluster (Edit in Builder) to start from its count');
    // Opened at 3 (after the scale), the user set 2: a reload would bring the same conflict.
    expect(applyBlockedReason(conflict(text), text, null, 0, details, { change: 'changed', replicas: 3 })).not.toContain('reload');
  });

  test("'Leave spec.replicas out' is for the builder's own PodCliqueSet only, not another in the same file", () => {
    const text = `${smallStack('team-a', 'infer', 2)}---\n${smallStack('team-a', 'second', 2)}`;
    const on = (document: number, name: string) => ({ ...conflict(text), object: { document, kind: 'PodCliqueSet', namespace: 'team-a', name } });
    expect(refusedBuilderStack(on(0, 'infer'))).toBe(true);
    expect(refusedBuilderStack(on(1, 'second'))).toBe(false);
    expect(refusedBuilderStack({ kind: 'idle' })).toBe(false);
  });

  test('a forced diff says how many pods a replicas decrease removes', () => {
    const at = (replicas: number, cliqueReplicas = 2) => parseManifests(smallStack('team-a', 'infer', replicas, '', { replicas: cliqueReplicas })).documents[0]!.object as KubeObject;
    const result = (before: KubeObject, after: KubeObject) => ({ kind: 'PodCliqueSet', namespace: 'team-a', name: 'infer', before, after, dryRun: true, unchanged: false, warnings: [] });
    expect(podsRemoved(result(at(3), at(2)))).toBe('Applying it scales team-a/infer from 3 to 2 replicas and removes 2 pods (6 → 4).');
    expect(podsRemoved(result(at(2, 2), at(2, 1)))).toBe('Applying it removes 2 pods (4 → 2).');
    expect(podsRemoved(result(at(2), at(3)))).toBeNull();
    expect(podsRemoved({ ...result(at(2), at(1)), before: null })).toBeNull();
  });

  test('a stale edit: the refusal is known by its metadata.resourceVersion cause, and the reason says what to do', () => {
    const stale = failed({ status: 409, dryRun: true, message: 'PodCliqueSet default/disagg changed on the cluster since you opened it (last changed by Canopy\'s apply at 2026-12-01 05:26:17 UTC)', causes: [{ field: 'metadata.resourceVersion', message: "405 is the version you opened; the cluster's is 412 (…)" }], sentResourceVersion: '405' });
    expect(staleVersion(stale)).toBe('405');
    // The version is the answer's data, not read out of its words; an answer without it says none.
    expect(staleVersion({ ...stale, causes: [{ field: 'metadata.resourceVersion', message: 'worded otherwise' }] })).toBe('405');
    expect(staleVersion({ ...stale, sentResourceVersion: undefined })).toBe('');
    expect(staleVersion(failed({ status: 409 }))).toBeNull();
    expect(fieldConflicts(stale)).toEqual([]);
    expect(forceStage(stale, 'a', null, 0)).toBeNull();
    expect(applyBlockedReason(stale, 'a', null, 0, [], { change: 'changed' })).toMatch(/^Your edits were made to an older version of this stack: see what changed on the cluster, then re-base your edits/);
    expect(applyBlockedReason(stale, 'a', null, 0, [], null)).toMatch(/^Your manifest names metadata\.resourceVersion 405, an older version than the cluster's/);
  });
});
