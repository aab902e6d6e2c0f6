'use client';
/** What the current identity may do in a namespace (GET /api/capabilities through clusterActions), per kind and action. */
import { useEffect, useState } from 'react';
import type { Capabilities, Permission } from '../../lib/cluster/capabilities';
import type { WatchedKind } from '../../lib/cluster/kinds';
import { fetchCapabilities } from './clusterActions';

export type CapabilityState = { status: 'loading' } | { status: 'ready'; capabilities: Capabilities } | { status: 'error'; message: string };

export function useCapabilities(namespace: string): CapabilityState {
  const [state, setState] = useState<CapabilityState>({ status: 'loading' });
  useEffect(() => {
    const controller = new AbortController();
    setState({ status: 'loading' });
    fetchCapabilities(namespace, controller.signal).then(
      (capabilities) => setState({ status: 'ready', capabilities }),
      (error: unknown) => {
        if ((error as Error)?.name === 'AbortError') return;
        setState({ status: 'error', message: error instanceof Error ? error.message : String(error) });
      },
    );
    return () => controller.abort();
  }, [namespace]);
  return state;
}

/**
 * The permission for one action, 'loading' while asked, or undefined when the server could not say
 * (the buttons stay enabled and the server's answer to the action itself decides).
 */
export function permissionFor(state: CapabilityState, kind: WatchedKind, action: 'scale' | 'delete' | 'apply'): Permission | 'loading' | undefined {
  if (state.status === 'loading') return 'loading';
  if (state.status === 'error') return undefined;
  if (state.capabilities.readOnly) return { allowed: false, reason: 'Canopy is read-only against this cluster' };
  return state.capabilities.kinds[kind]?.[action];
}
