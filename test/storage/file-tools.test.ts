/**
 * The file tools through the real app: fake LLM on 127.0.0.1 → real openai client → tool loop → registry → store,
 * with attachments arriving in the engine's reply event stream (what every adapter renders).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ReplyEvent } from '../../src/domain/index.js';
import type { TestApp } from '../support/app.js';
import { startTestApp } from '../support/app.js';
import type { FakeLlm } from '../support/fake-llm.js';
import { useFakeLlm } from '../support/hooks.js';
import { type RunningS3, startS3rver } from '../support/s3.js';
import { promptOf, turn } from '../support/turns.js';
import { walk } from './contract.js';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0xff, 0xfe]);

/** The tool results the model was sent on its last call, in order. */
function toolResults(fake: FakeLlm): string[] {
  const last = fake.chatRequests().at(-1);
  return last ? promptOf(last).flatMap((m) => (m.role === 'tool' ? [String(m.content)] : [])) : [];
}

const call = (name: string, args: Record<string, unknown>, id = `call_${name}`) => ({
  id,
  name,
  arguments: args,
});

function attachments(events: ReplyEvent[]) {
  return events.flatMap((e) => (e.type === 'attachment' ? [e] : []));
}

describe('file tools with the local store', () => {
  const llm = useFakeLlm();
  let app: TestApp;
  let filesDir: string;

  beforeAll(async () => {
    filesDir = await mkdtemp(path.join(tmpdir(), 'clara-file-tools-'));
    app = await startTestApp({ backend: 'sqlite', fake: llm.current, env: { CLARA_FILES_DIR: filesDir } });
  });
  afterAll(async () => {
    await app?.stop();
    await rm(filesDir, { recursive: true, force: true });
  });

  test('the six file tools are offered, none named like the sandbox tools', () => {
    const names = app.tools
      .specs({ userId: 'tester', conversationId: 'c', sessionId: 's', platform: 'web', isAdmin: false })
      .map((s) => s.name);
    for (const name of [
      'save_to_local',
      'list_local_files',
      'read_local_file',
      'delete_local_file',
      'create_file_attachment',
      'send_local_file',
    ]) {
      expect(names).toContain(name);
    }
    expect(names).not.toContain('read_file');
    expect(names).not.toContain('write_file');
    expect(names).not.toContain('list_files');
  });

  test('save, list, read and delete through the tool loop', async () => {
    llm.current.script(
      { toolCalls: [call('save_to_local', { filename: 'notes.md', content: '# Shopping\n- milk' })] },
      { toolCalls: [call('list_local_files', {}), call('read_local_file', { filename: 'notes.md' })] },
      {
        toolCalls: [
          call('delete_local_file', { filename: 'notes.md' }),
          call('read_local_file', { filename: 'notes.md' }, 'again'),
        ],
      },
      'Done.',
    );
    const result = await turn(app.engine, 'keep my shopping list, then tidy up');
    expect(result.last).toMatchObject({ type: 'done', text: 'Done.' });
    const requests = llm.current.chatRequests();
    expect(requests).toHaveLength(4);
    const results = promptOf(requests[3]!).flatMap((m) => (m.role === 'tool' ? [String(m.content)] : []));
    expect(results[0]).toBe('Saved to local storage: notes.md (17 B)');
    expect(results[1]).toMatch(
      /^1 file in local storage, newest first:\n- notes\.md \(17 B, saved \d{4}-\d\d-\d\d \d\d:\d\d UTC\)$/,
    );
    expect(results[2]).toBe('# Shopping\n- milk');
    expect(results[3]).toBe('Deleted: notes.md');
    expect(results[4]).toBe('Error: File not found: notes.md. No files are saved yet.');
    expect(
      result.events.filter((e) => e.type === 'tool_end').map((e) => e.type === 'tool_end' && e.ok),
    ).toEqual([true, true, true, true, false]);
    expect(await walk(filesDir)).toEqual([]);
  });

  test('create_file_attachment saves the file and the attachment event follows its tool_end', async () => {
    llm.current.script(
      { toolCalls: [call('create_file_attachment', { filename: 'report.csv', content: 'a,b\n1,2\n' })] },
      'Here is your report.',
    );
    const result = await turn(app.engine, 'make me a csv');
    const sent = attachments(result.events);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ name: 'report.csv', mediaType: 'text/csv; charset=utf-8' });
    expect(Buffer.from(sent[0]!.data).toString()).toBe('a,b\n1,2\n');
    const order = result.types;
    expect(order.indexOf('attachment')).toBe(order.indexOf('tool_end') + 1);
    expect(order.at(-1)).toBe('done');
    expect(toolResults(llm.current)[0]).toBe(
      'Attached report.csv (8 B) to your reply. It is saved in local storage as report.csv.',
    );
    expect(await readFile(path.join(filesDir, 'tester', 'report.csv'), 'utf8')).toBe('a,b\n1,2\n');
  });

  test('create_file_attachment with empty content is an error: nothing saved, nothing attached', async () => {
    llm.current.script(
      {
        toolCalls: [
          call('create_file_attachment', { filename: 'empty.txt', content: '' }),
          call('create_file_attachment', { filename: 'empty.bin', content: '', encoding: 'base64' }, 'b64'),
        ],
      },
      'Nothing to send.',
    );
    const result = await turn(app.engine, 'send me an empty file');
    expect(attachments(result.events)).toHaveLength(0);
    for (const content of toolResults(llm.current)) {
      expect(content).toBe(
        'Error: content is empty: give what the file should contain. Nothing was created or attached.',
      );
    }
    expect(toolResults(llm.current)).toHaveLength(2);
    const names = (await app.files.list({ userId: 'tester' })).map((f) => f.name);
    expect(names.filter((name) => name.startsWith('empty'))).toEqual([]);
  });

  test('send_local_file attaches a stored binary file byte for byte; reading it as text describes it', async () => {
    await app.files.save({ userId: 'tester' }, 'photo.png', PNG);
    llm.current.script(
      {
        toolCalls: [
          call('read_local_file', { filename: 'photo.png' }),
          call('send_local_file', { filename: 'photo.png' }),
        ],
      },
      'Sent it.',
    );
    const result = await turn(app.engine, 'send me my photo');
    const sent = attachments(result.events);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.mediaType).toBe('image/png');
    expect(Buffer.from(sent[0]!.data).equals(PNG)).toBe(true);
    const [read, send] = toolResults(llm.current);
    expect(read).toBe(
      '[Binary file: 14 bytes (14 B, image/png). It cannot be shown as text; send it to the chat with send_local_file.]',
    );
    expect(send).toBe("File 'photo.png' will be sent to chat.");
  });

  test('several attachments in one round: each right after its own tool_end, in call order', async () => {
    await app.files.save({ userId: 'tester' }, 'one.txt', Buffer.from('1'));
    llm.current.script(
      {
        toolCalls: [
          call('send_local_file', { filename: 'one.txt' }, 'a'),
          call('list_local_files', {}, 'b'),
          call('create_file_attachment', { filename: 'two.txt', content: '2' }, 'c'),
        ],
      },
      'Both.',
    );
    const result = await turn(app.engine, 'send both');
    const flow = result.events.flatMap((e) =>
      e.type === 'tool_end' ? [`end:${e.callId}`] : e.type === 'attachment' ? [`file:${e.name}`] : [],
    );
    expect(flow).toEqual(['end:a', 'file:one.txt', 'end:b', 'end:c', 'file:two.txt']);
  });

  test('outside a turn nothing can be attached, and the tool says so', async () => {
    const scope = { userId: 'tester', conversationId: 'c', sessionId: 's', platform: 'web', isAdmin: false };
    const result = await app.tools.execute(
      { name: 'send_local_file', arguments: '{"filename":"photo.png"}' },
      scope,
    );
    expect(result).toEqual({
      content: 'Error: This conversation cannot receive attachments, so it was not sent.',
      isError: true,
    });
  });

  test('traversal names from the model stay inside the user folder and never reach host files', async () => {
    llm.current.script(
      {
        toolCalls: [
          call('save_to_local', { filename: '../../etc/passwd', content: 'pwned' }),
          call('read_local_file', { filename: '../../../../../../etc/passwd' }, 'r1'),
          call('read_local_file', { filename: '/etc/hostname' }, 'r2'),
          call('send_local_file', { filename: '..\\..\\..\\etc\\shadow' }, 'r3'),
        ],
      },
      'ok',
    );
    const result = await turn(app.engine, 'try to escape', {
      userId: 'mallory',
      conversationId: 'web-mallory',
    });
    const [save, read, hostname, shadow] = toolResults(llm.current);
    expect(save).toBe(
      'Saved to local storage: _.._etc_passwd (5 B) (the name "../../etc/passwd" was made safe)',
    );
    expect(read).toMatch(
      /^Error: File not found: _.._.._.._.._.._etc_passwd\. Saved files: _.._etc_passwd\.$/,
    );
    expect(hostname).toMatch(/^Error: File not found: _etc_hostname\./);
    expect(shadow).toMatch(/^Error: File not found: _.._.._etc_shadow\./);
    expect(attachments(result.events)).toEqual([]);
    expect((await walk(filesDir)).filter((p) => p.startsWith('mallory'))).toEqual(['mallory/_.._etc_passwd']);
  });

  test("files are per user and per channel: another person's list is empty", async () => {
    llm.current.script(
      { toolCalls: [call('save_to_local', { filename: 'diary.txt', content: 'dear diary' })] },
      'Saved.',
    );
    await turn(app.engine, 'save my diary', {
      userId: 'alice',
      conversationId: 'discord-channel-7',
      environment: { kind: 'channel', channelId: '7' },
    });
    llm.current.script(
      { toolCalls: [call('list_local_files', {}), call('read_local_file', { filename: 'diary.txt' })] },
      'Nothing.',
    );
    await turn(app.engine, 'what files do I have?', { userId: 'bob', conversationId: 'web-bob' });
    expect(toolResults(llm.current)).toEqual([
      'No files saved yet.',
      'Error: File not found: diary.txt. No files are saved yet.',
    ]);
    llm.current.script({ toolCalls: [call('list_local_files', {})] }, 'Nothing here.');
    await turn(app.engine, 'and in my DMs?', { userId: 'alice', conversationId: 'web-alice' });
    expect(toolResults(llm.current)).toEqual(['No files saved yet.']);
    expect(await readFile(path.join(filesDir, 'alice', '7', 'diary.txt'), 'utf8')).toBe('dear diary');
  });

  test('long text is cut with a note saying how to read on; base64 content is decoded', async () => {
    const long = 'x'.repeat(25_000);
    llm.current.script(
      {
        toolCalls: [
          call('save_to_local', { filename: 'long.txt', content: long }),
          call('read_local_file', { filename: 'long.txt' }, 'r1'),
          call('read_local_file', { filename: 'long.txt', offset: 20_000 }, 'r2'),
          call(
            'save_to_local',
            { filename: 'b.bin', content: PNG.toString('base64'), encoding: 'base64' },
            's2',
          ),
          call('save_to_local', { filename: 'c.bin', content: 'not base64!', encoding: 'base64' }, 's3'),
        ],
      },
      'ok',
    );
    await turn(app.engine, 'long file', { userId: 'lena', conversationId: 'web-lena' });
    const [, first, second, b64, bad] = toolResults(llm.current);
    expect(first).toBe(
      `${'x'.repeat(20_000)}\n\n[Showing characters 0–20000 of 25000 in long.txt. Call read_local_file with offset=20000 to read on.]`,
    );
    expect(second).toBe(`${'x'.repeat(5_000)}\n\n[Showing characters 20000–25000 of 25000 in long.txt.]`);
    expect(b64).toBe('Saved to local storage: b.bin (14 B)');
    expect((await app.files.read({ userId: 'lena' }, 'b.bin')).content.equals(PNG)).toBe(true);
    expect(bad).toBe(
      'Error: content is not valid base64. Send base64 text, or drop encoding to save plain text.',
    );
  });
});

describe('file tools with limits and with S3', () => {
  const llm = useFakeLlm();
  let app: TestApp | undefined;
  let s3: RunningS3 | undefined;
  afterAll(async () => {
    await app?.stop();
    await s3?.close();
  });

  test('CLARA_MAX_FILE_SIZE: a file over the limit is refused with a clear message, nothing saved', async () => {
    const filesDir = await mkdtemp(path.join(tmpdir(), 'clara-file-limit-'));
    app = await startTestApp({
      backend: 'sqlite',
      fake: llm.current,
      env: { CLARA_FILES_DIR: filesDir, CLARA_MAX_FILE_SIZE: '64' },
    });
    llm.current.script(
      { toolCalls: [call('create_file_attachment', { filename: 'big.txt', content: 'y'.repeat(100) })] },
      'Too big.',
    );
    const result = await turn(app.engine, 'big file');
    expect(toolResults(llm.current)[0]).toBe(
      'Error: File too large: big.txt is 100 bytes (100 B); the limit is 64 bytes (64 B, CLARA_MAX_FILE_SIZE).',
    );
    expect(result.events).toContainEqual(expect.objectContaining({ type: 'tool_end', ok: false }));
    expect(attachments(result.events)).toEqual([]);
    expect(await walk(filesDir)).toEqual([]);
    await app.stop();
    app = undefined;
    await rm(filesDir, { recursive: true, force: true });
  });

  test('S3_ENABLED stores through S3 (s3rver) and attachments still reach the reply', async () => {
    s3 = await startS3rver();
    app = await startTestApp({
      backend: 'sqlite',
      fake: llm.current,
      env: {
        S3_ENABLED: 'true',
        S3_ENDPOINT_URL: s3.endpoint,
        S3_ACCESS_KEY: s3.accessKey,
        S3_SECRET_KEY: s3.secretKey,
        S3_BUCKET: 'clara-test-files',
      },
    });
    expect(app.files.kind).toBe('s3');
    llm.current.script(
      {
        toolCalls: [
          call('save_to_local', { filename: 'cloud.txt', content: 'in the cloud' }),
          call('send_local_file', { filename: 'cloud.txt' }),
        ],
      },
      'Sent from the cloud.',
    );
    const result = await turn(app.engine, 'save and send');
    expect(toolResults(llm.current)).toEqual([
      'Saved to cloud storage: cloud.txt (12 B)',
      "File 'cloud.txt' will be sent to chat.",
    ]);
    const sent = attachments(result.events);
    expect(sent.map((a) => [a.name, Buffer.from(a.data).toString()])).toEqual([
      ['cloud.txt', 'in the cloud'],
    ]);
    expect((await app.files.list({ userId: 'tester' })).map((f) => f.name)).toEqual(['cloud.txt']);
  });
});
