/**
 * Graph edits as pure functions text → text. Each reads the file, changes the PodCliqueSet
 * document in place (see document.ts) and writes it back, or refuses with a message and leaves
 * the text alone.
 */
import { isMap, isScalar, isSeq, type Document, type Node, type YAMLSeq } from 'yaml';
import { dns1123LabelError, isRecord } from '../grove/meta';
import { podCliqueName, podHostname, scalingGroupPodCliqueName } from '../grove/naming';
import { STARTUP_EXPLICIT, STARTUP_IN_ORDER } from '../grove/podcliqueset';
import { CONTAINER_LISTS, containerPath, containersOf, jsonPath, type ContainerList } from './containers';
import { deleteListItems, ensureSeq, pcsDocument, readBuilderText, setOrDelete, writeEdited, writeValue, type Path } from './document';
import { cliqueOfRef, cycleAmong, cycleThrough, edgesOnceExplicit, graphFromObject, type BuilderGraph, type CliqueNode, type RoleKind, type SharingNode } from './graph';
import { wiringToJoin } from '../grove/sglang';
import { cliqueForKind, type Flavour } from './templates';

export type EditResult =
  | {
      ok: true;
      text: string;
      note?: string;
      /** What the edit changed besides what was asked, in words: a clique joining a group rewired as its members are (wiringToJoin). */
      rewired?: string;
    }
  | { ok: false; message: string };

const TEMPLATE = ['spec', 'template'] as const;
const CLIQUES: Path = [...TEMPLATE, 'cliques'];
const GROUPS: Path = [...TEMPLATE, 'podCliqueScalingGroups'];

interface EditContext {
  d: Document;
  graph: BuilderGraph;
  /** The PodCliqueSet as data, before this edit. */
  object: Record<string, unknown>;
}

/** Runs `fn` on the PodCliqueSet document of `text`; `fn` returns a refusal message or a note (and what it rewired). */
function edit(text: string, fn: (ctx: EditContext) => { refuse: string } | { note?: string; rewired?: string } | void): EditResult {
  const read = readBuilderText(text);
  if (!read.ok) return { ok: false, message: `the YAML cannot be edited from the canvas until it is fixed: ${read.message}${read.line ? ` (line ${read.line}:${read.column})` : ''}` };
  if (read.editRefusal) return { ok: false, message: read.editRefusal };
  const d = pcsDocument(read.doc);
  let outcome: ReturnType<typeof fn> | undefined;
  let written: string;
  try {
    const ran: { outcome?: ReturnType<typeof fn> } = {};
    written = writeEdited(read.doc, text, () => {
      ran.outcome = fn({ d, graph: graphFromObject(read.object), object: read.object });
    });
    outcome = ran.outcome;
    if (outcome && 'refuse' in outcome) return { ok: false, message: outcome.refuse };
  } catch (e) {
    // A shape the edit cannot go through (e.g. a scalar where a map is needed), or a document that
    // cannot be written back: refused with the reason, never a silent no-op that leaves the typed
    // value on screen and not in the YAML, nor an exception in the page.
    return { ok: false, message: `this edit cannot be made to the YAML as written: ${(e as Error).message}` };
  }
  return { ok: true, text: written, ...(outcome?.note ? { note: outcome.note } : {}), ...(outcome?.rewired ? { rewired: outcome.rewired } : {}) };
}

/** A list of objects written block style (`cliques: []` from a blank stack would otherwise keep every new clique on flow style). */
function blockSeq(d: Document, path: Path): YAMLSeq {
  const seq = ensureSeq(d, path);
  seq.flow = false;
  return seq;
}

function seqAt(d: Document, path: Path): YAMLSeq | null {
  const n = d.getIn(path, true) as Node | undefined;
  return isSeq(n) ? n : null;
}

function scalarStrings(seq: YAMLSeq | null): string[] {
  return (seq?.items ?? []).map((i) => (isScalar(i) ? String(i.value) : ''));
}

/** Removes every scalar item equal to `value` from the sequence at `path`; deletes the key when emptied and `dropEmpty`. */
function removeFromList(d: Document, path: Path, value: string, dropEmpty: boolean): boolean {
  const seq = seqAt(d, path);
  if (!seq) return false;
  const before = seq.items.length;
  seq.items = seq.items.filter((i) => !(isScalar(i) && i.value === value));
  if (dropEmpty && seq.items.length === 0) setOrDelete(d, path, undefined);
  return seq.items.length !== before;
}

function renameInList(d: Document, path: Path, from: string, to: string): void {
  for (const item of seqAt(d, path)?.items ?? []) if (isScalar(item) && item.value === from) item.value = to;
}

export function uniqueName(base: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  if (!used.has(base)) return base;
  for (let i = 2; ; i++) if (!used.has(`${base}-${i}`)) return `${base}-${i}`;
}

function allNames(g: BuilderGraph): string[] {
  return [...g.cliques.map((c) => c.name), ...g.groups.map((x) => x.name)];
}

function nameError(name: string, g: BuilderGraph, except?: string): string | null {
  const invalid = dns1123LabelError(name);
  if (invalid) return `"${name}" is not a valid name: it ${invalid}`;
  if (name !== except && allNames(g).includes(name)) return `"${name}" is already taken by another clique or scaling group`;
  return null;
}

/** Whether another clique has this one's name (Grove refuses that; the YAML can say it meanwhile). */
function nameShared(g: BuilderGraph, c: CliqueNode): boolean {
  return g.cliques.some((o) => o !== c && o.name === c.name);
}

export interface AddCliqueOptions {
  kind: RoleKind;
  flavour?: Flavour;
  name?: string;
  group?: string | null;
}

/**
 * Adds a clique of a role kind with that kind's defaults; returns its (unique) name in `note`. Added
 * into a group, an SGLang worker is wired as the group's own workers are (joinGroupWiring), said in `rewired`.
 */
export function addClique(text: string, options: AddCliqueOptions): EditResult {
  return edit(text, ({ d, graph, object }) => {
    const template = cliqueForKind(options.kind, options.flavour ?? 'vllm', stackScheduler(object));
    const name = options.name ?? uniqueName(template.name, allNames(graph));
    const bad = nameError(name, graph);
    if (bad) return { refuse: bad };
    const roleName = uniqueName(template.spec.roleName, graph.cliques.map((c) => c.roleName));
    const clique = { ...template, name, spec: { ...template.spec, roleName } };
    const cliques = blockSeq(d, CLIQUES);
    cliques.items.push(d.createNode(clique) as Node);
    if (options.group) {
      const refused = addToGroup(d, graph, name, options.group);
      if (refused) return { refuse: refused };
      return { note: name, rewired: joinGroupWiring(d, object, cliques.items.length - 1, clique, name, options.group) };
    }
    return { note: name };
  });
}

/**
 * Rewires the SGLang server of the clique at `index` (its data `clique`, named `name`) for the scaling
 * group it has joined, as wiringToJoin says (leader address, node rank); the change in words, or undefined.
 */
function joinGroupWiring(d: Document, object: Record<string, unknown>, index: number, clique: unknown, name: string, group: string): string | undefined {
  const { changes, said } = wiringToJoin(object, clique, name, group);
  for (const c of changes) setOrDelete(d, cliquePath(index, ...c.at), c.value);
  return said.length > 0 ? `its SGLang wiring follows ${group}'s: ${said.join('; ')}` : undefined;
}

/**
 * The schedulerName every clique of the stack sets, for a clique added to it (Grove wants one
 * scheduler per PodCliqueSet); undefined when they set none (the default profile) or disagree. The
 * KAI queue is not copied: KAI reads it from the PodCliqueSet or any clique, so the stack's one serves.
 */
function stackScheduler(object: Record<string, unknown>): string | undefined {
  const cliques = templateOf(object).cliques;
  const names = new Set((Array.isArray(cliques) ? cliques : []).map((c) => (isRecord(c) && isRecord(c.spec) && isRecord(c.spec.podSpec) && typeof c.spec.podSpec.schedulerName === 'string' ? c.spec.podSpec.schedulerName : '')));
  const [only] = names;
  return names.size === 1 && only ? only : undefined;
}

/** What Ctrl+C holds, as plain data: scaling groups copied whole, and cliques (a copied group's members among them). */
export interface BuilderClipboard {
  cliques: unknown[];
  groups: unknown[];
  /** The text they were copied from: the copies are made of its YAML nodes, so they keep flow style and comments. */
  source?: string;
}

/** A pasted copy's name and the name of what it was copied from. */
export interface Pasted {
  name: string;
  from: string;
}

export type PasteResult =
  | {
      ok: true;
      text: string;
      note?: string;
      cliques: Pasted[];
      groups: Pasted[];
      /** Env values of the copies changed to address the copies' pods (`pleader-2's LEADER_ADDR`), see addressPattern. */
      readdressed: string[];
    }
  | { ok: false; message: string };

const namedRecords = (list: readonly unknown[]): (Record<string, unknown> & { name: string })[] =>
  list.filter((x): x is Record<string, unknown> & { name: string } => isRecord(x) && typeof x.name === 'string');

/** Names of `list` mapped through `renames`; names with no copy are dropped. */
function renamedNames(list: unknown, renames: ReadonlyMap<string, string>): string[] {
  return (Array.isArray(list) ? list : []).flatMap((n) => (typeof n === 'string' && renames.has(n) ? [renames.get(n)!] : []));
}

/** A copied clique, renamed: its own roleName (made unique), startsAfter remapped to the copies (or kept, naming a clique that stays). */
function cliqueCopy(c: Record<string, unknown>, name: string, renames: ReadonlyMap<string, string>, existing: ReadonlySet<string>, roles: string[]): Record<string, unknown> {
  const copy = structuredClone(c) as Record<string, unknown> & { spec?: Record<string, unknown> };
  copy.name = name;
  if (isRecord(copy.spec)) {
    if (typeof copy.spec.roleName === 'string') {
      copy.spec.roleName = uniqueName(copy.spec.roleName, roles);
      roles.push(copy.spec.roleName as string);
    }
    if (Array.isArray(copy.spec.startsAfter)) {
      const after = (copy.spec.startsAfter as unknown[])
        .filter((s): s is string => typeof s === 'string')
        .map((s) => renames.get(s) ?? (existing.has(s) ? s : null))
        .filter((s): s is string => s !== null);
      if (after.length > 0) copy.spec.startsAfter = after;
      else delete copy.spec.startsAfter;
    }
  }
  return copy;
}

/**
 * A copied scaling group, renamed, holding the copies of its members (replicas, minAvailable,
 * topologyConstraint and the rest kept); its resourceSharing filters name the copies, and an entry
 * left naming none goes (an empty filter is invalid).
 */
function groupCopy(g: Record<string, unknown>, name: string, renames: ReadonlyMap<string, string>): Record<string, unknown> {
  const copy = structuredClone(g);
  copy.name = name;
  copy.cliqueNames = renamedNames(g.cliqueNames, renames);
  if (Array.isArray(copy.resourceSharing)) {
    copy.resourceSharing = copy.resourceSharing.flatMap((r: unknown) => {
      if (!isRecord(r) || !isRecord(r.filter)) return [r];
      const named = Array.isArray(r.filter.childCliqueNames) ? r.filter.childCliqueNames.length : 0;
      const kept = renamedNames(r.filter.childCliqueNames, renames);
      if (named > 0 && kept.length === 0) return [];
      return [{ ...r, filter: { ...r.filter, ...(named > 0 ? { childCliqueNames: kept } : {}) } }];
    });
    if ((copy.resourceSharing as unknown[]).length === 0) delete copy.resourceSharing;
  }
  return copy;
}

/**
 * Pastes a clipboard (from copySelection): every clique and group renamed to be unique, each group
 * holding the copies of its members; startsAfter kept only between pasted or existing cliques.
 * `note` lists the pasted cliques' names.
 */
export function pasteClipboard(text: string, clip: BuilderClipboard): PasteResult {
  const pastedCliques: Pasted[] = [];
  const pastedGroups: Pasted[] = [];
  const readdressed: string[] = [];
  const r = edit(text, ({ d, graph, object }) => {
    const cliques = namedRecords(clip.cliques);
    const groups = namedRecords(clip.groups);
    const taken = allNames(graph);
    const renames = new Map<string, string>();
    for (const c of cliques) if (!renames.has(c.name)) renames.set(c.name, uniqueName(c.name, [...taken, ...renames.values()]));
    const groupRenames = new Map<string, string>();
    for (const g of groups) if (!groupRenames.has(g.name)) groupRenames.set(g.name, uniqueName(g.name, [...taken, ...renames.values(), ...groupRenames.values()]));
    const roles = graph.cliques.map((c) => c.roleName);
    const existing = new Set(graph.cliques.map((c) => c.name));
    const cliqueSeq = blockSeq(d, CLIQUES);
    const sourceNodes = clipboardNodes(clip.source);
    const firstCopy = cliqueSeq.items.length;
    for (const [from, name] of renames) {
      const c = cliques.find((x) => x.name === from)!;
      cliqueSeq.items.push(copyNode(d, sourceNodes?.cliques.get(from), cliqueCopy(c, name, renames, existing, roles)));
      pastedCliques.push({ name, from });
    }
    const copies = pastedCliques.map((_, i) => firstCopy + i);
    // A copy's pods live in the copy of its group (a clique copied loose, in none): written-out hostnames name that group.
    const copiedGroupOf = new Map<string, string>();
    for (const g of groups) for (const member of renamedNames(g.cliqueNames, renames)) if (!copiedGroupOf.has(member)) copiedGroupOf.set(member, groupRenames.get(g.name)!);
    const pattern = addressPattern(object, [...graph.groups.map((g) => g.name), ...groups.map((g) => g.name)]);
    const addresses = renameAddresses(d, copies, pattern, renames, (clique) => copiedGroupOf.get(clique) ?? null);
    if (groupRenames.size > 0) {
      const groupSeq = blockSeq(d, GROUPS);
      for (const [from, name] of groupRenames) {
        const node = copyNode(d, sourceNodes?.groups.get(from), groupCopy(groups.find((x) => x.name === from)!, name, renames));
        // The members are listed in the style of the original's list when it is still in the file (`[a, b]` stays flow).
        const original = graph.groups.find((x) => x.name === from);
        const members = isMap(node) ? node.get('cliqueNames', true) : undefined;
        if (original && isSeq(members) && seqAt(d, [...GROUPS, original.index, 'cliqueNames'])?.flow) members.flow = true;
        groupSeq.items.push(node);
        pastedGroups.push({ name, from });
      }
    }
    readdressed.push(...addresses);
    return { note: pastedCliques.map((p) => p.name).join(', ') };
  });
  return r.ok ? { ...r, cliques: pastedCliques, groups: pastedGroups, readdressed } : r;
}

/** The YAML nodes of the cliques and groups of a copied text, by name; null when it cannot be read or shares nodes. */
function clipboardNodes(source: string | undefined): { cliques: Map<string, Node>; groups: Map<string, Node> } | null {
  if (source === undefined) return null;
  const read = readBuilderText(source);
  if (!read.ok || read.editRefusal) return null;
  const d = pcsDocument(read.doc);
  const byName = (path: Path) => new Map((seqAt(d, path)?.items ?? []).flatMap((n) => (isMap(n) && typeof n.get('name') === 'string' ? [[n.get('name') as string, n as Node] as const] : [])));
  return { cliques: byName(CLIQUES), groups: byName(GROUPS) };
}

/**
 * A pasted item: a clone of the copied YAML node (its flow maps and comments kept) with the copy's
 * data written into it, or a new node from the data when the original is not at hand. The heading
 * comment above the original stays with the original's section.
 */
function copyNode(d: Document, original: Node | undefined, data: Record<string, unknown>): Node {
  if (!original) return d.createNode(data) as Node;
  const clone = original.clone() as Node;
  clone.commentBefore = undefined;
  clone.spaceBefore = undefined;
  return writeValue(d, clone, data);
}

/** Pastes copies of clique objects (from copyCliques), renamed to be unique; startsAfter kept only between pasted or existing cliques. */
export function pasteCliques(text: string, cliques: readonly unknown[]): EditResult {
  const r = pasteClipboard(text, { cliques: [...cliques], groups: [] });
  return r.ok ? { ok: true, text: r.text, ...(r.note ? { note: r.note } : {}) } : r;
}

function templateOf(object: Record<string, unknown>): Record<string, unknown> {
  return isRecord(object.spec) && isRecord(object.spec.template) ? object.spec.template : {};
}

function cliquesOf(object: Record<string, unknown>): unknown[] {
  const cliques = templateOf(object).cliques;
  return Array.isArray(cliques) ? cliques : [];
}

/** The clique objects named, as plain data, for the clipboard. */
export function copyCliques(text: string, names: readonly string[]): unknown[] {
  const read = readBuilderText(text);
  if (!read.ok) return [];
  const t = templateOf(read.object);
  return (Array.isArray(t.cliques) ? t.cliques : []).filter((c) => isRecord(c) && names.includes(String(c.name)));
}

/** The selection as plain data for the clipboard: selected groups whole, with their members, and the selected cliques (by ref; each once). */
export function copySelection(text: string, sel: Selection): BuilderClipboard {
  const read = readBuilderText(text);
  if (!read.ok) return { cliques: [], groups: [] };
  const t = templateOf(read.object);
  const groups = (Array.isArray(t.podCliqueScalingGroups) ? t.podCliqueScalingGroups : []).filter((g) => isRecord(g) && sel.groups.includes(String(g.name)));
  const members = groups.flatMap((g) => (isRecord(g) && Array.isArray(g.cliqueNames) ? g.cliqueNames.map(String) : []));
  // By index: of two cliques of one name, the one selected.
  const picked = new Set(graphFromObject(read.object).cliques.filter((c) => sel.cliques.includes(c.ref) || members.includes(c.name)).map((c) => c.index));
  return { cliques: (Array.isArray(t.cliques) ? t.cliques : []).filter((_, i) => picked.has(i)), groups, source: text };
}

/** Adds an (empty) scaling group; returns its name in `note`. */
export function addGroup(text: string, name?: string): EditResult {
  return edit(text, ({ d, graph }) => {
    const n = name ?? uniqueName('group', allNames(graph));
    const bad = nameError(n, graph);
    if (bad) return { refuse: bad };
    const node = d.createNode({ name: n, cliqueNames: [], replicas: 1, minAvailable: 1 }) as Node;
    blockSeq(d, GROUPS).items.push(node);
    return { note: n };
  });
}

function addToGroup(d: Document, graph: BuilderGraph, clique: string, group: string): string | null {
  const target = graph.groups.find((g) => g.name === group);
  if (!target) return `there is no scaling group "${group}"`;
  const seq = ensureSeq(d, [...GROUPS, target.index, 'cliqueNames']);
  // The list keeps the style it is written in (`[prefill, decode]` stays flow); an empty `[]` gets block style.
  if (seq.items.length === 0) seq.flow = false;
  if (!scalarStrings(seq).includes(clique)) seq.items.push(d.createNode(clique) as Node);
  return null;
}

/**
 * Puts the clique `ref` (CliqueNode.ref: its name, unless an earlier clique has it) into a scaling group,
 * or takes it out with `group` null. Refused for a clique whose name another has: groups list names, so
 * the other would move too. An SGLang worker joining a group is wired as the group's own workers are
 * (joinGroupWiring), said in `rewired`; one leaving keeps its wiring (sglangFindings says what is off).
 */
export function moveIntoGroup(text: string, ref: string, group: string | null): EditResult {
  return edit(text, ({ d, graph, object }) => {
    const c = cliqueOfRef(graph, ref);
    if (!c) return { refuse: `there is no clique "${ref}"` };
    if (c.group === group) return;
    if (nameShared(graph, c)) return { refuse: `another clique is named "${c.name}" too, and scaling groups list cliques by name: rename one of them first` };
    const clique = c.name;
    for (const g of graph.groups) if (g.cliqueNames.includes(clique)) removeFromList(d, [...GROUPS, g.index, 'cliqueNames'], clique, false);
    if (group) {
      const bad = addToGroup(d, graph, clique, group);
      if (bad) return { refuse: bad };
      const rewired = joinGroupWiring(d, object, c.index, cliquesOf(object)[c.index], clique, group);
      return { note: `${clique} joined ${group}`, ...(rewired ? { rewired } : {}) };
    }
    return { note: `${clique} left ${c.group}` };
  });
}

/**
 * The clique `toRef` starts after `fromRef` (CliqueNode.ref: a clique's name, unless an earlier clique
 * has it; startsAfter names the clique, so `from` is written by name). Refuses a cycle; switches the
 * startup type to Explicit when it was not (startsAfter is only honoured then), and says so in `note`.
 * The cycle check is over the edges that hold once Explicit (edgesOnceExplicit): under InOrder its
 * sequence, which is written out as startsAfter (the entries InOrder ignored are dropped); under
 * AnyOrder every startsAfter entry already written, which the switch starts honouring.
 */
export function addStartsAfter(text: string, fromRef: string, toRef: string): EditResult {
  return edit(text, ({ d, graph }) => {
    const target = cliqueOfRef(graph, toRef);
    const source = cliqueOfRef(graph, fromRef);
    if (!target || !source) return { refuse: `both ends must be cliques (${fromRef} → ${toRef})` };
    const [from, to] = [source.name, target.name];
    const inOrder = graph.startupType === STARTUP_IN_ORDER;
    const switching = graph.startupType !== STARTUP_EXPLICIT;
    const edges = edgesOnceExplicit(graph);
    // What this very clique starts after once Explicit: its entries, or under InOrder the clique before it.
    const before = inOrder ? graph.cliques[graph.cliques.indexOf(target) - 1]?.name : undefined;
    if (inOrder ? before === from : target.startsAfter.includes(from)) return { refuse: `${to} already starts after ${from}` };
    const existing = switching && !inOrder ? cycleAmong(edges) : null;
    if (existing) {
      return {
        refuse: `refused: a startsAfter needs startup type ${STARTUP_EXPLICIT}, which would honour the startsAfter entries already written, and they form a cycle — ${existing.join(' starts after ')}; remove one of them first`,
      };
    }
    const chain = cycleThrough(edges, from, to);
    if (chain) {
      return {
        refuse:
          chain.length === 1
            ? `a clique cannot start after itself (${from})`
            : `refused: that would be a cycle — ${chain.join(' starts after ')}, so ${to} cannot also start after ${from}`,
      };
    }
    if (inOrder) {
      // The sequence written out: each clique after the one listed before it.
      graph.cliques.forEach((c, i) => setOrDelete(d, [...CLIQUES, c.index, 'spec', 'startsAfter'], i === 0 ? undefined : [graph.cliques[i - 1]!.name]));
    }
    const seq = ensureSeq(d, [...CLIQUES, target.index, 'spec', 'startsAfter']);
    seq.items.push(d.createNode(from) as Node);
    if (switching) {
      setOrDelete(d, [...TEMPLATE, 'cliqueStartupType'], STARTUP_EXPLICIT);
      const kept = inOrder && edges.length > 0 ? '; the in-order sequence is kept as startsAfter' : '';
      return { note: `startup type switched to ${STARTUP_EXPLICIT} (startsAfter is honoured only then)${kept}` };
    }
  });
}

/**
 * Removes `from` (a clique name, or ref) from the startsAfter of the clique `toRef` (CliqueNode.ref);
 * refuses an edge with no startsAfter entry behind it (InOrder's sequence).
 */
export function removeStartsAfter(text: string, fromRef: string, toRef: string): EditResult {
  return edit(text, ({ d, graph }) => {
    const target = cliqueOfRef(graph, toRef);
    if (!target) return { refuse: `there is no clique "${toRef}"` };
    const from = cliqueOfRef(graph, fromRef)?.name ?? fromRef;
    const to = target.name;
    const path = [...CLIQUES, target.index, 'spec', 'startsAfter'];
    if (!removeFromList(d, path, from, true)) {
      const implied = graph.edges.some((e) => e.kind === 'implied' && e.from === from && e.toRef === target.ref);
      return {
        refuse: implied
          ? `${to} starts after ${from} because ${STARTUP_IN_ORDER} follows the order of ${jsonPath(CLIQUES)}: change that order, or the startup type, in the YAML pane`
          : `${jsonPath(path)} does not name ${from}`,
      };
    }
  });
}

/**
 * Renames the clique `ref` (CliqueNode.ref: its name, unless an earlier clique has it) and every
 * reference to it (startsAfter, scaling-group members, resourceSharing filters, and its pods' addresses
 * in env values, command and args, see renameAddresses); `note` says which of them changed. Of two cliques of one name
 * only the one renamed changes: the references name the other, which keeps the name.
 */
export function renameClique(text: string, ref: string, to: string): EditResult {
  return edit(text, ({ d, graph, object }) => {
    const c = cliqueOfRef(graph, ref);
    if (!c) return { refuse: `there is no clique "${ref}"` };
    const from = c.name;
    if (from === to) return;
    const bad = nameError(to, graph, from);
    if (bad) return { refuse: bad };
    setOrDelete(d, [...CLIQUES, c.index, 'name'], to);
    if (nameShared(graph, c)) return;
    for (const other of graph.cliques) renameInList(d, [...CLIQUES, other.index, 'spec', 'startsAfter'], from, to);
    for (const g of graph.groups) {
      renameInList(d, [...GROUPS, g.index, 'cliqueNames'], from, to);
      forEachSharing(d, [...GROUPS, g.index, 'resourceSharing'], (p) => renameInList(d, [...p, 'filter', 'childCliqueNames'], from, to));
    }
    forEachSharing(d, [...TEMPLATE, 'resourceSharing'], (p) => renameInList(d, [...p, 'filter', 'childCliqueNames'], from, to));
    const changed = renameAddresses(d, graph.cliques.map((x) => x.index), addressPattern(object, graph.groups.map((g) => g.name)), new Map([[from, to]]), () => c.group);
    if (changed.length > 0) return { note: `${from} renamed to ${to}; its pods' addresses updated in ${changed.join(', ')}` };
  });
}

/**
 * Where an env value (or a command or args item) addresses a clique's pod: Grove's sibling address
 * `$(GROVE_PCSG_NAME)-$(GROVE_PCSG_INDEX)-<clique>-<podIndex>` (or through `$(GROVE_PCS_NAME)-$(GROVE_PCS_INDEX)`),
 * or the pod's hostname written out, `<pcs>-<i>-[<group>-<j>-]<clique>-<podIndex>` (naming.ts), the
 * group one of `groups`. Only these: a clique name elsewhere in a value (`decode-worker` when `worker`
 * is renamed, a model name) is not one. Named groups: `sibling` (the clique of a sibling address), or
 * `pcs`, `pcsIndex`, `group`, `groupIndex`, `clique`, `pod` of a written hostname.
 */
function addressPattern(object: Record<string, unknown>, groups: readonly string[]): (names: readonly string[]) => RegExp {
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const meta = isRecord(object.metadata) ? object.metadata : {};
  const pcs = typeof meta.name === 'string' && meta.name ? esc(meta.name) : null;
  const groupNames = [...new Set(groups)].map(esc).join('|');
  return (names) => {
    const cliques = names.map(esc).join('|');
    const groupPart = groupNames ? `(?:(?<group>${groupNames})-(?<groupIndex>\\d+)-)?` : '';
    const written = pcs ? `|(?<![a-z0-9.-])(?<pcs>${pcs})-(?<pcsIndex>\\d+)-${groupPart}(?<clique>${cliques})-(?<pod>\\d+)(?![a-z0-9-])` : '';
    return new RegExp(`\\)-(?<sibling>${cliques})(?=-\\d+(?![a-z0-9-]))${written}`, 'g');
  };
}

/**
 * Renames clique names (`renames`) where env values, command and args of the cliques at `indices` address their pods
 * (see addressPattern); a written-out hostname is made anew (naming.ts) with the group `groupOf` the
 * renamed clique is in after the edit (none: a standalone clique's hostname). Returns where values
 * changed, as `clique's VAR` (or `clique's args`).
 */
function renameAddresses(
  d: Document,
  indices: readonly number[],
  pattern: (names: readonly string[]) => RegExp,
  renames: ReadonlyMap<string, string>,
  groupOf: (clique: string) => string | null,
): string[] {
  if (renames.size === 0) return [];
  const re = pattern([...renames.keys()]);
  const readdress = (...args: unknown[]): string => {
    const m = args.at(-1) as Record<string, string | undefined>;
    if (m.sibling !== undefined) return `)-${renames.get(m.sibling) ?? m.sibling}`;
    const clique = renames.get(m.clique!) ?? m.clique!;
    const group = m.group === undefined ? null : groupOf(clique);
    const pcsIndex = Number(m.pcsIndex);
    const podClique = group === null ? podCliqueName(m.pcs!, pcsIndex, clique) : scalingGroupPodCliqueName(m.pcs!, pcsIndex, group, Number(m.groupIndex), clique);
    return podHostname(podClique, Number(m.pod));
  };
  const changed: string[] = [];
  const rewrite = (value: unknown): boolean => {
    if (!isScalar(value) || typeof value.value !== 'string') return false;
    const next = value.value.replace(re, readdress);
    if (next === value.value) return false;
    value.value = next;
    return true;
  };
  for (const i of indices) {
    const clique = () => String(d.getIn(cliquePath(i, 'name')));
    for (const list of CONTAINER_LISTS) {
      seqAt(d, cliquePath(i, 'spec', 'podSpec', list))?.items.forEach((container) => {
        if (!isMap(container)) return;
        const env = container.get('env', true);
        if (isSeq(env)) for (const item of env.items) if (isMap(item) && rewrite(item.get('value', true))) changed.push(`${clique()}'s ${String(item.get('name'))}`);
        // An address in command or args ($(VAR) there is expanded from the whole env, Grove's included).
        for (const field of ['command', 'args'] as const) {
          const items = container.get(field, true);
          if (!isSeq(items)) continue;
          let any = false;
          for (const item of items.items) any = rewrite(item) || any;
          if (any) changed.push(`${clique()}'s ${field}`);
        }
      });
    }
  }
  return changed;
}

/**
 * Renames a scaling group, its references in resourceSharing filters, and the group part of its
 * members' pod hostnames written out in env values, command and args (see renameAddresses); `note` says which of them changed.
 */
export function renameGroup(text: string, from: string, to: string): EditResult {
  return edit(text, ({ d, graph, object }) => {
    const g = graph.groups.find((x) => x.name === from);
    if (!g) return { refuse: `there is no scaling group "${from}"` };
    if (from === to) return;
    const bad = nameError(to, graph, from);
    if (bad) return { refuse: bad };
    setOrDelete(d, [...GROUPS, g.index, 'name'], to);
    forEachSharing(d, [...TEMPLATE, 'resourceSharing'], (p) => renameInList(d, [...p, 'filter', 'childScalingGroupNames'], from, to));
    // The members keep their names: only hostnames written through `from` are made anew, through `to`.
    const members = new Map(g.cliqueNames.map((c) => [c, c]));
    const changed = renameAddresses(d, graph.cliques.map((x) => x.index), addressPattern(object, [from]), members, () => to);
    if (changed.length > 0) return { note: `${from} renamed to ${to}; its pods' addresses updated in ${changed.join(', ')}` };
  });
}

function forEachSharing(d: Document, path: Path, fn: (itemPath: Path) => void): void {
  const seq = seqAt(d, path);
  seq?.items.forEach((item, i) => {
    if (isMap(item)) fn([...path, i]);
  });
}

export interface Selection {
  /** Clique refs (CliqueNode.ref: a clique's name, unless an earlier clique has it). */
  cliques: readonly string[];
  groups: readonly string[];
}

/**
 * The cliques a selection deletes: those selected (by ref), and every clique of a selected group's
 * members' names; and the names no clique has once they go (what references to them are removed for).
 */
function doomedBy(graph: BuilderGraph, sel: Selection): { cliques: CliqueNode[]; names: Set<string> } {
  const members = new Set(sel.groups.flatMap((gName) => graph.groups.find((g) => g.name === gName)?.cliqueNames ?? []));
  const cliques = graph.cliques.filter((c) => sel.cliques.includes(c.ref) || members.has(c.name));
  const kept = new Set(graph.cliques.filter((c) => !cliques.includes(c)).map((c) => c.name));
  // A member name listed with no clique of it goes from the lists too, as before.
  return { cliques, names: new Set([...cliques.map((c) => c.name), ...members].filter((n) => !kept.has(n))) };
}

/** What deleting a selection takes with it, in words, for the confirmation. */
export function deletionConsequences(graph: BuilderGraph, sel: Selection): string[] {
  const out: string[] = [];
  const { cliques: doomedCliques, names: goneNames } = doomedBy(graph, sel);
  for (const gName of sel.groups) {
    const g = graph.groups.find((x) => x.name === gName);
    if (g) out.push(`scaling group ${g.name}`);
  }
  for (const c of doomedCliques) out.push(`clique ${c.name}`);
  const doomedRefs = new Set(doomedCliques.map((c) => c.ref));
  for (const e of graph.edges) {
    // An implied (InOrder) edge is no startsAfter entry: nothing of it is deleted, the sequence closes up.
    if (e.kind === 'implied') continue;
    // It goes with the clique whose entry it is, or with the name it names; said unless both its ends go.
    const goes = doomedRefs.has(e.toRef) || goneNames.has(e.from);
    if (goes && !(doomedRefs.has(e.toRef) && doomedRefs.has(e.fromRef))) out.push(`startup edge: ${e.to} starts after ${e.from}`);
  }
  for (const g of graph.groups) {
    if (sel.groups.includes(g.name)) continue;
    const left = g.cliqueNames.filter((c) => !goneNames.has(c));
    if (left.length < g.cliqueNames.length && left.length === 0) out.push(`scaling group ${g.name} is left with no cliques`);
  }
  for (const r of sharingLosingAllChildren(graph, goneNames, new Set(sel.groups))) {
    out.push(`resourceSharing ${r.name}${r.group ? ` of scaling group ${r.group}` : ''} loses its last child and is removed (an empty filter is invalid)`);
  }
  return out;
}

/** The resourceSharing entries (outside doomed groups) whose filter names only what is deleted. */
function sharingLosingAllChildren(graph: BuilderGraph, doomedCliques: ReadonlySet<string>, doomedGroups: ReadonlySet<string>): SharingNode[] {
  return graph.resourceSharing.filter((r) => {
    if (r.group !== null && doomedGroups.has(r.group)) return false;
    const named = r.childCliqueNames.length + r.childScalingGroupNames.length;
    const left = r.childCliqueNames.filter((c) => !doomedCliques.has(c)).length + r.childScalingGroupNames.filter((g) => !doomedGroups.has(g)).length;
    return r.filtered && named > 0 && left === 0;
  });
}

/** Path of a resourceSharing list: the stack's, or a scaling group's. */
function sharingListPath(graph: BuilderGraph, group: string | null): Path | null {
  if (group === null) return [...TEMPLATE, 'resourceSharing'];
  const g = graph.groups.find((x) => x.name === group);
  return g ? [...GROUPS, g.index, 'resourceSharing'] : null;
}

/**
 * Deletes cliques (by ref) and scaling groups (with their member cliques) and every reference to what
 * went (startsAfter, group members, resourceSharing filters): of two cliques of one name, deleting one
 * leaves the references, which name the other.
 */
export function deleteSelection(text: string, sel: Selection): EditResult {
  return edit(text, ({ d, graph }) => {
    const doomed = doomedBy(graph, sel);
    const goneNames = doomed.names;
    const doomedGroups = new Set(sel.groups);
    for (const c of graph.cliques) {
      if (doomed.cliques.includes(c)) continue;
      for (const gone of c.startsAfter.filter((s) => goneNames.has(s))) removeFromList(d, [...CLIQUES, c.index, 'spec', 'startsAfter'], gone, true);
    }
    for (const g of graph.groups) {
      if (doomedGroups.has(g.name)) continue;
      for (const gone of g.cliqueNames.filter((c) => goneNames.has(c))) removeFromList(d, [...GROUPS, g.index, 'cliqueNames'], gone, false);
    }
    // A filter left naming nothing is invalid (and without it the claim would go to every child), so
    // an entry that loses all its children goes; the others lose the names of what was deleted.
    const emptied = new Set(sharingLosingAllChildren(graph, goneNames, doomedGroups));
    for (const r of [...graph.resourceSharing].reverse()) {
      const list = sharingListPath(graph, r.group);
      if (!list || (r.group !== null && doomedGroups.has(r.group))) continue;
      if (emptied.has(r)) {
        deleteListItems(seqAt(d, list), new Set([r.index]));
        if (seqAt(d, list)?.items.length === 0) setOrDelete(d, list, undefined);
        continue;
      }
      const filter = [...list, r.index, 'filter'];
      for (const gone of goneNames) removeFromList(d, [...filter, 'childCliqueNames'], gone, true);
      for (const gone of doomedGroups) removeFromList(d, [...filter, 'childScalingGroupNames'], gone, true);
    }
    deleteListItems(seqAt(d, CLIQUES), new Set(doomed.cliques.map((c) => c.index)));
    deleteListItems(seqAt(d, GROUPS), new Set(graph.groups.filter((g) => doomedGroups.has(g.name)).map((g) => g.index)));
    const groups = seqAt(d, GROUPS);
    if (groups && groups.items.length === 0) setOrDelete(d, GROUPS, undefined);
  });
}

/** Sets (or with undefined / '' deletes) one field of the PodCliqueSet; the inspector's single way to write. */
export function setField(text: string, path: Path, value: unknown): EditResult {
  return edit(text, ({ d }) => {
    setOrDelete(d, path, value);
  });
}

/** Several fields at once, as one edit (one undo step). */
export function setFields(text: string, entries: readonly { path: Path; value: unknown }[]): EditResult {
  return edit(text, ({ d }) => {
    for (const e of entries) setOrDelete(d, e.path, e.value);
  });
}

export interface AddContainerOptions {
  list: ContainerList;
  /** Default: "sidecar" (app container) or "init", made unique within the pod. */
  name?: string;
  image?: string;
}

/**
 * Appends a container to a clique's pod template (block style, after the others); returns its
 * name in `note`. Names are unique across containers and init containers, as the API server wants.
 * Without an image it is written as `image: ""`, which the inspector flags until one is typed.
 */
export function addContainer(text: string, clique: string, options: AddContainerOptions): EditResult {
  return edit(text, ({ d, graph, object }) => {
    const c = cliqueOfRef(graph, clique);
    if (!c) return { refuse: `there is no clique "${clique}"` };
    const taken = containersOf(object, c.index).map((x) => x.name);
    const name = options.name ?? uniqueName(options.list === 'containers' ? 'sidecar' : 'init', taken);
    const listPath = cliquePath(c.index, 'spec', 'podSpec', options.list);
    const invalid = dns1123LabelError(name);
    if (invalid) return { refuse: `${jsonPath(listPath)}: container name "${name}" is not valid: it ${invalid}` };
    if (taken.includes(name)) return { refuse: `${jsonPath(listPath)}: container name "${name}" is already taken in this pod` };
    blockSeq(d, listPath).items.push(d.createNode({ name, image: options.image ?? '' }) as Node);
    return { note: name };
  });
}

/** Removes one container of a clique's pod template; refuses the last app container (a pod needs one). */
export function removeContainer(text: string, clique: string, list: ContainerList, index: number): EditResult {
  return edit(text, ({ d, graph }) => {
    const c = cliqueOfRef(graph, clique);
    if (!c) return { refuse: `there is no clique "${clique}"` };
    const listPath = cliquePath(c.index, 'spec', 'podSpec', list);
    const seq = seqAt(d, listPath);
    if (!seq || index < 0 || index >= seq.items.length) return { refuse: `${jsonPath(containerPath(c.index, list, index))}: there is no such container` };
    if (list === 'containers' && seq.items.length === 1) return { refuse: `${jsonPath(listPath)}: a pod needs at least one container, so the last one stays` };
    deleteListItems(seq, new Set([index]));
    if (seq.items.length === 0) setOrDelete(d, listPath, undefined);
  });
}

/** Paths of a clique / group, for the inspector and for findings. */
export const cliquePath = (index: number, ...rest: (string | number)[]): Path => [...CLIQUES, index, ...rest];
export const groupPath = (index: number, ...rest: (string | number)[]): Path => [...GROUPS, index, ...rest];
export const templatePath = (...rest: (string | number)[]): Path => [...TEMPLATE, ...rest];
