/**
 * Startup edges as the canvas draws them, by how Grove treats each (lib/builder/graph.ts StartEdgeKind):
 * an explicit startsAfter is a solid arrow; the order InOrder implies is dashed and cannot be selected
 * or deleted (no startsAfter stands behind it: the order of the cliques list does); a startsAfter Grove
 * ignores under AnyOrder / InOrder is amber and dotted, says why, and can still be deleted.
 */
import { MarkerType, type Edge } from '@xyflow/react';
import type { CSSProperties } from 'react';
import type { BuilderGraph, StartEdgeKind } from '../../lib/builder/graph';
import { cliqueKey } from '../../lib/builder/layout';

export interface StartupEdgeData extends Record<string, unknown> {
  kind: StartEdgeKind;
  /** What the edge means, for its tooltip and accessible name. */
  why: string;
}
export type StartupFlowEdge = Edge<StartupEdgeData, 'startup'>;

/** An edge's id, from the refs (CliqueNode.ref) of the cliques it joins. */
export const edgeId = (fromRef: string, toRef: string) => `${fromRef}->${toRef}`;

const STARTUP_NAMES: Record<string, string> = { CliqueStartupTypeAnyOrder: 'AnyOrder', CliqueStartupTypeInOrder: 'InOrder', CliqueStartupTypeExplicit: 'Explicit' };

export function edgeWhy(kind: StartEdgeKind, from: string, to: string, startupType: string): string {
  if (kind === 'implied') return `${to} starts after ${from}: InOrder starts cliques in the order they are listed (change the order in the YAML)`;
  if (kind === 'ignored') return `${to} lists startsAfter ${from}, which Grove ignores under ${STARTUP_NAMES[startupType] ?? startupType}: set the startup type to Explicit for it to count`;
  return `${to} starts after ${from}`;
}

/** The ignored edges' colour (app/globals.css, per mode): amber, ≥ 3:1 against the canvas like every edge. */
const IGNORED_STROKE = 'var(--canopy-edge-ignored)';

/**
 * Colours come from app/globals.css (`--xy-edge-stroke`, ≥ 3:1 in both modes), never from opacity,
 * which would take the contrast below 3:1. An ignored edge sets `--xy-edge-stroke` rather than `stroke`,
 * so selecting it still shows React Flow's selected colour.
 */
export const EDGE_STYLES: Record<StartEdgeKind, CSSProperties> = {
  explicit: { strokeWidth: 2 },
  implied: { strokeWidth: 2, strokeDasharray: '6 4' },
  ignored: { strokeWidth: 2, strokeDasharray: '1 5', strokeLinecap: 'round', ['--xy-edge-stroke' as string]: IGNORED_STROKE },
};

export function toFlowEdges(graph: BuilderGraph): StartupFlowEdge[] {
  return graph.edges.map((e) => {
    const implied = e.kind === 'implied';
    return {
      // By ref: of two cliques of one name (Grove refuses it), each its own node, the edge meets the one it is of.
      id: edgeId(e.fromRef, e.toRef),
      type: 'startup',
      source: cliqueKey(e.fromRef),
      target: cliqueKey(e.toRef),
      sourceHandle: 'out',
      targetHandle: 'in',
      markerEnd: e.kind === 'ignored' ? { type: MarkerType.ArrowClosed, color: IGNORED_STROKE } : { type: MarkerType.ArrowClosed },
      data: { kind: e.kind, why: edgeWhy(e.kind, e.from, e.to, graph.startupType) },
      ariaLabel: edgeWhy(e.kind, e.from, e.to, graph.startupType),
      zIndex: 2,
      // Not selectable, so Delete never targets an edge with no startsAfter entry to remove.
      ...(implied ? { selectable: false, deletable: false } : {}),
      style: EDGE_STYLES[e.kind],
    };
  });
}
