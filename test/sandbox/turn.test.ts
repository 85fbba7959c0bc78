/**
 * One conversation turn through the real app and engine with the fake LLM: the model calls execute_python (run
 * by the Docker backend against the fake Docker engine) and then download_from_sandbox with send=true; the result
 * goes back to the model and the file reaches the reply as an attachment. The sandbox is the one the composition
 * root builds and registers (DOCKER_HOST points it at the fake engine).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { safeUserId } from '../../src/sandbox/index.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { type FakeDocker, startFakeDocker } from '../support/fake-docker.js';
import type { FakeLlm } from '../support/fake-llm.js';
import { useFakeLlm } from '../support/hooks.js';
import { turn } from '../support/turns.js';

describe('sandbox tools in a turn', () => {
  const llm = useFakeLlm();
  let fake: FakeLlm;
  let docker: FakeDocker;
  let app: TestApp | undefined;

  beforeEach(async () => {
    fake = llm.current;
    docker = await startFakeDocker({ images: ['python:3.12-slim'] });
  });
  afterEach(async () => {
    await app?.stop();
    await docker.close();
  });

  it('runs Python for the model and sends the file it made', async () => {
    app = await startTestApp({ backend: 'sqlite', fake, env: { DOCKER_HOST: docker.dockerHost } });
    fake.script(
      {
        toolCalls: [
          {
            id: 'call_1',
            name: 'execute_python',
            arguments: {
              code: 'open("squares.txt","w").write(" ".join(str(i*i) for i in range(5)))\nprint("wrote squares")',
              description: 'Computing squares',
            },
          },
        ],
      },
      {
        toolCalls: [
          {
            id: 'call_2',
            name: 'download_from_sandbox',
            arguments: { sandbox_path: 'squares.txt', send: true },
          },
        ],
      },
      'Here are your squares.',
    );
    const result = await turn(app.engine, 'write the first five squares to a file and send it');
    expect(result.last).toMatchObject({ type: 'done', text: 'Here are your squares.' });
    expect(result.events).toContainEqual(
      expect.objectContaining({
        type: 'tool_start',
        name: 'execute_python',
        status: 'Computing squares',
        emoji: '🐍',
      }),
    );
    expect(result.events).toContainEqual(
      expect.objectContaining({ type: 'tool_end', name: 'execute_python', ok: true }),
    );
    const attachment = result.events.find((event) => event.type === 'attachment');
    expect(attachment).toMatchObject({ name: 'squares.txt' });
    expect(Buffer.from((attachment as { data: Uint8Array }).data).toString()).toBe('0 1 4 9 16');
    const second = fake.chatRequests()[1]?.body.messages as Array<{ role: string; content: string }>;
    expect(second.find((m) => m.role === 'tool')?.content).toContain('wrote squares');
    const offered = fake
      .chatRequests()[0]
      ?.body.tools.map((t: { function: { name: string } }) => t.function.name);
    expect(offered).toEqual(expect.arrayContaining(['execute_python', 'run_shell', 'download_from_sandbox']));
    const create = docker.find('POST', /^\/containers\/create$/)[0];
    expect(create?.query.name).toBe(`clara-sandbox-${safeUserId('tester')}`);
  });
});
