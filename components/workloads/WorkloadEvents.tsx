'use client';
/** The events of every object in the stack, merged, newest first. */
import { formatAge } from '../../lib/workloads/health';
import type { WorkloadEvent } from '../../lib/workloads/events';
import { StaleListNote, UNAVAILABLE_CLASS } from './parts';

const LIMIT = 200;

/** `unavailable`: why the Event list is not the cluster's (kindAvailability.ts), said instead of "No events". */
export function WorkloadEvents({ events, now, unavailable }: { events: readonly WorkloadEvent[]; now: number; unavailable?: string | null }) {
  if (events.length === 0)
    return (
      <p className={`text-sm ${unavailable ? UNAVAILABLE_CLASS : 'text-zinc-600 dark:text-zinc-400'}`} data-testid="events-empty">
        {unavailable ?? 'No events for these objects (the apiserver keeps events for about an hour).'}
      </p>
    );
  const newest = [...events].reverse().slice(0, LIMIT);
  return (
    // Scrolls on its own, so it takes focus: arrow keys scroll it without a mouse.
    <div className="max-h-96 overflow-auto" tabIndex={0} role="region" aria-label="Events list">
      <StaleListNote unavailable={unavailable} rows="events" />
      <table className="w-full text-left text-xs" aria-label="Events, newest first">
        <thead className="sticky top-0 bg-white text-zinc-600 dark:bg-zinc-900 dark:text-zinc-400">
          <tr>
            <th scope="col" className="py-1 pr-3 font-medium">Age</th>
            <th scope="col" className="py-1 pr-3 font-medium">Type</th>
            <th scope="col" className="py-1 pr-3 font-medium">Object</th>
            <th scope="col" className="py-1 pr-3 font-medium">Reason</th>
            <th scope="col" className="py-1 pr-3 font-medium">Message</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-200 dark:divide-zinc-800">
          {newest.map((e) => (
            <tr key={e.key} data-testid="event" data-reason={e.reason} className={e.type === 'Warning' ? 'bg-amber-50 dark:bg-amber-950/40' : undefined}>
              <td className="py-1 pr-3 tabular-nums" title={e.time}>
                {formatAge(e.time, now)}
              </td>
              <td className="py-1 pr-3">{e.type}</td>
              <td className="py-1 pr-3 font-mono">
                {e.object.kind}/{e.object.name}
              </td>
              <td className="py-1 pr-3">
                {e.reason}
                {e.count > 1 ? ` ×${e.count}` : ''}
              </td>
              <td className="py-1 pr-3">{e.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {events.length > LIMIT && <p className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">Showing the newest {LIMIT} of {events.length}.</p>}
    </div>
  );
}
