/**
 * SGLang over several nodes, on Grove: one server spans the pods of one scaling-group replica. Each
 * pod passes `--dist-init-addr` (the group replica's leader pod, written in args with Grove's env,
 * `$(GROVE_PCSG_NAME)-$(GROVE_PCSG_INDEX)-<leader>-0.$(GROVE_HEADLESS_SERVICE)`; an env var of the
 * container's own built from those keeps the text as written, podSpec.groveEnvOrder), `--nnodes` (the group's pods, $(GROVE_PCSG_TEMPLATE_NUM_PODS)) and a
 * `--node-rank` of its own: the leader 0, worker pod i of a clique `$((GROVE_PCLQ_POD_INDEX + k))`.
 * Grove accepts any of it; a wrong address or two pods of one rank leave the server waiting forever.
 *
 * This reads that wiring from a clique's containers (only the forms it can be sure of), checks it per
 * scaling group (sglangFindings: checkManifests adds them to every PodCliqueSet's findings, so the
 * Validate page, `canopy validate` and the builder say the same) and works out what a clique joining a
 * group must say (wiringToJoin, for the builder's edits).
 */
import type { Finding } from './findings';
import { ENV } from './labels';
import { isRecord, pointer } from './meta';

/** Where a string is under a clique: object keys and array indexes. */
type Path = readonly (string | number)[];

const SERVER = /\bsglang\.launch_server\b/;
const POD_INDEX = ENV.pclqPodIndex;
const GROUP_PODS = ENV.pcsgTemplateNumPods;
export const LEADER_ADDR_RULE = 'sglang.leaderAddress';
export const NODE_RANK_RULE = 'sglang.nodeRank';
export const NODE_COUNT_RULE = 'sglang.nodeCount';

/** A string of a container (a command or args item, an env value) and where it is, under the clique. */
interface Located {
  text: string;
  at: Path;
  /** Whether a shell runs it: the script of `sh -c` (so $((…)) and $VAR work there, and nowhere else). */
  shell: boolean;
}

/** A flag's value as written: the item holding it, and where in that item's text (quotes left out). */
interface FlagValue {
  item: Located;
  start: number;
  end: number;
  value: string;
}

/** What a pod of the clique passes as --node-rank: always `value`, or its pod index plus `offset`. */
export type NodeRank = { kind: 'fixed'; value: number } | { kind: 'podIndex'; offset: number };

export interface ServerWiring {
  /** Index of the serving container in the pod's containers. */
  container: number;
  /** Null when --node-rank is missing or not in a form read here. */
  rank: NodeRank | null;
  rankValue: FlagValue | null;
  /** The pods --nnodes counts: the group's ($(GROVE_PCSG_TEMPLATE_NUM_PODS)), a number, or null (not read). */
  nodes: 'group' | number | null;
  /** The pod --dist-init-addr addresses by Grove's sibling address (`…-<clique>-<pod>.$(GROVE_HEADLESS_SERVICE)`), and where that is written (the flag's value, or the env var's it names); or null. */
  leader: { clique: string; pod: number; value: FlagValue } | null;
}

/** `$(GROVE_PCSG_NAME)-$(GROVE_PCSG_INDEX)-<clique>-<pod>.$(GROVE_HEADLESS_SERVICE)`, with a port or not. */
const SIBLING = new RegExp(
  `^(?<head>\\$\\(${ENV.pcsgName}\\)-\\$\\(${ENV.pcsgIndex}\\)-)(?<clique>[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)-(?<pod>\\d+)(?<tail>\\.\\$\\(${ENV.headlessService}\\)(?::\\d+)?)$`,
);

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);

function located(container: Record<string, unknown>, base: Path): Located[] {
  const command = strings(container.command);
  const shellScript = /^(\/bin\/)?(ba)?sh$/.test(command[0] ?? '') && command[1] === '-c' ? 2 : -1;
  return [
    ...command.map((text, i) => ({ text, at: [...base, 'command', i], shell: i === shellScript })),
    ...strings(container.args).map((text, i) => ({ text, at: [...base, 'args', i], shell: false })),
  ];
}

/** The value of `--flag v`, `--flag=v` (one item or two), or inside a script; the first one written. */
function flagValue(items: readonly Located[], flag: string): FlagValue | null {
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    if (item.text === flag) {
      const next = items[i + 1];
      return next ? { item: next, start: 0, end: next.text.length, value: next.text } : null;
    }
    // Quoted, or one shell word: $((…)) is one even with spaces inside.
    const m = new RegExp(`(?:^|\\s)${flag}(?:=|\\s+)(?:"([^"]*)"|'([^']*)'|(\\$\\(\\([^)]*\\)\\)|\\S+))`).exec(item.text);
    if (!m) continue;
    if (!item.shell && m.index + m[0].indexOf(flag) > 0) continue; // a flag mid-argument is no flag
    const value = m[1] ?? m[2] ?? m[3]!;
    const end = m.index + m[0].length - (m[3] === undefined ? 1 : 0);
    return { item, start: end - value.length, end, value };
  }
  return null;
}

/** Kubernetes' $(VAR), or in a shell $VAR / ${VAR}. */
const envRef = (name: string, shell: boolean) => (shell ? `(?:\\$\\(${name}\\)|\\$\\{?${name}\\}?)` : `\\$\\(${name}\\)`);

function readRank(v: FlagValue): NodeRank | null {
  const s = v.value.trim();
  if (/^\d+$/.test(s)) return { kind: 'fixed', value: Number(s) };
  const shell = v.item.shell;
  if (new RegExp(`^${envRef(POD_INDEX, shell)}$`).test(s)) return { kind: 'podIndex', offset: 0 };
  if (!shell) return null;
  // Shell arithmetic reads the name bare too: $((GROVE_PCLQ_POD_INDEX + 1)), $((1 + $GROVE_PCLQ_POD_INDEX)).
  const name = `(?:\\$\\{?${POD_INDEX}\\}?|${POD_INDEX})`;
  const after = new RegExp(`^\\$\\(\\(\\s*${name}\\s*(?:\\+\\s*(\\d+)\\s*)?\\)\\)$`).exec(s);
  if (after) return { kind: 'podIndex', offset: Number(after[1] ?? 0) };
  const before = new RegExp(`^\\$\\(\\(\\s*(\\d+)\\s*\\+\\s*${name}\\s*\\)\\)$`).exec(s);
  return before ? { kind: 'podIndex', offset: Number(before[1]) } : null;
}

function readNodes(v: FlagValue | null): ServerWiring['nodes'] {
  if (!v) return null;
  const s = v.value.trim();
  if (/^\d+$/.test(s)) return Number(s);
  return new RegExp(`^${envRef(GROUP_PODS, v.item.shell)}$`).test(s) ? 'group' : null;
}

/** The pod --dist-init-addr addresses: written there, or in the env var it names (`$(LEADER_ADDR):5000`). */
function readLeader(v: FlagValue | null, container: Record<string, unknown>, base: Path): ServerWiring['leader'] {
  if (!v) return null;
  let value = v;
  const name = new RegExp(`^${envRef('([A-Za-z_][A-Za-z0-9_]*)', v.item.shell)}(?::\\d+)?$`).exec(v.value.trim())?.slice(1).find((x) => x !== undefined);
  if (name !== undefined) {
    const env = Array.isArray(container.env) ? container.env : [];
    // The last definition of a name is the one the pod gets.
    const k = env.findLastIndex((e) => isRecord(e) && e.name === name);
    const entry = env[k];
    if (!isRecord(entry) || typeof entry.value !== 'string') return null;
    value = { item: { text: entry.value, at: [...base, 'env', k, 'value'], shell: false }, start: 0, end: entry.value.length, value: entry.value };
  }
  const m = SIBLING.exec(value.value);
  return m ? { clique: m.groups!.clique!, pod: Number(m.groups!.pod), value } : null;
}

/** The SGLang multi-node wiring of a clique (its first container running sglang.launch_server with --nnodes, --node-rank or --dist-init-addr), or null. */
export function serverWiring(clique: unknown): ServerWiring | null {
  const spec = isRecord(clique) && isRecord(clique.spec) ? clique.spec : null;
  const containers = spec && isRecord(spec.podSpec) && Array.isArray(spec.podSpec.containers) ? spec.podSpec.containers : [];
  for (let j = 0; j < containers.length; j++) {
    const container = containers[j];
    if (!isRecord(container)) continue;
    const base: Path = ['spec', 'podSpec', 'containers', j];
    const items = located(container, base);
    if (!items.some((i) => SERVER.test(i.text))) continue;
    const rankValue = flagValue(items, '--node-rank');
    const nodes = flagValue(items, '--nnodes');
    const addr = flagValue(items, '--dist-init-addr');
    if (!rankValue && !nodes && !addr) continue;
    return { container: j, rank: rankValue ? readRank(rankValue) : null, rankValue, nodes: readNodes(nodes), leader: readLeader(addr, container, base) };
  }
  return null;
}

interface Member {
  name: string;
  /** Index in spec.template.cliques. */
  index: number;
  replicas: number | null;
  wiring: ServerWiring | null;
}

interface Group {
  name: string;
  index: number;
  members: Member[];
}

function cliquesOf(pcs: Record<string, unknown>): unknown[] {
  const t = isRecord(pcs.spec) && isRecord(pcs.spec.template) ? pcs.spec.template : {};
  return Array.isArray(t.cliques) ? t.cliques : [];
}

/** The scaling groups with their member cliques (the first clique of each name listed), in the order listed. */
function groupsOf(pcs: Record<string, unknown>, leaveOut?: string): Group[] {
  const t = isRecord(pcs.spec) && isRecord(pcs.spec.template) ? pcs.spec.template : {};
  const cliques = cliquesOf(pcs);
  const groups = Array.isArray(t.podCliqueScalingGroups) ? t.podCliqueScalingGroups : [];
  return groups.flatMap((g, index) => {
    if (!isRecord(g) || typeof g.name !== 'string') return [];
    const members = strings(g.cliqueNames).flatMap((name): Member[] => {
      if (name === leaveOut) return [];
      const i = cliques.findIndex((c) => isRecord(c) && c.name === name);
      if (i < 0) return [];
      const c = cliques[i] as Record<string, unknown>;
      const replicas = isRecord(c.spec) && typeof c.spec.replicas === 'number' ? c.spec.replicas : null;
      return [{ name, index: i, replicas, wiring: serverWiring(c) }];
    });
    return [{ name: g.name, index, members }];
  });
}

/** The rank of each pod of a member, or null when it cannot be told. */
function podRanks(m: Member): number[] | null {
  const rank = m.wiring?.rank;
  if (!rank || m.replicas === null) return null;
  return Array.from({ length: m.replicas }, (_, pod) => (rank.kind === 'fixed' ? rank.value : pod + rank.offset));
}

/** The unique member whose every pod is rank 0 (the group's leader), or null. */
function leaderOf(members: readonly Member[]): Member | null {
  const leaders = members.filter((m) => m.wiring?.rank?.kind === 'fixed' && m.wiring.rank.value === 0);
  return leaders.length === 1 ? leaders[0]! : null;
}

const ranksText = (ranks: readonly number[]) => {
  const sorted = [...new Set(ranks)].sort((a, b) => a - b);
  const runs: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    runs.push(j === i ? `${sorted[i]}` : `${sorted[i]}–${sorted[j]}`);
    i = j + 1;
  }
  return `${sorted.length === 1 ? 'rank' : 'ranks'} ${runs.join(', ')}`;
};

const podRankScript = (offset: number) => (offset === 0 ? `$((${POD_INDEX}))` : `$((${POD_INDEX} + ${offset}))`);

/**
 * What the SGLang wiring of each scaling group gets wrong, as warnings on the clique (Grove accepts it;
 * the server does not start): a leader address that is not the group replica's rank-0 pod, pods of one
 * rank or past --nnodes, and (on the group) ranks no pod takes. Paths are JSON pointers into `pcs`.
 */
export function sglangFindings(pcs: Record<string, unknown>): Finding[] {
  const out: Finding[] = [];
  const cliquePointer = (m: Member, at: Path) => pointer(['spec', 'template', 'cliques', m.index, ...at]);
  for (const group of groupsOf(pcs)) {
    const servers = group.members.filter((m) => m.wiring);
    if (servers.length === 0) continue;
    const leader = leaderOf(servers);
    for (const m of servers) {
      const addr = m.wiring!.leader;
      if (!addr) continue;
      const target = group.members.find((x) => x.name === addr.clique);
      const targetRank = target ? podRanks(target)?.[addr.pod] : undefined;
      // Fine when it is a rank-0 pod; not judged when that pod's rank cannot be told.
      if (target && (targetRank === undefined || targetRank === 0)) continue;
      const where = target ? `${addr.clique}-${addr.pod}, whose node rank is ${targetRank}` : `pod ${addr.pod} of ${addr.clique}, which is not in scaling group ${group.name}`;
      out.push({
        path: cliquePointer(m, addr.value.item.at),
        rule: LEADER_ADDR_RULE,
        severity: 'warning',
        message: `${m.name}'s SGLang --dist-init-addr addresses ${where}: it must be this group replica's rank-0 pod${
          leader ? `, ${leader.name}-0 ($(${ENV.pcsgName})-$(${ENV.pcsgIndex})-${leader.name}-0.$(${ENV.headlessService}))` : ', and no clique of the group has --node-rank 0'
        }, or the server waits for a pod that never answers`,
      });
    }
    // Ranks: only judged when every server's rank and every member's replicas can be told.
    const ranks = servers.map((m) => podRanks(m));
    if (ranks.some((r) => r === null) || group.members.some((m) => m.replicas === null)) continue;
    const pods = group.members.reduce((n, m) => n + m.replicas!, 0);
    const counts = new Set(servers.map((m) => m.wiring!.nodes).filter((n) => n !== null).map((n) => (n === 'group' ? pods : n)));
    const nodes = counts.size === 1 ? [...counts][0]! : null;
    const fromGroup = nodes === pods && servers.some((m) => m.wiring!.nodes === 'group');
    const nodesText = `--nnodes ${nodes}${fromGroup ? ` ($(${GROUP_PODS}), the group's pods)` : ''}`;
    const ownRanks = nodes === null ? '' : nodes === 1 ? ': the one pod of a group replica needs rank 0' : `: each of the ${nodes} pods of a group replica needs a rank of its own, 0 to ${nodes - 1}`;
    const taken = new Map<number, string>();
    let misranked = false;
    // The rank after every other server's, for the clique to start from.
    const nextAfterOthers = (m: Member) => Math.max(-1, ...servers.flatMap((x, i) => (x === m ? [] : ranks[i]!))) + 1;
    servers.forEach((m, i) => {
      const mine = ranks[i]!;
      const clash: string[] = [];
      const clashing: number[] = [];
      mine.forEach((rank, pod) => {
        const owner = taken.get(rank);
        if (owner !== undefined) (clash.push(owner), clashing.push(rank));
        else taken.set(rank, `${m.name}-${pod}`);
      });
      const past = nodes === null ? [] : mine.filter((r) => r >= nodes);
      if (clash.length === 0 && past.length === 0) return;
      const problems = [
        ...(clash.length > 0 ? [`${ranksText(clashing)} ${clashing.length === 1 ? 'is' : 'are'} ${[...new Set(clash)].join(', ')}'s already`] : []),
        ...(past.length > 0 ? [`${ranksText(past)} ${past.length === 1 ? 'is' : 'are'} past ${nodesText}`] : []),
      ];
      const fix = m.wiring!.rank!.kind === 'podIndex' && m.wiring!.rankValue!.item.shell ? ` Its --node-rank could be "${podRankScript(nextAfterOthers(m))}".` : '';
      misranked = true;
      out.push({
        path: cliquePointer(m, m.wiring!.rankValue!.item.at),
        rule: NODE_RANK_RULE,
        severity: 'warning',
        message: `${m.name}'s pods take SGLang node ${ranksText(mine)} in scaling group ${group.name}, but ${problems.join('; ')}${ownRanks || ': each pod of a group replica needs a rank of its own'}, or the server never starts.${fix}`,
      });
    });
    // Pods of one rank or past the count leave ranks free too: said once, on the clique above.
    if (nodes === null || misranked) continue;
    const missing = Array.from({ length: nodes }, (_, r) => r).filter((r) => !taken.has(r));
    if (missing.length === 0) continue;
    out.push({
      path: pointer(['spec', 'template', 'podCliqueScalingGroups', group.index]),
      rule: NODE_COUNT_RULE,
      severity: 'warning',
      message: `scaling group ${group.name}: ${nodesText}, but no SGLang pod of it takes node ${ranksText(missing)}, so the server waits for ${missing.length === 1 ? 'it' : 'them'} and never starts${
        fromGroup && servers.length < group.members.length ? ` (the pods of ${group.members.filter((m) => !m.wiring).map((m) => m.name).join(', ')}, which run no SGLang server, count in it)` : ''
      }`,
    });
  }
  return out;
}

/** A change to a joining clique's wiring: the string at `at` (under the clique) becomes `value`. */
export interface WiringChange {
  at: Path;
  value: string;
}

/**
 * What a clique joining scaling group `group` must change to run in it as the group's own workers do:
 * --dist-init-addr's sibling address pointed at the group's leader (its one clique of --node-rank 0),
 * and a worker's --node-rank (`$((GROVE_PCLQ_POD_INDEX + k))` in its sh -c script) made to start after
 * the ranks the other members' pods take. `said` puts the changes in words. Nothing when the clique is
 * no SGLang server or the group's wiring cannot be told; sglangFindings then says what is wrong.
 */
export function wiringToJoin(pcs: Record<string, unknown>, clique: unknown, name: string, group: string): { changes: WiringChange[]; said: string[] } {
  const none = { changes: [], said: [] };
  const w = serverWiring(clique);
  const g = groupsOf(pcs, name).find((x) => x.name === group);
  if (!w || !g) return none;
  const servers = g.members.filter((m) => m.wiring);
  if (servers.length === 0) return none;
  const splices: { value: FlagValue; by: string }[] = [];
  const said: string[] = [];
  const leader = leaderOf(servers);
  const joinsAsWorker = w.rank?.kind === 'podIndex';
  if (leader && joinsAsWorker && w.leader && (w.leader.clique !== leader.name || w.leader.pod !== 0)) {
    const m = SIBLING.exec(w.leader.value.value)!;
    splices.push({ value: w.leader.value, by: `${m.groups!.head}${leader.name}-0${m.groups!.tail}` });
    said.push(`its leader address is ${leader.name}-0`);
  }
  const ranks = servers.map(podRanks);
  if (joinsAsWorker && w.rankValue!.item.shell && ranks.every((r) => r !== null)) {
    const next = Math.max(-1, ...(ranks as number[][]).flat()) + 1;
    if ((w.rank as Extract<NodeRank, { kind: 'podIndex' }>).offset !== next) {
      splices.push({ value: w.rankValue!, by: podRankScript(next) });
      said.push(`its pods take node ranks from ${next}, after ${servers.map((m) => m.name).join(', ')}'s`);
    }
  }
  // One string may hold both (a script): each string is written once, its values replaced from the end.
  const changes: WiringChange[] = [];
  for (const { value } of splices) {
    const key = pointer([...value.item.at]);
    if (changes.some((c) => pointer([...c.at]) === key)) continue;
    const mine = splices.filter((x) => pointer([...x.value.item.at]) === key).sort((a, b) => b.value.start - a.value.start);
    changes.push({ at: value.item.at, value: mine.reduce((text, x) => text.slice(0, x.value.start) + x.by + text.slice(x.value.end), value.item.text) });
  }
  return { changes, said };
}
