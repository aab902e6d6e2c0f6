/**
 * Grove's PodCliqueSet validating webhook (API-NOTES §5.1–5.6), applied to the defaulted object,
 * plus warnings Canopy adds. Every check guards its input's type: schema errors are reported by
 * the schema pass, and these rules must not crash on a half-written manifest.
 */
import type { Finding } from '../findings';
import { ANNOTATION_MNNVL_GROUP, ANNOTATION_VOLCANO_QUEUE, ENV, LABEL_KAI_QUEUE, MNNVL_GROUP_NONE } from '../labels';
import { dns1123LabelError, dns1123SubdomainError, envVarNameError, isRecord, pointer } from '../meta';
import { NAME_BUDGET } from '../naming';
import { isQuantity, parseQuantity } from '../../cluster/quantity';
import { isExtendedResourceName } from '../../cluster/resources';
import { RESOURCE_GPU, type Quantity } from '../core';
import { STARTUP_EXPLICIT } from '../podcliqueset';
import { DEFAULT_SCHEDULER_PROFILES, type ValidationContext } from './context';
import { parseGoDuration } from './duration';
import { validateAnnotations, validateLabels } from './metadata';
import { validateTopologyConstraints } from './topology';

type Path = (string | number)[];
type Rec = Record<string, unknown>;

const TEMPLATE: Path = ['spec', 'template'];
/** The queue Grove's Volcano backend gives a clique without a queue annotation (volcano/queue.go). */
const VOLCANO_DEFAULT_QUEUE = 'default';
const cliquePath = (i: number, ...rest: Path): Path => [...TEMPLATE, 'cliques', i, ...rest];
const groupPath = (i: number, ...rest: Path): Path => [...TEMPLATE, 'podCliqueScalingGroups', i, ...rest];

function err(path: Path, rule: string, message: string): Finding {
  return { path: pointer(path), rule, severity: 'error', message };
}
function warn(path: Path, rule: string, message: string): Finding {
  return { path: pointer(path), rule, severity: 'warning', message };
}

const records = (value: unknown): Rec[] => (Array.isArray(value) ? value.filter(isRecord) : []);
const indexed = (value: unknown): [Rec, number][] =>
  Array.isArray(value) ? value.flatMap((v, i) => (isRecord(v) ? [[v, i] as [Rec, number]] : [])) : [];
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const int = (value: unknown): number | undefined => (typeof value === 'number' && Number.isInteger(value) ? value : undefined);
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

export type Operation = 'CREATE' | 'UPDATE';

/**
 * @param pcs the object after defaulting
 * @param raw the object as written (some warnings are about what the user wrote, not the default)
 */
export function validatePodCliqueSetRules(pcs: Rec, raw: Rec, ctx: ValidationContext, op: Operation): Finding[] {
  const out: Finding[] = [];
  const spec = isRecord(pcs.spec) ? pcs.spec : {};
  const template = isRecord(spec.template) ? spec.template : {};
  const rawTemplate = isRecord(raw.spec) && isRecord(raw.spec.template) ? raw.spec.template : {};
  const pcsName = isRecord(pcs.metadata) ? (str(pcs.metadata.name) ?? '') : '';

  const replicas = int(spec.replicas);
  if (replicas !== undefined && replicas < 0) out.push(err(['spec', 'replicas'], 'pcs.replicas', `spec.replicas must be ≥ 0, got ${replicas}`));

  const terminationDelay = str(template.terminationDelay);
  if (terminationDelay !== undefined) {
    const ms = parseGoDuration(terminationDelay);
    if (ms === null) out.push(err([...TEMPLATE, 'terminationDelay'], 'pcs.terminationDelay', `"${terminationDelay}" is not a duration (e.g. "4h", "30m", "90s")`));
    else if (ms <= 0) out.push(err([...TEMPLATE, 'terminationDelay'], 'pcs.terminationDelay', 'terminationDelay must be greater than 0'));
  }

  const cliques = indexed(template.cliques);
  if (Array.isArray(template.cliques) && template.cliques.length === 0) {
    out.push(err([...TEMPLATE, 'cliques'], 'pcs.cliques', 'at least one PodClique must be defined'));
  }
  const cliqueNames = new Set(cliques.map(([c]) => str(c.name)).filter((n): n is string => !!n));
  const groups = indexed(template.podCliqueScalingGroups);
  const groupOfClique = new Map<string, Rec>();
  for (const [g] of groups) for (const n of strings(g.cliqueNames)) if (!groupOfClique.has(n)) groupOfClique.set(n, g);

  out.push(...validateCliques(cliques, template, rawTemplate, groupOfClique, ctx, op));
  // The apiserver names a generateName'd object before the webhook sees it: the prefix (at most 58) and 5 characters.
  const generateName = isRecord(pcs.metadata) ? (str(pcs.metadata.generateName) ?? '') : '';
  const podNamePrefix = pcsName || (generateName ? `${generateName.slice(0, 58)}${GENERATED_SUFFIX}` : '');
  out.push(...validateNameBudget(cliques, groups, podNamePrefix, groupOfClique, pcsName ? 'name' : 'generateName'));
  out.push(...validatePodHostnames(cliques, groups, pcsName ? 'name' : 'generateName', pcsName || generateName, podNamePrefix));
  out.push(...validateScalingGroups(groups, cliqueNames));
  out.push(...validateResourceSharing(template, cliqueNames, groups));
  out.push(...validateTopologyConstraints(pcs, raw, ctx, op));
  out.push(...validateSchedulerBackend(pcs, cliques, ctx));
  if (op === 'CREATE') out.push(...validateMnnvl(pcs, cliques, groups, ctx));
  out.push(...warnCliqueNameSuffixes(cliques));
  return out;
}

function validateCliques(
  cliques: [Rec, number][],
  template: Rec,
  rawTemplate: Rec,
  groupOfClique: Map<string, Rec>,
  ctx: ValidationContext,
  op: Operation,
): Finding[] {
  const out: Finding[] = [];
  const roleNames = new Map<string, number>();
  const explicit = template.cliqueStartupType === STARTUP_EXPLICIT;
  const names = new Set(cliques.map(([c]) => str(c.name)).filter((n): n is string => !!n));
  const rawCliques = Array.isArray(rawTemplate.cliques) ? rawTemplate.cliques : [];

  for (const [clique, i] of cliques) {
    const name = str(clique.name);
    if (name !== undefined) {
      const why = name === '' ? 'must not be empty' : dns1123SubdomainError(name);
      if (why) out.push(err(cliquePath(i, 'name'), 'pcs.cliqueName', `clique name "${name}" ${why.startsWith('must') ? why : 'is not a valid DNS subdomain: ' + why}`));
    }
    out.push(...validateLabels(clique.labels, cliquePath(i, 'labels')));
    out.push(...validateAnnotations(clique.annotations, cliquePath(i, 'annotations')));

    const spec = isRecord(clique.spec) ? clique.spec : undefined;
    if (!spec) continue;
    // Grove compares every clique's roleName, "" included; an omitted one is the schema's finding (the CRD requires it).
    const roleName = str(spec.roleName);
    if (roleName !== undefined) {
      const first = roleNames.get(roleName);
      if (first !== undefined) out.push(err(cliquePath(i, 'spec', 'roleName'), 'pcs.roleNameUnique', `roleName "${roleName}" is already used by clique ${first}; roleNames must be unique`));
      else roleNames.set(roleName, i);
    }

    const replicas = int(spec.replicas);
    const minAvailable = int(spec.minAvailable);
    if (replicas !== undefined && replicas <= 0) out.push(err(cliquePath(i, 'spec', 'replicas'), 'clique.replicas', `replicas must be greater than 0, got ${replicas}`));
    if (minAvailable !== undefined) {
      if (minAvailable <= 0) {
        out.push(err(cliquePath(i, 'spec', 'minAvailable'), 'clique.minAvailable', `minAvailable must be greater than 0, got ${minAvailable}${spec.minAvailable === 0 && replicas === 1 ? ' (replicas: 0 is defaulted to 1, but minAvailable then defaults to 0: write replicas ≥ 1)' : ''}`));
      } else if (replicas !== undefined && minAvailable > replicas) {
        out.push(err(cliquePath(i, 'spec', 'minAvailable'), 'clique.minAvailable', `minAvailable (${minAvailable}) must not be greater than replicas (${replicas})`));
      }
    }

    out.push(...validateStartsAfter(spec, i, name, names, explicit));

    const asc = isRecord(spec.autoScalingConfig) ? spec.autoScalingConfig : undefined;
    if (asc) {
      if (name && groupOfClique.has(name)) {
        out.push(err(cliquePath(i, 'spec', 'autoScalingConfig'), 'clique.autoScalingInGroup', `AutoScalingConfig is not allowed to be defined for PodClique that is part of scaling group "${str(groupOfClique.get(name)!.name)}"; set scaleConfig on the group instead`));
      }
      const minReplicas = int(asc.minReplicas);
      const maxReplicas = int(asc.maxReplicas);
      if (minReplicas !== undefined && minAvailable !== undefined && minReplicas < minAvailable) {
        out.push(err(cliquePath(i, 'spec', 'autoScalingConfig', 'minReplicas'), 'clique.autoScalingMinReplicas', `autoScalingConfig.minReplicas (${minReplicas}) must be ≥ minAvailable (${minAvailable})`));
      }
      if (maxReplicas !== undefined) {
        if (minReplicas !== undefined && maxReplicas < minReplicas) {
          out.push(err(cliquePath(i, 'spec', 'autoScalingConfig', 'maxReplicas'), 'clique.autoScalingMaxReplicas', `autoScalingConfig.maxReplicas (${maxReplicas}) must be ≥ minReplicas (${minReplicas})`));
        }
        if (replicas !== undefined && maxReplicas < replicas) {
          out.push(err(cliquePath(i, 'spec', 'autoScalingConfig', 'maxReplicas'), 'clique.autoScalingMaxReplicas', `autoScalingConfig.maxReplicas (${maxReplicas}) must be ≥ replicas (${replicas})`));
        }
      }
    }

    const rawClique = rawCliques[i];
    const rawPodSpec = isRecord(rawClique) && isRecord(rawClique.spec) && isRecord(rawClique.spec.podSpec) ? rawClique.spec.podSpec : undefined;
    if (isRecord(spec.podSpec)) out.push(...validatePodSpec(spec.podSpec, rawPodSpec, i, op));
  }
  if (explicit) out.push(...startsAfterCycles(cliques));
  return out;
}

/** What the apiserver appends to a generateName (5 characters), as the name budget counts and shows it. */
const GENERATED_SUFFIX = '·····';

/**
 * Names Grove builds pods and Services from, which the API server refuses though Grove's webhook lets
 * them through (a stack accepted that never starts): every pod's hostname is `<pcs>-<i>[-<group>-<j>]-<clique>-<k>`
 * and its subdomain, the headless Service, `<pcs>-<i>`. Both must be DNS-1123 labels (no dot), and a
 * Service name a DNS-1035 label (a letter first: a warning, as Kubernetes after 1.35 relaxes it, KEP-5311).
 */
function validatePodHostnames(cliques: [Rec, number][], groups: [Rec, number][], field: 'name' | 'generateName', own: string, podName: string): Finding[] {
  const out: Finding[] = [];
  const dotted = (what: string, name: string, example: string) =>
    `${what} "${name}" has a dot: Grove names pod hostnames after it (${example}), and Kubernetes refuses a dot in a hostname (a DNS-1123 label), so the stack would be accepted and its pods never created; use "-" instead`;
  if (own.includes('.')) {
    out.push(err(['metadata', field], 'pcs.podHostname', `${dotted(`metadata.${field}`, own, `${podName}-0-<clique>-0`)}; the headless Service ${podName}-0 is refused the same way`));
  } else if (/^[0-9]/.test(own)) {
    out.push(warn(['metadata', field], 'pcs.serviceName', `metadata.${field} "${own}" starts with a digit: Grove names the headless Service of each replica after it (${podName}-0), and Kubernetes up to 1.35 refuses a Service name that does not start with a letter (a DNS-1035 label; later versions relax it: RelaxedServiceNameValidation, KEP-5311)`));
  }
  const prefix = podName || 'pcs';
  for (const [clique, i] of cliques) {
    const name = str(clique.name);
    if (name?.includes('.')) out.push(err(cliquePath(i, 'name'), 'pcs.podHostname', dotted('clique name', name, `${prefix}-0-${name}-0`)));
  }
  for (const [group, i] of groups) {
    const name = str(group.name);
    if (name?.includes('.')) out.push(err(groupPath(i, 'name'), 'pcs.podHostname', dotted('scaling group name', name, `${prefix}-0-${name}-0-<clique>-0`)));
  }
  return out;
}

/**
 * The pod-naming budget (§5.1). Grove reports an over-long combination on the clique name, the
 * group name and metadata.name; Canopy says it once per clique, and once on the group and on
 * metadata.name for the longest combination that reaches them, so one long name does not flood.
 */
function validateNameBudget(cliques: [Rec, number][], groups: [Rec, number][], pcsName: string, groupOfClique: Map<string, Rec>, nameField: 'name' | 'generateName'): Finding[] {
  const out: Finding[] = [];
  const generated = nameField === 'generateName' ? ` (${GENERATED_SUFFIX}: the 5 characters the apiserver appends to generateName)` : '';
  const message = (used: number, parts: string[], group: boolean) =>
    `combined resource name length ${used} exceeds 45-character limit required for pod naming (${parts.map((n) => `"${n}"`).join(' + ')})${generated}; shorten the PodCliqueSet, ${group ? 'scaling group or ' : ''}clique name`;
  type Over = { used: number; parts: string[]; group?: Rec };
  let longest: Over | undefined;
  const longestInGroup = new Map<Rec, Over>();
  for (const [clique, i] of cliques) {
    const name = str(clique.name);
    if (name === undefined) continue;
    const group = groupOfClique.get(name);
    const parts = group ? [pcsName, str(group.name) ?? '', name] : [pcsName, name];
    const used = parts.reduce((n, part) => n + part.length, 0);
    if (used <= NAME_BUDGET) continue;
    out.push(err(cliquePath(i, 'name'), 'pcs.nameBudget', message(used, parts, !!group)));
    const over: Over = { used, parts, group };
    if (!longest || used > longest.used) longest = over;
    if (group && used > (longestInGroup.get(group)?.used ?? 0)) longestInGroup.set(group, over);
  }
  for (const [group, i] of groups) {
    const over = longestInGroup.get(group);
    if (over) out.push(err(groupPath(i, 'name'), 'pcs.nameBudget', message(over.used, over.parts, true)));
  }
  if (longest && pcsName !== '') out.push(err(['metadata', nameField], 'pcs.nameBudget', message(longest.used, longest.parts, !!longest.group)));
  return out;
}

function validateStartsAfter(spec: Rec, i: number, self: string | undefined, names: Set<string>, explicit: boolean): Finding[] {
  if (!Array.isArray(spec.startsAfter) || spec.startsAfter.length === 0) return [];
  const path = cliquePath(i, 'spec', 'startsAfter');
  if (!explicit) {
    return [warn(path, 'clique.startsAfterIgnored', 'startsAfter is only honoured with cliqueStartupType: CliqueStartupTypeExplicit; Grove ignores it here')];
  }
  const out: Finding[] = [];
  const seen = new Set<string>();
  const unknown: string[] = [];
  spec.startsAfter.forEach((dep, j) => {
    if (typeof dep !== 'string') return;
    if (dep === '') out.push(err([...path, j], 'clique.startsAfterEmpty', 'startsAfter entries must not be empty'));
    else if (dep === self) out.push(err([...path, j], 'clique.startsAfterSelf', `clique "${self}" cannot start after itself`));
    else if (seen.has(dep)) out.push(err([...path, j], 'clique.startsAfterDuplicate', `"${dep}" is listed twice`));
    else if (!names.has(dep)) unknown.push(dep);
    seen.add(dep);
  });
  if (unknown.length > 0) {
    out.push(err(path, 'clique.startsAfterUnknown', `unknown clique names found in startsAfter: ${unknown.map((u) => `"${u}"`).join(', ')}`));
  }
  return out;
}

/** Reports each clique that sits on a startsAfter cycle (one finding per clique, in list order). */
function startsAfterCycles(cliques: [Rec, number][]): Finding[] {
  const deps = new Map<string, string[]>();
  const indexOf = new Map<string, number>();
  for (const [c, i] of cliques) {
    const name = str(c.name);
    if (!name || !isRecord(c.spec)) continue;
    // A self-reference is reported by clique.startsAfterSelf; like Grove's Tarjan check (which ignores
    // single-node components) the cycle rule does not repeat it.
    deps.set(name, strings(c.spec.startsAfter).filter((d) => d !== name));
    indexOf.set(name, i);
  }
  const onCycle = new Set<string>();
  // A clique is on a cycle when a walk from it returns to it; cliques are few, so a walk per clique is cheap.
  for (const start of deps.keys()) {
    const stack: string[][] = [[start]];
    const visited = new Set<string>();
    while (stack.length > 0) {
      const trail = stack.pop()!;
      const node = trail[trail.length - 1]!;
      for (const next of deps.get(node) ?? []) {
        if (next === start) trail.forEach((n) => onCycle.add(n));
        else if (!visited.has(next) && deps.has(next)) {
          visited.add(next);
          stack.push([...trail, next]);
        }
      }
    }
  }
  return [...onCycle]
    .sort((a, b) => indexOf.get(a)! - indexOf.get(b)!)
    .map((name) => err(cliquePath(indexOf.get(name)!, 'spec', 'startsAfter'), 'clique.startsAfterCycle', `clique "${name}" must not have circular dependencies (startsAfter forms a cycle)`));
}

function validatePodSpec(podSpec: Rec, rawPodSpec: Rec | undefined, i: number, op: Operation): Finding[] {
  const out: Finding[] = [];
  const base = cliquePath(i, 'spec', 'podSpec');
  if (op === 'CREATE') {
    // Grove refuses the field whenever it is non-nil: `[]` included.
    if (Array.isArray(podSpec.topologySpreadConstraints)) {
      out.push(err([...base, 'topologySpreadConstraints'], 'podSpec.topologySpreadConstraints', 'topologySpreadConstraints must not be set; use topologyConstraint on the clique, scaling group or PodCliqueSet'));
    }
    if (typeof podSpec.nodeName === 'string' && podSpec.nodeName !== '') {
      out.push(err([...base, 'nodeName'], 'podSpec.nodeName', 'nodeName must not be set: pods are placed by the scheduler as a gang'));
    }
  }
  // Grove warns whenever the (defaulted) policy is set; Canopy only when the user wrote one that will change.
  const rawRestart = rawPodSpec ? str(rawPodSpec.restartPolicy) : undefined;
  if (rawRestart && rawRestart !== 'Always') {
    out.push(warn([...base, 'restartPolicy'], 'podSpec.restartPolicy', `restartPolicy "${rawRestart}" will be ignored, it will be set to Always`));
  }
  for (const field of ['containers', 'initContainers'] as const) {
    for (const [container, c] of indexed(podSpec[field])) {
      out.push(...containerPodRules(container, [...base, field, c]));
      for (const [env, e] of indexed(container.env)) {
        const name = str(env.name);
        if (name === undefined) continue;
        const why = envVarNameError(name);
        if (why) out.push(err([...base, field, c, 'env', e, 'name'], 'podSpec.envName', `env var name "${name}": ${why}`));
        const late = groveVarsReferenced(env.value);
        if (late.length > 0) {
          const refs = late.map((v) => `$(${v})`).join(', ');
          out.push(
            warn(
              [...base, field, c, 'env', e, 'value'],
              'podSpec.groveEnvOrder',
              `env var "${name}" refers to ${refs}: Grove (v0.1.0-alpha.11) adds ${late.length > 1 ? 'these' : 'it'} after the container's own env, and Kubernetes expands $(VAR) in an env value only from variables listed before it, so the pod gets the text as written. Use ${late.length > 1 ? 'them' : 'it'} in command or args (expanded from the whole env), or read $${late[0]} in a shell`,
            ),
          );
        }
      }
    }
  }
  return out;
}

/** Grove's own variables (ENV), which the operator appends after a container's env. */
const GROVE_ENV_NAMES: ReadonlySet<string> = new Set(Object.values(ENV));

/** The Grove variables an env value refers to as $(VAR) ($$(VAR) is Kubernetes' escape for the text itself), in order, once each. */
function groveVarsReferenced(value: unknown): string[] {
  if (typeof value !== 'string' || !value.includes('$(')) return [];
  const names = [...value.matchAll(/(?<!\$)\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g)].map((m) => m[1]!).filter((n) => GROVE_ENV_NAMES.has(n));
  return [...new Set(names)];
}

/**
 * What the API server refuses when the operator creates the pods, though Grove's schema and webhook
 * let it through (so a stack would be accepted and never start): a container without an image, a
 * negative request or limit, an extended resource that is not a whole number, a request above its
 * limit, and a GPU request without an equal limit (extended resources cannot be overcommitted).
 */
function containerPodRules(container: Rec, path: Path): Finding[] {
  const out: Finding[] = [];
  if (typeof container.image !== 'string' || container.image.trim() === '') {
    out.push(err([...path, 'image'], 'podSpec.containerImage', 'image is required: the pod cannot start this container without one'));
  }
  const resources = isRecord(container.resources) ? container.resources : {};
  const limits = isRecord(resources.limits) ? resources.limits : {};
  for (const list of ['requests', 'limits'] as const) {
    const amounts = isRecord(resources[list]) ? resources[list] : {};
    for (const [name, value] of Object.entries(amounts)) {
      if (!isQuantity(value)) continue; // the schema pass reports it
      const at = [...path, 'resources', list, name];
      const amount = parseQuantity(value);
      if (amount.numerator < 0n) out.push(err(at, 'podSpec.negativeQuantity', `${name} ${list === 'requests' ? 'request' : 'limit'} ${value} must not be negative`));
      else if (isExtendedResourceName(name) && amount.numerator % amount.denominator !== 0n) {
        out.push(err(at, 'podSpec.wholeQuantity', `${name} ${list === 'requests' ? 'request' : 'limit'} ${value} must be a whole number: extended resources are counted in whole units`));
      }
      // A GPU request must equal its limit (podSpec.gpuLimit below says so); any other request may not exceed it.
      const limit = limits[name];
      if (list === 'requests' && name !== RESOURCE_GPU && isQuantity(limit) && compareQuantities(value, limit) > 0) {
        out.push(err(at, 'podSpec.requestAboveLimit', `${name} request ${value} must not be above its limit ${limit}`));
      }
    }
  }
  const request = isRecord(resources.requests) ? resources.requests[RESOURCE_GPU] : undefined;
  const limit = isRecord(resources.limits) ? resources.limits[RESOURCE_GPU] : undefined;
  if (!isQuantity(request)) return out; // unset, or not a quantity: the schema pass reports that
  if (limit === undefined) {
    out.push(err([...path, 'resources', 'limits', RESOURCE_GPU], 'podSpec.gpuLimit', `${RESOURCE_GPU} request ${request} needs a limit: GPUs cannot be overcommitted, so the limit must be set and equal the request`));
  } else if (isQuantity(limit) && !sameQuantity(request, limit)) {
    out.push(err([...path, 'resources', 'requests', RESOURCE_GPU], 'podSpec.gpuLimit', `${RESOURCE_GPU} request ${request} must equal its limit ${limit}: GPUs cannot be overcommitted`));
  }
  return out;
}

/** Sign of a − b, exactly, however either is written ("1", 1, "1000m"); both must be quantities. */
function compareQuantities(a: Quantity, b: Quantity): number {
  const x = parseQuantity(a);
  const y = parseQuantity(b);
  const d = x.numerator * y.denominator - y.numerator * x.denominator; // denominators are positive
  return d > 0n ? 1 : d < 0n ? -1 : 0;
}

/** Equal amounts however written; both must be quantities. */
const sameQuantity = (a: Quantity, b: Quantity): boolean => compareQuantities(a, b) === 0;

function validateScalingGroups(groups: [Rec, number][], cliqueNames: Set<string>): Finding[] {
  const out: Finding[] = [];
  const seenNames = new Map<string, number>();
  const memberOf = new Map<string, string>();
  for (const [group, i] of groups) {
    const name = str(group.name);
    if (name !== undefined) {
      const why = name === '' ? 'must not be empty' : dns1123SubdomainError(name);
      if (why) out.push(err(groupPath(i, 'name'), 'pcsg.name', `scaling group name "${name}" ${why.startsWith('must') ? why : 'is not a valid DNS subdomain: ' + why}`));
      if (seenNames.has(name)) out.push(err(groupPath(i, 'name'), 'pcsg.nameUnique', `scaling group name "${name}" is already used by group ${seenNames.get(name)}`));
      else seenNames.set(name, i);
    }
    const unknown: string[] = [];
    strings(group.cliqueNames).forEach((member, j) => {
      if (!cliqueNames.has(member)) unknown.push(member);
      const other = memberOf.get(member);
      if (other !== undefined) out.push(err(groupPath(i, 'cliqueNames', j), 'pcsg.cliqueInOneGroup', `clique "${member}" is already a member of scaling group "${other}"; a clique may be in at most one group`));
      else memberOf.set(member, name ?? `#${i}`);
    });
    if (unknown.length > 0) out.push(err(groupPath(i, 'cliqueNames'), 'pcsg.unknownClique', `unidentified PodClique names found: ${unknown.map((u) => `"${u}"`).join(', ')}`));

    const replicas = int(group.replicas);
    const minAvailable = int(group.minAvailable);
    if (replicas !== undefined && replicas <= 0) out.push(err(groupPath(i, 'replicas'), 'pcsg.replicas', `replicas must be greater than 0, got ${replicas}`));
    if (minAvailable !== undefined) {
      if (minAvailable <= 0) out.push(err(groupPath(i, 'minAvailable'), 'pcsg.minAvailable', `minAvailable must be greater than 0, got ${minAvailable}`));
      else if (replicas !== undefined && replicas > 0 && minAvailable > replicas) {
        out.push(err(groupPath(i, 'minAvailable'), 'pcsg.minAvailable', `minAvailable (${minAvailable}) must not be greater than replicas (${replicas})`));
      }
    }
    const scale = isRecord(group.scaleConfig) ? group.scaleConfig : undefined;
    const scaleMin = scale ? int(scale.minReplicas) : undefined;
    if (scaleMin !== undefined && minAvailable !== undefined && scaleMin < minAvailable) {
      out.push(err(groupPath(i, 'scaleConfig', 'minReplicas'), 'pcsg.scaleConfigMinReplicas', `scaleConfig.minReplicas (${scaleMin}) must be ≥ minAvailable (${minAvailable})`));
    }
    out.push(...validateAnnotations(group.annotations, groupPath(i, 'annotations')));
  }
  return out;
}

function validateResourceSharing(template: Rec, cliqueNames: Set<string>, groups: [Rec, number][]): Finding[] {
  const out: Finding[] = [];
  const templateNames = new Set<string>();
  for (const [rct, i] of indexed(template.resourceClaimTemplates)) {
    const name = str(rct.name);
    const path: Path = [...TEMPLATE, 'resourceClaimTemplates', i];
    if (name === '') out.push(err([...path, 'name'], 'pcs.resourceClaimTemplateName', 'resourceClaimTemplates[].name is required'));
    else if (name !== undefined) {
      if (templateNames.has(name)) out.push(err([...path, 'name'], 'pcs.resourceClaimTemplateName', `resource claim template "${name}" is defined twice`));
      templateNames.add(name);
    }
    const ts = isRecord(rct.templateSpec) ? rct.templateSpec : undefined;
    const devices = ts && isRecord(ts.spec) && isRecord(ts.spec.devices) ? ts.spec.devices : undefined;
    if (ts && !(devices && Array.isArray(devices.requests) && devices.requests.length > 0)) {
      out.push(err([...path, 'templateSpec', 'spec', 'devices', 'requests'], 'pcs.resourceClaimTemplateRequests', 'templateSpec.spec.devices.requests must not be empty'));
    }
  }
  const groupNames = new Set(groups.map(([g]) => str(g.name)).filter((n): n is string => !!n));

  const checkList = (list: unknown, path: Path, filterCheck?: (filter: Rec, path: Path) => Finding[]) => {
    const seen = new Set<string>();
    for (const [entry, i] of indexed(list)) {
      const name = str(entry.name);
      if (name === '') out.push(err([...path, i, 'name'], 'pcs.resourceSharingName', 'resourceSharing[].name is required'));
      else if (name !== undefined) {
        if (seen.has(name)) out.push(err([...path, i, 'name'], 'pcs.resourceSharingName', `resourceSharing "${name}" is listed twice`));
        seen.add(name);
        if (templateNames.has(name) && str(entry.namespace)) {
          out.push(err([...path, i, 'namespace'], 'pcs.resourceSharingNamespace', `namespace must be empty: "${name}" names a resourceClaimTemplate of this PodCliqueSet`));
        }
      }
      if (filterCheck && isRecord(entry.filter)) out.push(...filterCheck(entry.filter, [...path, i, 'filter']));
    }
  };

  checkList(template.resourceSharing, [...TEMPLATE, 'resourceSharing'], (filter, path) => {
    const f: Finding[] = [];
    const cl = strings(filter.childCliqueNames);
    const gl = strings(filter.childScalingGroupNames);
    if (cl.length + gl.length === 0) f.push(err(path, 'pcs.resourceSharingFilter', 'filter must list at least one childCliqueNames or childScalingGroupNames entry'));
    cl.forEach((n, j) => !cliqueNames.has(n) && f.push(err([...path, 'childCliqueNames', j], 'pcs.resourceSharingFilter', `unknown clique "${n}"`)));
    gl.forEach((n, j) => !groupNames.has(n) && f.push(err([...path, 'childScalingGroupNames', j], 'pcs.resourceSharingFilter', `unknown scaling group "${n}"`)));
    return f;
  });
  for (const [clique, i] of indexed(template.cliques)) checkList(clique.resourceSharing, cliquePath(i, 'resourceSharing'));
  for (const [group, i] of groups) {
    const members = new Set(strings(group.cliqueNames));
    checkList(group.resourceSharing, groupPath(i, 'resourceSharing'), (filter, path) => {
      const cl = strings(filter.childCliqueNames);
      if (cl.length === 0) return [err(path, 'pcs.resourceSharingFilter', 'filter must list at least one member clique')];
      return cl.flatMap((n, j) => (members.has(n) ? [] : [err([...path, 'childCliqueNames', j], 'pcs.resourceSharingFilter', `"${n}" is not a member of this scaling group`)]));
    });
  }
  return out;
}

/** The backend a PodCliqueSet resolves to, from its cliques' schedulerName (empty = default profile). */
export function resolvedSchedulerNames(cliques: [Rec, number][], ctx: ValidationContext): { name: string; index: number; defaulted?: boolean }[] {
  const fallback = ctx.defaultSchedulerProfile ?? 'default-scheduler';
  return cliques.map(([c, i]) => {
    const podSpec = isRecord(c.spec) && isRecord(c.spec.podSpec) ? c.spec.podSpec : {};
    return { name: str(podSpec.schedulerName) || fallback, index: i, ...(str(podSpec.schedulerName) ? {} : { defaulted: true }) };
  });
}

/** A clique in a message: its name, else its index. */
function cliqueLabel(c: Rec | undefined, index: number): string {
  const name = c ? str(c.name) : '';
  return name ? `clique ${name}` : `clique ${index}`;
}

function validateSchedulerBackend(pcs: Rec, cliques: [Rec, number][], ctx: ValidationContext): Finding[] {
  const out: Finding[] = [];
  const profiles = ctx.schedulerProfiles ?? DEFAULT_SCHEDULER_PROFILES;
  const resolved = resolvedSchedulerNames(cliques, ctx);
  if (resolved.length === 0) return out;
  const first = resolved[0]!;
  for (const r of resolved) {
    if (r.name !== first.name) {
      const label = (x: { index: number; defaulted?: boolean }) => `${cliqueLabel(cliques.find(([, i]) => i === x.index)?.[0], x.index)}${x.defaulted ? ' (no schedulerName: the default profile)' : ''}`;
      out.push(err(cliquePath(r.index, 'spec', 'podSpec', 'schedulerName'), 'pcs.schedulerMismatch', `all cliques must use the same scheduler: ${label(r)} resolves to "${r.name}", ${label(first)} to "${first.name}"`));
    } else if (!profiles.includes(r.name)) {
      out.push(err(cliquePath(r.index, 'spec', 'podSpec', 'schedulerName'), 'pcs.schedulerNotEnabled', `schedulerName must be an enabled scheduler backend: "${r.name}" is not one of ${profiles.map((p) => `"${p}"`).join(', ')}`));
    }
  }
  const backend = first.name;
  const meta = isRecord(pcs.metadata) ? pcs.metadata : {};
  const pcsAnnotations = isRecord(meta.annotations) ? meta.annotations : {};
  // KAI resolves one queue per object: its label, else its annotation (an empty value counts as unset).
  const kaiQueueOf = (o: Rec) => str(isRecord(o.labels) ? o.labels[LABEL_KAI_QUEUE] : undefined) || str(isRecord(o.annotations) ? o.annotations[LABEL_KAI_QUEUE] : undefined) || undefined;

  if (backend === 'kai-scheduler') {
    const pcsQueue = kaiQueueOf(meta);
    const cliqueQueues = cliques.flatMap(([c, i]) => {
      const value = kaiQueueOf(c);
      return value ? [{ value, index: i }] : [];
    });
    if (!pcsQueue && cliqueQueues.length === 0) {
      // A warning: Grove v0.1.0-alpha.11 (the release Canopy targets) accepts it, and KAI's pod-grouper puts the
      // pods in its fallback queue; Grove's KAI backend refuses it only after that release.
      out.push(
        warn(
          ['metadata', 'labels'],
          'scheduler.kaiQueue',
          `no KAI queue is configured: KAI then puts the pods in its fallback queue "default-queue" (they stay pending if that queue does not exist), and Grove after v0.1.0-alpha.11 refuses the PodCliqueSet; add label "${LABEL_KAI_QUEUE}" to the PodCliqueSet`,
        ),
      );
    }
    const values = new Set([...(pcsQueue ? [pcsQueue] : []), ...cliqueQueues.map((q) => q.value)]);
    if (values.size > 1) {
      // A warning: Grove v0.1.0-alpha.11's KAI backend accepts it (its ValidatePodCliqueSet returns nil). KAI's
      // pod-grouper gives each PodGang one queue, from labels only (DefaultGrouper.CalcPodGroupQueue): the
      // PodGang's, which Grove copies from the PodCliqueSet, else that of the first of its pods it groups.
      const pcsLabel = isRecord(meta.labels) ? str(meta.labels[LABEL_KAI_QUEUE]) : undefined;
      const landing = pcsLabel
        ? `KAI puts every pod in the PodCliqueSet's queue "${pcsLabel}" (Grove copies its labels onto each PodGang) and ignores the cliques' queues`
        : `KAI takes each PodGang's queue from the label of the first of its pods it sees, so the pods may land in different queues`;
      out.push(
        warn(
          ['metadata', 'labels', LABEL_KAI_QUEUE],
          'scheduler.kaiQueueConflict',
          `conflicting KAI queues: ${[...values].map((v) => `"${v}"`).join(', ')}: ${landing}; Grove after v0.1.0-alpha.11 refuses the PodCliqueSet. Use one queue per PodCliqueSet`,
        ),
      );
    }
  } else if (backend === 'volcano') {
    out.push(...validateVolcanoQueues(pcsAnnotations, cliques));
  }
  return out;
}

/**
 * Grove's Volcano backend: each clique's queue is its annotation, else the PodCliqueSet's, else
 * Volcano's "default" (values trimmed); a clique's and the PodCliqueSet's queue must agree, and every
 * clique must resolve to the same queue. Reported on the clique, as Grove does.
 */
function validateVolcanoQueues(pcsAnnotations: Rec, cliques: [Rec, number][]): Finding[] {
  const out: Finding[] = [];
  const queueOf = (annotations: unknown) => (isRecord(annotations) ? str(annotations[ANNOTATION_VOLCANO_QUEUE])?.trim() : undefined) || '';
  const checkName = (queue: string, path: Path) => {
    const why = queue ? dns1123SubdomainError(queue) : undefined;
    if (why) out.push(err(path, 'scheduler.volcanoQueue', `Volcano queue "${queue}" is not a valid name: ${why}`));
  };
  const pcsQueue = queueOf(pcsAnnotations);
  checkName(pcsQueue, ['metadata', 'annotations', ANNOTATION_VOLCANO_QUEUE]);
  let first: { queue: string; clique: Rec; index: number; written: boolean } | undefined;
  const described = (x: { queue: string; clique: Rec; index: number; written: boolean }) =>
    `${cliqueLabel(x.clique, x.index)} ${x === first ? 'to' : 'resolves to Volcano queue'} "${x.queue}"${x.written ? '' : pcsQueue ? ' (from the PodCliqueSet)' : ` (no ${ANNOTATION_VOLCANO_QUEUE} annotation)`}`;
  for (const [c, i] of cliques) {
    const path = cliquePath(i, 'annotations', ANNOTATION_VOLCANO_QUEUE);
    const own = queueOf(c.annotations);
    checkName(own, path);
    if (own && pcsQueue && own !== pcsQueue) {
      out.push(err(path, 'scheduler.volcanoQueueConflict', `Volcano queue "${own}" on ${cliqueLabel(c, i)} conflicts with "${pcsQueue}" on the PodCliqueSet: remove one or make them equal`));
      continue;
    }
    const resolved = { queue: own || pcsQueue || VOLCANO_DEFAULT_QUEUE, clique: c, index: i, written: own !== '' };
    if (!first) first = resolved;
    else if (resolved.queue !== first.queue) {
      out.push(
        err(
          path,
          'scheduler.volcanoQueueConflict',
          `${described(resolved)} but ${described(first)}: all cliques of a PodCliqueSet on volcano must resolve to the same queue; set the annotation on the PodCliqueSet instead, or the same value on every clique`,
        ),
      );
    }
  }
  return out;
}

/** A GPU limit or request that is set and not zero ("0", "0.0" and "0m" are zero; a value that is no quantity is the schema's finding, counted as set). */
const nonZeroGpu = (m: unknown): boolean => {
  const value = isRecord(m) ? m[RESOURCE_GPU] : undefined;
  return value !== undefined && !(isQuantity(value) && parseQuantity(value).numerator === 0n);
};

/** Whether a clique's pods ask for GPUs, as Grove's MNNVL helper reads it: any container or init container with a non-zero limit or request. */
function requestsGpu(clique: Rec): boolean {
  const podSpec = isRecord(clique.spec) && isRecord(clique.spec.podSpec) ? clique.spec.podSpec : {};
  return [...records(podSpec.containers), ...records(podSpec.initContainers)].some((c) => {
    const r = isRecord(c.resources) ? c.resources : {};
    return nonZeroGpu(r.limits) || nonZeroGpu(r.requests);
  });
}

function validateMnnvl(pcs: Rec, cliques: [Rec, number][], groups: [Rec, number][], ctx: ValidationContext): Finding[] {
  const out: Finding[] = [];
  const check = (annotations: unknown, path: Path, clique?: Rec) => {
    if (!isRecord(annotations)) return;
    const value = str(annotations[ANNOTATION_MNNVL_GROUP]);
    if (value === undefined) return;
    const at = [...path, ANNOTATION_MNNVL_GROUP];
    const why = value === MNNVL_GROUP_NONE ? undefined : dns1123LabelError(value);
    if (why) out.push(err(at, 'mnnvl.value', `${ANNOTATION_MNNVL_GROUP} must be "none" or a DNS-1123 label: "${value}" ${why}`));
    // With the feature off Grove refuses every value but the opt-out "none", which is always allowed.
    if (ctx.autoMNNVLEnabled === false && value !== MNNVL_GROUP_NONE) {
      out.push(err(at, 'mnnvl.disabled', `${ANNOTATION_MNNVL_GROUP} is set ("${value}") but the operator has network.autoMNNVLEnabled=false: remove the ${ANNOTATION_MNNVL_GROUP} annotation (or set it to "${MNNVL_GROUP_NONE}") or enable MNNVL in the operator configuration`));
    } else if (!why && value !== MNNVL_GROUP_NONE && clique && !requestsGpu(clique)) {
      // Grove accepts it and leaves the clique out of the ComputeDomains (no claim injected): a warning, and only
      // for a group written on the clique itself, since one inherited from the PCS or a scaling group is meant for the GPU cliques.
      out.push(warn(at, 'mnnvl.noGpu', `clique requests no ${RESOURCE_GPU}, so MNNVL group "${value}" has no effect on it (Grove accepts the annotation but gives the clique's pods no ComputeDomain): remove the ${ANNOTATION_MNNVL_GROUP} annotation from the clique or give it a ${RESOURCE_GPU} request`));
    }
  };
  check(isRecord(pcs.metadata) ? pcs.metadata.annotations : undefined, ['metadata', 'annotations']);
  for (const [c, i] of cliques) check(c.annotations, cliquePath(i, 'annotations'), c);
  for (const [g, i] of groups) check(g.annotations, groupPath(i, 'annotations'));
  return out;
}

/**
 * Canopy's own warning: the operator finds a PodClique's template by name suffix, first match in
 * list order, so `worker` listed before `pworker` can hand `…-pworker` the wrong template.
 */
function warnCliqueNameSuffixes(cliques: [Rec, number][]): Finding[] {
  const named = cliques.flatMap(([c, i]) => (str(c.name) ? [{ name: str(c.name)!, i }] : []));
  // Positions in `named` of each name, so each name's suffixes are looked up instead of compared with
  // every other name (quadratic in cliques: 40,000 of them took 14 s).
  const at = new Map<string, number[]>();
  named.forEach(({ name }, k) => {
    const ks = at.get(name);
    if (ks) ks.push(k);
    else at.set(name, [k]);
  });
  const pairs: [number, number][] = [];
  named.forEach(({ name }, kb) => {
    for (let cut = 1; cut < name.length; cut++) for (const ka of at.get(name.slice(cut)) ?? []) pairs.push([ka, kb]);
  });
  // In the order of the pairwise comparison this replaces: by the shorter name's position, then the longer's.
  pairs.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  return pairs.map(([ka, kb]) => {
    const a = named[ka]!;
    const b = named[kb]!;
    return warn(cliquePath(b.i, 'name'), 'canopy.cliqueNameSuffix', `clique name "${b.name}" ends with another clique's name "${a.name}": the operator resolves templates by name suffix and may pick the wrong one; rename one of them`);
  });
}
