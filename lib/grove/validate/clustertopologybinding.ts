/** Grove's ClusterTopologyBinding webhook (API-NOTES §5.7) and Canopy's level-order warning. */
import type { Finding } from '../findings';
import { isRecord, pointer } from '../meta';
import { WELL_KNOWN_DOMAINS } from '../topology-constraint';
import { DEFAULT_SCHEDULER_PROFILES, TOPOLOGY_AWARE_BACKENDS, type ValidationContext } from './context';

const err = (path: (string | number)[], rule: string, message: string): Finding => ({ path: pointer(path), rule, severity: 'error', message });

export function validateClusterTopologyBindingRules(ctb: Record<string, unknown>, ctx: ValidationContext): Finding[] {
  const out: Finding[] = [];
  const spec = isRecord(ctb.spec) ? ctb.spec : {};
  const levels = Array.isArray(spec.levels) ? spec.levels : [];
  const domains = new Map<string, number>();
  const keys = new Map<string, number>();
  levels.forEach((level, i) => {
    if (!isRecord(level)) return;
    if (typeof level.domain === 'string') {
      if (domains.has(level.domain)) out.push(err(['spec', 'levels', i, 'domain'], 'binding.domainUnique', `domain "${level.domain}" is already used by level ${domains.get(level.domain)}`));
      else domains.set(level.domain, i);
    }
    if (typeof level.key === 'string') {
      if (keys.has(level.key)) out.push(err(['spec', 'levels', i, 'key'], 'binding.keyUnique', `key "${level.key}" is already used by level ${keys.get(level.key)}`));
      else keys.set(level.key, i);
    }
  });
  // Grove trusts the order (broadest first); well-known domains out of order are almost surely a mistake.
  const known = [...domains.entries()].filter(([d]) => (WELL_KNOWN_DOMAINS as readonly string[]).includes(d));
  for (let j = 1; j < known.length; j++) {
    const [prev, pi] = known[j - 1]!;
    const [cur, ci] = known[j]!;
    if (WELL_KNOWN_DOMAINS.indexOf(cur as never) < WELL_KNOWN_DOMAINS.indexOf(prev as never) && ci > pi) {
      out.push({ path: pointer(['spec', 'levels', ci, 'domain']), rule: 'canopy.levelOrder', severity: 'warning', message: `levels must go from broadest to narrowest, but "${cur}" (broader) comes after "${prev}"; Grove does not check the order` });
    }
  }
  const profiles = ctx.schedulerProfiles ?? DEFAULT_SCHEDULER_PROFILES;
  const seen = new Set<string>();
  (Array.isArray(spec.schedulerTopologyBindings) ? spec.schedulerTopologyBindings : []).forEach((b, i) => {
    if (!isRecord(b) || typeof b.schedulerName !== 'string') return;
    const path = ['spec', 'schedulerTopologyBindings', i, 'schedulerName'];
    if (seen.has(b.schedulerName)) out.push(err(path, 'binding.schedulerDuplicate', `scheduler "${b.schedulerName}" is listed twice`));
    seen.add(b.schedulerName);
    if (!profiles.includes(b.schedulerName)) out.push(err(path, 'binding.schedulerNotEnabled', `scheduler backend is not enabled in Grove: "${b.schedulerName}"`));
    else if (!(TOPOLOGY_AWARE_BACKENDS as readonly string[]).includes(b.schedulerName)) {
      out.push(err(path, 'binding.schedulerNotTopologyAware', `scheduler backend "${b.schedulerName}" does not support topology; only ${TOPOLOGY_AWARE_BACKENDS.join(', ')} does`));
    }
  });
  return out;
}
