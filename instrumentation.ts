/**
 * Runs once as the Next.js server starts, before it serves a request: the event streams end on
 * SIGTERM/SIGINT (server/hub/sse.ts), a stream whose request was in flight at the signal included.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { hookShutdownSignals } = await import('./server/hub/sse');
  hookShutdownSignals();
}
