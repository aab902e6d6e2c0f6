/** `canopy <command>`: dispatch. Each command returns its exit code. */
import { runPlace } from './place';
import { runServe } from './serve';
import { runSnapshot } from './snapshot';
import { runValidate } from './validate';

export interface CliIO {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

const USAGE = `Usage: canopy <command> [options]

Commands:
  validate [-o json] FILE...   Check Grove manifests as the API server and Grove's webhooks would.
                               FILE may be - for standard input.
  place --cluster SNAPSHOT.json [-o json] PCS.yaml...
                               Where the PodCliqueSets' gangs would land on the cluster, and why not.
  serve [--context X] [--port N] [--simulate SNAPSHOT.json|demo]
                               Start the dashboard on http://127.0.0.1:N.
  snapshot [--context X] [-o FILE]
                               Write the live cluster as the snapshot List 'place' and 'serve' read.

Run 'canopy <command> --help' for a command's options.
`;

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'validate':
      return runValidate(rest, io);
    case 'place':
      return runPlace(rest, io);
    case 'snapshot':
      return runSnapshot(rest, io);
    case 'serve':
      return runServe(rest, io);
    case undefined:
      // No command is a usage error: the usage goes where errors go.
      io.stderr.write(USAGE);
      return 2;
    case '-h':
    case '--help':
    case 'help':
      io.stdout.write(USAGE);
      return 0;
    default:
      io.stderr.write(`canopy: unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}
