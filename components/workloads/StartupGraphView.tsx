'use client';
/**
 * The startup-order graph as plain SVG (a handful of nodes): cliques in columns by dependency depth,
 * `startsAfter` edges as arrows, each clique coloured by progress (its least advanced replica's), with
 * the same facts as a list for screen readers and for reading without colour. When the PodCliqueSet
 * replicas differ, a node says how on a line of its own.
 */
import { plural } from '../../lib/workloads/plural';
import { startupNodeText, startupReplicasDiffer, type StartupGraph, type StartupNode, type StartupProgress } from '../../lib/workloads/startup';

/** "2 of 4 pods ready", "1 of 1 pod ready": a clique's ready pods, the noun agreeing with its pods. */
export function cliquePodsReady(ready: number, pods: number): string {
  return `${ready} of ${plural(pods, 'pod')} ready`;
}

/**
 * A node's lines under its title: "ready · 2/2 ready · gate: 1"; when its replicas differ, their
 * breakdown ("ready in replica 0; waiting in replica 1 for router") above the counts; with no replica,
 * no counts.
 */
export function startupNodeLines(n: StartupNode): { replicas?: string; line: string } {
  const t = startupNodeText(n);
  if (n.replicas === 0) return { line: `${t.word} · ${t.gate}` };
  if (startupReplicasDiffer(n)) return { replicas: t.word, line: `${t.counts} · ${t.gate}` };
  return { line: `${t.word} · ${t.counts} · ${t.gate}` };
}

/** The list's words for a node: "decode: ready, 4 of 4 pods ready; startup gate: 2 ready pods". */
export function startupItemText(n: StartupNode, after: readonly string[]): string {
  const { word } = startupNodeText(n);
  const pods = n.replicas === 0 ? '' : `, ${cliquePodsReady(n.ready, n.pods)}`;
  const group = n.gateGroupReplicas > 1 ? ` in each of the group’s first ${n.gateGroupReplicas} replicas` : '';
  const each = n.replicas > 1 ? ' in each replica' : '';
  return `${word}${pods}; startup gate: ${plural(n.gate, 'ready pod')}${group}${each}${after.length > 0 ? `; starts after ${after.join(', ')}` : ''}`;
}

const MIN_NODE_W = 168;
/** Width of one character of the node's 11–12 px text, generously: a node is as wide as its longest line. */
const CHAR_W = 6.6;
const SHORT_NODE_H = 46;
/** A node with its replicas' breakdown on a line of its own. */
const TALL_NODE_H = 62;
const GAP_X = 56;
const GAP_Y = 16;
const PAD = 8;

const FILL: Record<StartupProgress, string> = {
  waiting: 'fill-zinc-100 stroke-zinc-400 dark:fill-zinc-800 dark:stroke-zinc-500',
  starting: 'fill-sky-100 stroke-sky-500 dark:fill-sky-950 dark:stroke-sky-400',
  ready: 'fill-emerald-100 stroke-emerald-600 dark:fill-emerald-950 dark:stroke-emerald-400',
  blocked: 'fill-red-100 stroke-red-600 dark:fill-red-950 dark:stroke-red-400',
};

const TYPE_TEXT: Record<string, string> = {
  CliqueStartupTypeAnyOrder: 'Any order: every clique starts as soon as its pods are scheduled.',
  CliqueStartupTypeInOrder: 'In order: each clique waits for the one before it to have its minimum of ready pods.',
  CliqueStartupTypeExplicit: 'Explicit: each clique waits for the cliques it starts after to have their minimum of ready pods.',
};

export function StartupGraphView({ graph }: { graph: StartupGraph }) {
  const labels = new Map(
    graph.nodes.map((n) => {
      return [n.clique, { title: `${n.clique}${n.scalingGroup ? ` (${n.scalingGroup})` : ''}`, ...startupNodeLines(n) }];
    }),
  );
  const NODE_W = Math.max(MIN_NODE_W, 20 + Math.ceil(CHAR_W * Math.max(0, ...[...labels.values()].flatMap((l) => [l.title.length, l.line.length, l.replicas?.length ?? 0]))));
  const NODE_H = [...labels.values()].some((l) => l.replicas) ? TALL_NODE_H : SHORT_NODE_H;
  const width = PAD * 2 + graph.columns * NODE_W + Math.max(0, graph.columns - 1) * GAP_X;
  const height = PAD * 2 + graph.rows * NODE_H + Math.max(0, graph.rows - 1) * GAP_Y;
  const pos = new Map(graph.nodes.map((n) => [n.clique, { x: PAD + n.column * (NODE_W + GAP_X), y: PAD + n.row * (NODE_H + GAP_Y) }]));
  return (
    <div className="space-y-2">
      <p className="text-xs text-zinc-600 dark:text-zinc-400">{TYPE_TEXT[graph.startupType] ?? graph.startupType}</p>
      <div className="overflow-x-auto">
        <svg role="img" aria-label={`Startup order: ${graph.edges.length === 0 ? 'no dependencies' : graph.edges.map((e) => `${e.to} after ${e.from}`).join('; ')}`} width={width} height={height} className="text-zinc-500 dark:text-zinc-400" data-testid="startup-graph">
          <defs>
            <marker id="startup-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
              <path d="M 0 0 L 10 5 L 0 10 z" className="fill-current" />
            </marker>
          </defs>
          {graph.edges.map((e) => {
            const a = pos.get(e.from);
            const b = pos.get(e.to);
            if (!a || !b) return null;
            const x1 = a.x + NODE_W;
            const y1 = a.y + NODE_H / 2;
            const x2 = b.x - 2;
            const y2 = b.y + NODE_H / 2;
            const mid = (x1 + x2) / 2;
            return <path key={`${e.from}->${e.to}`} d={`M ${x1} ${y1} C ${mid} ${y1}, ${mid} ${y2}, ${x2} ${y2}`} className="fill-none stroke-current" strokeWidth={1.5} markerEnd="url(#startup-arrow)" />;
          })}
          {graph.nodes.map((n) => {
            const p = pos.get(n.clique)!;
            const label = labels.get(n.clique)!;
            return (
              <g key={n.clique} transform={`translate(${p.x},${p.y})`} data-clique={n.clique} data-progress={n.progress}>
                <rect width={NODE_W} height={NODE_H} rx={6} className={FILL[n.progress]} strokeWidth={1.5} />
                <text x={10} y={18} className="fill-zinc-900 text-[12px] font-semibold dark:fill-zinc-100">
                  {label.title}
                </text>
                {label.replicas && (
                  <text x={10} y={36} className="fill-zinc-700 text-[11px] dark:fill-zinc-300" data-testid="startup-node-replicas">
                    {label.replicas}
                  </text>
                )}
                <text x={10} y={label.replicas ? 52 : 36} className="fill-zinc-700 text-[11px] dark:fill-zinc-300" data-testid="startup-node-text">
                  {label.line}
                </text>
              </g>
            );
          })}
        </svg>
      </div>
      <ul className="text-xs text-zinc-700 dark:text-zinc-300" aria-label="Cliques in startup order">
        {[...graph.nodes]
          .sort((a, b) => a.column - b.column || a.row - b.row)
          .map((n) => {
            const after = graph.edges.filter((e) => e.to === n.clique).map((e) => e.from);
            return (
              <li key={n.clique} data-testid="startup-item" data-clique={n.clique}>
                <span className="font-mono">{n.clique}</span>: {startupItemText(n, after)}
              </li>
            );
          })}
      </ul>
    </div>
  );
}
