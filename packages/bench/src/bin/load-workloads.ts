// The workloads of `npm run bench` from disk (W1-W6 scenario files) and from seeds (W7-N), shared
// by the bench entry and its worker processes so both build the very same workload for an id.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomWorkload, randomWorkloads } from '../random-workload.ts';
import { WORKLOAD_FILES, type Workload, workloadFromText } from '../workload.ts';

const root = fileURLToPath(new URL('../../../../', import.meta.url));

function fileWorkload(id: string, file: string): Workload {
  return workloadFromText(id, readFileSync(join(root, 'packages/bench/workloads', file), 'utf8'), { source: file });
}

/** W1-W6 and `randomGraphs` W7 graphs, kept to `ids` when it is not empty (`W7` = every graph). */
export function loadWorkloads(ids: readonly string[], randomGraphs: number): Workload[] {
  const all = [...WORKLOAD_FILES.map(({ id, file }) => fileWorkload(id, file)), ...randomWorkloads(randomGraphs)];
  if (ids.length === 0) return all;
  return all.filter((w) => ids.some((x) => x === w.id || (x === 'W7' && w.id.startsWith('W7-'))));
}

/** The workload with this id (`W1` ... `W6`, `W7-<seed>`), or undefined. */
export function workloadById(id: string): Workload | undefined {
  const file = WORKLOAD_FILES.find((w) => w.id === id);
  if (file) return fileWorkload(file.id, file.file);
  const seed = /^W7-(\d+)$/.exec(id)?.[1];
  return seed === undefined ? undefined : randomWorkload(Number(seed));
}
