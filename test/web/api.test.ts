import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import type { FakeLlm } from '../support/fake-llm.js';
import { useFakeLlm } from '../support/hooks.js';

/** Reads a whole SSE response into [event, data] pairs. */
async function sse(response: Response): Promise<Array<{ event: string; data: Record<string, unknown> }>> {
  const text = await response.text();
  return text
    .split('\n\n')
    .filter(Boolean)
    .map((block) => ({
      event: /^event: (.*)$/m.exec(block)?.[1] ?? '',
      data: JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? '{}'),
    }));
}

describe('web API', () => {
  const llm = useFakeLlm();
  let fake: FakeLlm;
  let app: TestApp;
  let base: string;

  beforeEach(async () => {
    fake = llm.current;
    app = await startTestApp({ backend: 'sqlite', fake, env: { PORT: '0' } });
    base = (await app.startWeb()).url;
  });
  afterEach(async () => {
    await app.stop();
  });

  it('serves /health, the status and the chat page', async () => {
    const health = await fetch(`${base}health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({
      status: 'ok',
      llm: { ready: true, provider: 'openai' },
      database: 'sqlite',
    });
    const page = await fetch(base);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toContain('<title>Clara</title>');
    expect((await fetch(`${base}app.js`)).headers.get('content-type')).toMatch(/javascript/);
    expect((await fetch(`${base}nope`)).status).toBe(404);
  });

  it('a file a tool attaches arrives as an attachment event with base64 bytes', async () => {
    fake.script(
      {
        toolCalls: [
          {
            id: 'c1',
            name: 'create_file_attachment',
            arguments: { filename: 'totals.csv', content: 'a,b\n1,2\n' },
          },
        ],
      },
      'Here is your file.',
    );
    const response = await fetch(`${base}api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'make me a csv', clientMessageId: 'file-1' }),
    });
    const events = await sse(response);
    const attachment = events.find((e) => e.event === 'attachment');
    expect(attachment?.data).toMatchObject({ name: 'totals.csv', size: 8 });
    expect(Buffer.from(String(attachment?.data.base64), 'base64').toString()).toBe('a,b\n1,2\n');
    expect(attachment?.data).not.toHaveProperty('data');
    expect(events.at(-1)).toMatchObject({ event: 'done', data: { text: 'Here is your file.' } });
  });

  it('streams a reply as server-sent events and keeps the history', async () => {
    fake.script({ text: 'Hello from the web!', chunks: 3 });
    const response = await fetch(`${base}api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'hi there', clientMessageId: 'abc-1' }),
    });
    expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
    const events = await sse(response);
    expect(events[0]?.event).toBe('start');
    expect(events.filter((e) => e.event === 'text').length).toBeGreaterThan(1);
    expect(events.at(-1)).toMatchObject({ event: 'done', data: { text: 'Hello from the web!' } });

    const history = (await (await fetch(`${base}api/messages`)).json()) as {
      messages: Array<{ content: string }>;
    };
    expect(history.messages.map((m) => m.content)).toEqual(['hi there', 'Hello from the web!']);

    const replay = await sse(
      await fetch(`${base}api/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ message: 'hi there', clientMessageId: 'abc-1' }),
      }),
    );
    expect(replay.at(-1)).toMatchObject({ event: 'error', data: { code: 'duplicate' } });
  });

  it('refuses malformed and oversized requests with a clear message', async () => {
    const bad = await fetch(`${base}api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'wrong field' }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toMatch(/\{"message": "hello"\}/);

    const huge = await fetch(`${base}api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'x'.repeat(2_000_000) }),
    });
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as { message: string }).message).toMatch(/too large/);

    const long = await sse(
      await fetch(`${base}api/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ message: 'y'.repeat(33_000) }),
      }),
    );
    expect(long.at(-1)).toMatchObject({ event: 'error', data: { code: 'input_rejected' } });
    expect(fake.chatRequests()).toHaveLength(0);
  });

  it('starts a new conversation on request', async () => {
    fake.script('first');
    await sse(
      await fetch(`${base}api/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"message":"one"}',
      }),
    );
    const created = await fetch(`${base}api/conversations/new`, { method: 'POST' });
    expect(created.status).toBe(200);
    const history = (await (await fetch(`${base}api/messages`)).json()) as { messages: unknown[] };
    expect(history.messages).toEqual([]);
  });
});

describe('web server access token', () => {
  let app: TestApp | undefined;
  afterEach(async () => {
    await app?.stop();
  });

  it('requires the token for everything but /health when one is configured', async () => {
    app = await startTestApp({
      backend: 'sqlite',
      env: { PORT: '0', CLARA_WEB_TOKEN: 'a-very-secret-web-token' },
    });
    const base = (await app.startWeb()).url;
    expect((await fetch(`${base}health`)).status).toBe(200);
    const denied = await fetch(`${base}api/status`);
    expect(denied.status).toBe(401);
    expect(((await denied.json()) as { message: string }).message).toMatch(/token/);
    expect(
      (await fetch(`${base}api/status`, { headers: { authorization: 'Bearer wrong-token-here' } })).status,
    ).toBe(401);
    const allowed = await fetch(`${base}api/status`, {
      headers: { authorization: 'Bearer a-very-secret-web-token' },
    });
    expect(allowed.status).toBe(200);
    const page = await fetch(`${base}?token=a-very-secret-web-token`);
    expect(page.status).toBe(200);
    const cookie = page.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    expect((await fetch(`${base}api/status`, { headers: { cookie: cookie.split(';')[0]! } })).status).toBe(
      200,
    );
  });

  it('refuses to start on a public address without a token', async () => {
    const { loadConfig } = await import('../../src/config/index.js');
    expect(() => loadConfig({ env: { CLARA_WEB_HOST: '0.0.0.0' }, envFile: false })).toThrow(
      /CLARA_WEB_TOKEN/,
    );
  });
});
