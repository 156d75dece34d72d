import { serve } from '@bgtasks/runtime';
import { describe, expect, test } from 'vitest';

describe('serve', () => {
  test('serves a web-standard handler on loopback, port 0 picks a free port, bodies and streams pass', async () => {
    const server = await serve(
      async (request) => {
        if (request.method === 'POST')
          return new Response(`echo ${await request.text()}`, { status: 201, headers: { 'x-seen': 'yes' } });
        const encoder = new TextEncoder();
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(encoder.encode('data: 1\n\n'));
            controller.enqueue(encoder.encode('data: 2\n\n'));
            controller.close();
          },
        });
        return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
      },
      { port: 0, hostname: '127.0.0.1' },
    );
    try {
      expect(server.port).toBeGreaterThan(0);
      expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
      const posted = await fetch(`${server.url}/x`, { method: 'POST', body: 'héllo' });
      expect(posted.status).toBe(201);
      expect(posted.headers.get('x-seen')).toBe('yes');
      expect(await posted.text()).toBe('echo héllo');
      const streamed = await fetch(`${server.url}/events`);
      expect(streamed.headers.get('content-type')).toBe('text/event-stream');
      expect(await streamed.text()).toBe('data: 1\n\ndata: 2\n\n');
    } finally {
      await server.close();
    }
  });
});
