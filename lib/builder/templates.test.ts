import { describe, expect, test } from 'vitest';
import { checkManifestText } from '../grove/check';
import { ROLE_KINDS } from './graph';
import { addClique } from './edits';
import { parse } from 'yaml';
import { ENV } from '../grove/labels';
import { cliqueForKind, FLAVOURS, STACK_TEMPLATES, stackText, untouchedBlankNamespace } from './templates';

type Json = Record<string, any>;

/** Grove's env in every pod, and in the pods of a scaling group's members too (API-NOTES §8). */
const GROVE_ENV = [ENV.pcsName, ENV.pcsIndex, ENV.pclqName, ENV.headlessService, ENV.pclqPodIndex];
const GROVE_GROUP_ENV = [...GROVE_ENV, ENV.pcsgName, ENV.pcsgIndex, ENV.pcsgTemplateNumPods];

/**
 * The env vars a container's command, args and env values read: $(VAR) as Kubernetes expands it
 * ($$ escapes), and in a `sh -c` script $VAR, \${VAR} and the names in $((…)).
 */
function envReads(container: Json): string[] {
  const k8s = (text: string) => [...text.replace(/\$\$/g, '').matchAll(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g)].map((m) => m[1]!);
  const texts: string[] = [...(container.command ?? []), ...(container.args ?? []), ...(container.env ?? []).map((e: Json) => e.value ?? '')];
  const reads = texts.flatMap(k8s);
  const command: string[] = container.command ?? [];
  if (/^(\/bin\/)?(ba)?sh$/.test(command[0] ?? '') && command[1] === '-c') {
    const script = command[2] ?? '';
    for (const m of script.matchAll(/\$\(\(([^)]*)\)\)/g)) reads.push(...(m[1]!.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []));
    for (const m of script.replace(/\$\(\([^)]*\)\)/g, '').matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)) reads.push(m[1]!);
  }
  return [...new Set(reads)];
}

/** Each clique's containers with the env it may read: Grove's (a group member's more) and what the container defines itself. */
function containersOf(pcs: Json): { clique: string; container: Json; readable: Set<string> }[] {
  const members = new Set<string>((pcs.spec.template.podCliqueScalingGroups ?? []).flatMap((g: Json) => g.cliqueNames));
  return pcs.spec.template.cliques.flatMap((c: Json) =>
    c.spec.podSpec.containers.map((container: Json) => ({
      clique: c.name,
      container,
      readable: new Set([...(members.has(c.name) ? GROVE_GROUP_ENV : GROVE_ENV), ...(container.env ?? []).map((e: Json) => e.name)]),
    })),
  );
}

describe('templates', () => {
  // Blank has no cliques yet, which Grove refuses ("at least one PodClique"): it is a canvas, not a stack.
  const stacks = STACK_TEMPLATES.filter((t) => t !== 'blank');
  test.each(stacks.flatMap((t) => FLAVOURS.map((f) => [t, f] as const)))('%s (%s) validates with zero errors', (t, f) => {
    const report = checkManifestText(stackText(t, f));
    expect(report.parseErrors).toEqual([]);
    expect(report.documents).toHaveLength(1);
    expect(report.documents[0]!.findings.filter((x) => x.severity === 'error')).toEqual([]);
    // Nor an env value built from Grove's variables, which the pod would get as written (Grove appends them after).
    expect(report.documents[0]!.findings.filter((x) => x.rule === 'podSpec.groveEnvOrder')).toEqual([]);
  });

  test.each(stacks.flatMap((t) => FLAVOURS.map((f) => [t, f] as const)))('%s (%s) reads only env vars Grove sets in that pod or the container defines', (t, f) => {
    for (const { clique, container, readable } of containersOf(parse(stackText(t, f)) as Json)) {
      expect(envReads(container).filter((v) => !readable.has(v)), `${clique}/${container.name}`).toEqual([]);
    }
  });

  test('palette cliques read only env vars Grove sets (leaders and workers are for a scaling group) or they define', () => {
    for (const flavour of FLAVOURS) {
      for (const kind of ROLE_KINDS) {
        for (const container of cliqueForKind(kind, flavour).spec.podSpec.containers as Json[]) {
          const readable = new Set([...GROVE_GROUP_ENV, ...(container.env ?? []).map((e: Json) => e.name)]);
          expect(envReads(container).filter((v) => !readable.has(v)), `${flavour} ${kind}`).toEqual([]);
        }
      }
    }
  });

  test("SGLang over several nodes: the leader's address, node rank and node count come from Grove's env", () => {
    const pcs = parse(stackText('multi-node-disaggregated-frontend', 'sglang')) as Json;
    const byName = new Map<string, Json>(pcs.spec.template.cliques.map((c: Json) => [c.name, c.spec.podSpec.containers[0]]));
    const arg = (c: Json, flag: string) => c.args[c.args.indexOf(flag) + 1];
    for (const [leader, worker] of [['pleader', 'pworker'], ['dleader', 'dworker']] as const) {
      const group = pcs.spec.template.podCliqueScalingGroups.find((g: Json) => g.cliqueNames.includes(leader));
      expect(group.cliqueNames).toEqual([leader, worker]);
      for (const name of [leader, worker]) {
        const c = byName.get(name)!;
        // The leader clique's pod 0 in this replica of the group, under the stack's headless service: in args,
        // which Kubernetes expands from the whole env (Grove appends its variables after the container's own,
        // so an env var of its own built from them would keep the text as written).
        expect(arg(c, '--dist-init-addr')).toBe(`$(GROVE_PCSG_NAME)-$(GROVE_PCSG_INDEX)-${leader}-0.$(GROVE_HEADLESS_SERVICE):5000`);
        expect(c.env).toBeUndefined();
        // As many nodes as the group's template has pods (leader + workers), tensor parallel over all their GPUs.
        expect(arg(c, '--nnodes')).toBe('$(GROVE_PCSG_TEMPLATE_NUM_PODS)');
        expect(c.command.slice(0, 2)).toEqual(['sh', '-c']);
        expect(c.command[2]).toContain('--tp "$((4 * GROVE_PCSG_TEMPLATE_NUM_PODS))"');
        expect(c.command[2]).toMatch(/^exec python3 -m sglang\.launch_server .*"\$@"$/);
      }
      // Rank 0 is the leader; worker pod i is rank i + 1.
      expect(byName.get(leader)!.command[2]).toContain('--node-rank 0 ');
      expect(byName.get(worker)!.command[2]).toContain('--node-rank "$((GROVE_PCLQ_POD_INDEX + 1))"');
    }
  });

  test('flavours differ in image and command', () => {
    const texts = FLAVOURS.map((f) => stackText('multi-node-disaggregated-frontend', f));
    expect(new Set(texts).size).toBe(FLAVOURS.length);
  });

  test('blank reports exactly the missing clique; one palette clique of any kind makes it valid', () => {
    const blank = stackText('blank', 'vllm');
    expect(checkManifestText(blank).documents[0]!.findings.map((f) => f.rule)).toEqual(['pcs.cliques']);
    for (const kind of ROLE_KINDS) {
      const r = addClique(blank, { kind });
      if (!r.ok) throw new Error(r.message);
      expect(checkManifestText(r.text).documents[0]!.findings, kind).toEqual([]);
    }
  });

  test.each(STACK_TEMPLATES)('%s is written in the namespace asked for, "default" when none is', (t) => {
    expect((parse(stackText(t, 'vllm', 'team-a')) as { metadata: { namespace: string } }).metadata.namespace).toBe('team-a');
    expect((parse(stackText(t, 'vllm')) as { metadata: { namespace: string } }).metadata.namespace).toBe('default');
  });

  test('an untouched blank is recognised with its namespace; any edit makes it work of its own', () => {
    expect(untouchedBlankNamespace(stackText('blank', 'vllm'))).toBe('default');
    expect(untouchedBlankNamespace(stackText('blank', 'sglang', 'team-a'))).toBe('team-a');
    const withClique = addClique(stackText('blank', 'vllm'), { kind: 'prefill-worker' });
    if (!withClique.ok) throw new Error(withClique.message);
    expect(untouchedBlankNamespace(withClique.text)).toBeNull();
    expect(untouchedBlankNamespace(stackText('blank', 'vllm').replace('my-stack', 'mine'))).toBeNull();
    expect(untouchedBlankNamespace(`# kept\n${stackText('blank', 'vllm')}`)).toBeNull();
    expect(untouchedBlankNamespace(stackText('single-node-aggregated', 'vllm'))).toBeNull();
  });
});
