/**
 * Clean-up that must run when a terminating signal arrives, without taking over what the signal does:
 * a "polite" handler. Where the process has a handler of its own for the signal (`next start`'s, a test
 * runner's, cluster:up's graceful stop), that one decides what happens next; where it has none, the
 * signal still ends the process as Node's default would.
 *
 * One owner for this rule: when each polite module hooked the signal itself and stepped aside whenever
 * another listener existed, two of them in one process each saw the other, deferred to it, and the
 * signal was swallowed (the process, and the control plane it had started, stayed up). Here polite
 * handlers are only registered; a single process listener per signal runs them all, then re-raises the
 * signal, without itself, when no other listener is left.
 */

/**
 * `endsProcess`: no handler of the process's own is there, so the signal ends the process once the
 * polite handlers have run (and 'exit' hooks will not run). False: that handler decides.
 */
export type ShutdownHandler = (signal: NodeJS.Signals, endsProcess: boolean) => void;

interface SignalHooks {
  handlers: Map<NodeJS.Signals, Set<ShutdownHandler>>;
  listeners: Map<NodeJS.Signals, (signal: NodeJS.Signals) => void>;
}

// On globalThis: a dev-mode reload of this module must keep its registrations and must not add a
// second process listener (each would count the other as the process's own handler).
const slot = globalThis as typeof globalThis & { __canopyShutdownSignals?: SignalHooks };
const hooks: SignalHooks = (slot.__canopyShutdownSignals ??= { handlers: new Map(), listeners: new Map() });

function stopListening(signal: NodeJS.Signals): void {
  const listener = hooks.listeners.get(signal);
  if (listener) process.off(signal, listener);
  hooks.listeners.delete(signal);
}

function listen(signal: NodeJS.Signals): void {
  if (hooks.listeners.has(signal)) return;
  const listener = (received: NodeJS.Signals) => {
    const othersListen = () => process.listeners(received).some((other) => other !== listener);
    const endsProcess = !othersListen();
    for (const handler of [...(hooks.handlers.get(received) ?? [])]) {
      try {
        handler(received, endsProcess);
      } catch (error) {
        // One failing clean-up must not keep the others from running, nor the process from ending.
        console.error(`${received} handler failed:`, error);
      }
    }
    if (othersListen()) return;
    // Without any listener Node restores the default action, so the re-raised signal ends the process.
    process.off(received, listener);
    if (hooks.listeners.get(received) === listener) hooks.listeners.delete(received);
    process.kill(process.pid, received);
  };
  hooks.listeners.set(signal, listener);
  process.on(signal, listener);
}

/**
 * Runs `handler` when one of `signals` arrives; then the process's own handler for it, if any, decides,
 * else the signal ends the process. Registering the same handler again is a no-op. Returns the removal,
 * which also drops the process listener of a signal left without handlers.
 */
export function onShutdownSignal(signals: readonly NodeJS.Signals[], handler: ShutdownHandler): () => void {
  for (const signal of signals) {
    let handlers = hooks.handlers.get(signal);
    if (!handlers) hooks.handlers.set(signal, (handlers = new Set()));
    handlers.add(handler);
    listen(signal);
  }
  return () => {
    for (const signal of signals) {
      const handlers = hooks.handlers.get(signal);
      if (!handlers?.delete(handler) || handlers.size > 0) continue;
      hooks.handlers.delete(signal);
      stopListening(signal);
    }
  };
}
