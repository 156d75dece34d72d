// An agent host for the restart test: submits jobs j1..jN, waits for all their notices, acks
// the first --ack of them, leases the rest without acking, says which, and waits to be killed.
import process from 'node:process';
import { parseArgs } from 'node:util';
import { QueueExecutor } from '../queue-executor.ts';

const { values } = parseArgs({
  options: {
    redis: { type: 'string' },
    prefix: { type: 'string' },
    queue: { type: 'string' },
    host: { type: 'string' },
    jobs: { type: 'string' },
    ack: { type: 'string' },
  },
});
const executor = await QueueExecutor.open({
  redis: values.redis!,
  prefix: values.prefix!,
  queue: values.queue!,
  host: values.host!,
});
const n = Number(values.jobs);
for (let i = 1; i <= n; i++) await executor.submit({ id: `j${i}`, command: `echo job ${i}` });
const consumer = executor.bus.consumer('inject');
while (consumer.pending().length < n) await consumer.ready().then(() => new Promise((r) => setTimeout(r, 20)));
const first = consumer.lease(Number(values.ack));
await consumer.ack(first);
process.stdout.write(`acked ${first.notices.map((x) => x.jobId).join(',')}\n`);
const rest = consumer.lease();
process.stdout.write(`leased ${rest.notices.map((x) => x.jobId).join(',')}\n`);
setInterval(() => {}, 60_000);
