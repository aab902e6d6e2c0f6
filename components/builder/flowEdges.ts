/**
 * Startup edges as the canvas draws them, by how Grove treats each (lib/builder/graph.ts StartEdgeKind):
 * an explicit startsAfter is a solid arrow; the order InOrder implies is dashed and cannot be selected
 * or deleted (no startsAfter stands behind it: the order of the cliques list does); a startsAfter Grove
 * ignores under AnyOrder / InOrder is faded and says why, and can still be deleted.
 */
import { MarkerType, type Edge } from '@xyflow/react';
import type { BuilderGraph, StartEdgeKind } from '../../lib/builder/graph';
import { cliqueKey } from '../../lib/builder/layout';

export interface StartupEdgeData extends Record<string, unknown> {
  kind: StartEdgeKind;
  /** What the edge means, for its tooltip and accessible name. */
  why: string;
}
export type StartupFlowEdge = Edge<StartupEdgeData, 'startup'>;

export const edgeId = (from: string, to: string) => `${from}->${to}`;

const STARTUP_NAMES: Record<string, string> = { CliqueStartupTypeAnyOrder: 'AnyOrder', CliqueStartupTypeInOrder: 'InOrder', CliqueStartupTypeExplicit: 'Explicit' };

export function edgeWhy(kind: StartEdgeKind, from: string, to: string, startupType: string): string {
  if (kind === 'implied') return `${to} starts after ${from}: InOrder starts cliques in the order they are listed (change the order in the YAML)`;
  if (kind === 'ignored') return `${to} lists startsAfter ${from}, which Grove ignores under ${STARTUP_NAMES[startupType] ?? startupType}: set the startup type to Explicit for it to count`;
  return `${to} starts after ${from}`;
}

export function toFlowEdges(graph: BuilderGraph): StartupFlowEdge[] {
  return graph.edges.map((e) => {
    const implied = e.kind === 'implied';
    return {
      id: edgeId(e.from, e.to),
      type: 'startup',
      source: cliqueKey(e.from),
      target: cliqueKey(e.to),
      sourceHandle: 'out',
      targetHandle: 'in',
      markerEnd: { type: MarkerType.ArrowClosed },
      data: { kind: e.kind, why: edgeWhy(e.kind, e.from, e.to, graph.startupType) },
      ariaLabel: edgeWhy(e.kind, e.from, e.to, graph.startupType),
      zIndex: 2,
      // Not selectable, so Delete never targets an edge with no startsAfter entry to remove.
      ...(implied ? { selectable: false, deletable: false } : {}),
      style: e.kind === 'explicit' ? { strokeWidth: 2 } : implied ? { strokeWidth: 2, strokeDasharray: '6 4' } : { strokeWidth: 1.5, strokeDasharray: '2 4', opacity: 0.45 },
    };
  });
}
