/** Figures of one run read from the agent's events: notice latency and wasted polls. */
import type { AgentEvent } from '@bgtasks/agent';

const POLL_TOOLS = new Set(['check_bg', 'bg_wait']);
const LOOK_TOOLS = new Set(['check_bg', 'bg_wait', 'bash']);

/**
 * Per ended job (not killed by the model itself), ms from its end to the request that first
 * showed it to the model. A `notice_delivered` event gives it directly; a job seen only in a
 * `check_bg` listing (no notice block) counts from its end to the request after that look.
 */
export function noticeLatencies(events: readonly AgentEvent[]): number[] {
  const delivered = new Map<string, number>();
  for (const e of events) if (e.type === 'notice_delivered' && !delivered.has(e.jobId)) delivered.set(e.jobId, e.latencyMs);
  const out: number[] = [];
  for (const e of events) {
    if (e.type !== 'job_ended' || e.state === 'killed') continue;
    const direct = delivered.get(e.jobId);
    if (direct !== undefined) {
      out.push(direct);
      continue;
    }
    const look = events.find((x) => x.type === 'tool_call' && LOOK_TOOLS.has(x.name) && x.at >= e.at && x.text.includes(e.jobId));
    const request = look && events.find((x) => x.type === 'turn' && x.at >= look.at && events.indexOf(x) > events.indexOf(look));
    if (request) out.push(request.at - e.at);
  }
  return out;
}

/** Poll calls (`check_bg`, `bg_wait`) that returned with no job ended since the previous one. */
export function wastedPolls(events: readonly AgentEvent[]): number {
  const ends = events.flatMap((e) => (e.type === 'job_ended' && e.state !== 'killed' ? [e.at] : []));
  let previous = Number.NEGATIVE_INFINITY;
  let wasted = 0;
  for (const e of events) {
    if (e.type !== 'tool_call' || !POLL_TOOLS.has(e.name)) continue;
    if (!ends.some((at) => at > previous && at <= e.at)) wasted++;
    previous = e.at;
  }
  return wasted;
}
