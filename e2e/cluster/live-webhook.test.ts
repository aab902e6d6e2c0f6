/**
 * A validating admission webhook's refusal reaches Canopy's answer verbatim. Grove's own webhooks
 * cannot run here (the operator is not served by the Go module proxy), so the test registers a webhook
 * of its own with the real apiserver: the apiserver calls it over TLS for PodCliqueSets in one
 * namespace and denies as Grove's does (controller-runtime's denial of a field.ErrorList's text:
 * 403 Forbidden, the field paths only in the words), and POST /api/apply (dry-run and real) must hand
 * those words back unchanged, as the manifest's fault (422 Invalid, each field a cause: not a missing
 * permission), and change nothing.
 */
import * as k8s from '@kubernetes/client-node';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { POST as apply } from '../../app/api/apply/route';
import { openConnection } from '../../server/kube/connection';
import { setClusterSource } from '../../server/sources';
import { LiveSource } from '../../server/sources/live';
import { CLUSTER_DIR } from './paths';
import { createPki } from './pki';
import { createTestNamespace, eventually, testKubeConfig } from './test-helpers';

const kubeConfig = testKubeConfig();
const core = kubeConfig.makeApiClient(k8s.CoreV1Api);
const admission = kubeConfig.makeApiClient(k8s.AdmissionregistrationV1Api);
const WEBHOOK = 'deny-roles.canopy.test';
const REFUSED_ROLE = 'Forbidden: the test webhook refuses the role "decode" (a stand-in for Grove\'s webhook)';
const REFUSED_DELAY = 'Invalid value: "0s": must be greater than 0, as Grove says';
/** Two errors, as field.ErrorList's aggregate words them. */
const DENIAL = `[spec.template.cliques[3].spec.roleName: ${REFUSED_ROLE}, spec.template.terminationDelay: ${REFUSED_DELAY}]`;

let namespace = '';
let server: https.Server;
let pkiDir = '';
let calls = 0;

const HEADERS = { host: '127.0.0.1:3000', origin: 'http://127.0.0.1:3000', 'x-canopy-request': '1' };
const post = (query: string, body: string) => apply(new Request(`http://127.0.0.1:3000/api/apply${query}`, { method: 'POST', headers: HEADERS, body }));

function manifest(): string {
  const text = readFileSync(path.join(CLUSTER_DIR, 'fixtures', 'disaggregated-podcliqueset.yaml'), 'utf8');
  return text.replace(/^metadata:\n  name: disagg\n/m, `metadata:\n  name: disagg\n  namespace: ${namespace}\n`);
}

beforeAll(async () => {
  namespace = await createTestNamespace(core, 'webhook');
  await core.patchNamespace({ name: namespace, body: { metadata: { labels: { 'canopy.test/webhook': 'deny' } } } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
  pkiDir = mkdtempSync(path.join(tmpdir(), 'canopy-webhook-'));
  // The CA and a serving certificate for 127.0.0.1, as the control plane's own PKI makes them.
  const pki = await createPki(pkiDir);
  server = https.createServer({ cert: readFileSync(pki.apiserverCert), key: readFileSync(pki.apiserverKey) }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      calls++;
      const review = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { request: { uid: string } };
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          apiVersion: 'admission.k8s.io/v1',
          kind: 'AdmissionReview',
          // controller-runtime's admission.Denied: 403 Forbidden whatever the error was.
          response: { uid: review.request.uid, allowed: false, status: { code: 403, reason: 'Forbidden', message: DENIAL } },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await admission.createValidatingWebhookConfiguration({
    body: {
      metadata: { name: `${namespace}-deny` },
      webhooks: [
        {
          name: WEBHOOK,
          admissionReviewVersions: ['v1'],
          sideEffects: 'None',
          failurePolicy: 'Fail',
          timeoutSeconds: 5,
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } },
          rules: [{ apiGroups: ['grove.io'], apiVersions: ['v1alpha1'], resources: ['podcliquesets'], operations: ['CREATE', 'UPDATE'] }],
          clientConfig: { url: `https://127.0.0.1:${port}/validate`, caBundle: readFileSync(pki.caCert).toString('base64') },
        },
      ],
    },
  });
  await setClusterSource(new LiveSource(openConnection({ env: { KUBECONFIG: inject('kubeconfigPath') } })!));
});

afterAll(async () => {
  await setClusterSource(undefined);
  await admission.deleteValidatingWebhookConfiguration({ name: `${namespace}-deny` }).catch(() => undefined);
  await core.deleteNamespace({ name: namespace }).catch(() => undefined);
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  rmSync(pkiDir, { recursive: true, force: true });
});

describe('a webhook’s refusal', () => {
  it('reaches the apply route verbatim, on dry-run and for real, and nothing is created', async () => {
    // The apiserver picks up a new webhook configuration within a moment: wait until it calls ours.
    const dry = await eventually('the apiserver to call the test webhook', async () => {
      const response = await post('?dryRun=true', manifest());
      return response.status === 200 ? undefined : response;
    });
    expect(calls).toBeGreaterThan(0);
    expect(dry.status).toBe(422);
    const dryBody = (await dry.json()) as { error: { reason: string; message: string; document: number; causes?: { field?: string; message: string }[] } };
    expect(dryBody.error.message).toBe(`admission webhook "${WEBHOOK}" denied the request: ${DENIAL}`);
    expect(dryBody.error.reason).toBe('Invalid');
    expect(dryBody.error.causes).toEqual([
      { field: 'spec.template.cliques[3].spec.roleName', message: REFUSED_ROLE },
      { field: 'spec.template.terminationDelay', message: REFUSED_DELAY },
    ]);
    expect(dryBody.error.document).toBe(0);

    const real = await post('', manifest());
    expect(real.status).toBe(422);
    expect(((await real.json()) as { error: { message: string } }).error.message).toContain(DENIAL);
    const custom = kubeConfig.makeApiClient(k8s.CustomObjectsApi);
    await expect(custom.getNamespacedCustomObject({ group: 'grove.io', version: 'v1alpha1', plural: 'podcliquesets', namespace, name: 'disagg' })).rejects.toBeTruthy();
  });
});
