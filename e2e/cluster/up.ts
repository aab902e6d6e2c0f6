/**
 * `npm run cluster:up`: builds the binaries if needed, starts a test control plane with the default
 * topology, prints the KUBECONFIG line, and keeps running until Ctrl-C (or SIGTERM) stops everything.
 */
import { startCluster } from './launcher';

const cluster = await startCluster();
console.log(`\nControl plane is up. In another shell:\n\n  export KUBECONFIG=${cluster.kubeconfigPath}\n\nPress Ctrl-C to stop it.`);

let stopping = false;
const shutdown = (signal: NodeJS.Signals): void => {
  if (stopping) return;
  stopping = true;
  console.error(`\n${signal}: stopping the control plane…`);
  cluster.stop().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);

// If a component dies, say so and tear the rest down rather than leave a half-working cluster.
for (const managed of cluster.processes) {
  void managed.exited.then(() => {
    if (stopping) return;
    console.error(`${managed.name} (pid ${managed.pid}) exited unexpectedly; its log is kept under test-results/cluster/`);
    stopping = true;
    void cluster.stop({ keepLogs: true }).then(() => process.exit(1));
  });
}
