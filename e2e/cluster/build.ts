/** `npx tsx e2e/cluster/build.ts`: builds (or finds) the control-plane binaries and prints where they are. */
import { ensureBinaries } from './binaries';

const binaries = await ensureBinaries();
console.log(binaries.dir);
