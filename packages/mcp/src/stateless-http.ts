/**
 * The stateless revision (2026-07-28) over Streamable HTTP: one POST, one JSON answer (with the
 * HTTP status the revision names for each error), and `subscriptions/listen` as an event stream
 * that carries `notifications/tasks` for the caller's tasks.
 */
import { isStatelessRequest, type StatelessServer } from './stateless-server.ts';

/** Whether a gated POST body is for the stateless server (a single request naming its revision). */
export function wantsStateless(request: Request, body: unknown): boolean {
  return (
    request.method === 'POST' &&
    request.headers.get('mcp-session-id') === null &&
    body !== undefined &&
    !Array.isArray(body) &&
    isStatelessRequest(body, request.headers)
  );
}

/** Answers one stateless request. */
export async function serveStateless(server: StatelessServer, request: Request, body: unknown): Promise<Response> {
  const message = body as { id?: unknown; method: string; params?: Record<string, unknown> };
  // What binds a task to its caller statelessly: the credential every request carries (see task-table.ts).
  const owner = `http ${request.headers.get('authorization') ?? ''}`;
  const asked = { message, headers: request.headers, owner, signal: request.signal };
  if (message.id === undefined) return new Response(null, { status: 202 });
  if (message.method === 'subscriptions/listen') {
    const encoder = new TextEncoder();
    let stop: () => void = () => {};
    let refused: Response | undefined;
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        const listening = server.listen(asked, (event) => {
          try {
            controller.enqueue(encoder.encode(`event: message\ndata: ${JSON.stringify(event)}\n\n`));
          } catch {
            stop();
          }
        });
        if (typeof listening === 'function') {
          stop = listening;
          request.signal.addEventListener('abort', () => {
            stop();
            try {
              controller.close();
            } catch {
              // already closed
            }
          });
        } else {
          refused = Response.json(listening.body, { status: listening.status });
          controller.close();
        }
      },
      cancel() {
        stop();
      },
    });
    if (refused) return refused;
    return new Response(stream, { headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' } });
  }
  const reply = await server.handle(asked);
  return Response.json(reply.body, { status: reply.status });
}
