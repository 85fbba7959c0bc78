/**
 * The fake LLM for the mem0 comparison, in its own process so its CPU time never counts as either system's.
 * Every chat request is answered by `respond` (responder.ts); embeddings are the fake's deterministic vectors.
 * Prints `{"llm": <OpenAI base URL>, "stats": <URL>}`, then serves `GET <stats>?from=N`: a summary of every request
 * recorded since the N-th (0-based), so the parent can attribute requests to the phase that made them.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type FakeStep, startFakeLlm } from '../../test/support/fake-llm.js';
import { promptChars, promptKind, respond } from './responder.js';

export interface RequestSummary {
  protocol: string;
  /** Chat requests: whose extraction prompt it was. */
  prompt?: string;
  /** Chat requests: characters of all message contents. */
  chars?: number;
  /** Embedding requests: number of input texts. */
  inputs?: number;
  status?: number;
}

const fake = await startFakeLlm({ zeroLatency: true });
// A step that puts itself back in the queue: every chat request, however many arrive at once, gets `respond`.
const step: FakeStep = (request) => {
  fake.script(step);
  return respond(request);
};
fake.script(step);

const stats = createServer((req, res) => {
  const from = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('from') ?? 0);
  const summaries: RequestSummary[] = fake.requests.slice(from).map((request) => {
    if (request.protocol === 'embeddings') {
      const input = request.body?.input;
      return { protocol: 'embeddings', inputs: Array.isArray(input) ? input.length : 1 };
    }
    if (request.protocol === 'openai' || request.protocol === 'anthropic') {
      return { protocol: request.protocol, prompt: promptKind(request), chars: promptChars(request) };
    }
    return { protocol: request.protocol };
  });
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ total: fake.requests.length, requests: summaries }));
});
stats.listen(0, '127.0.0.1', () => {
  const { port } = stats.address() as AddressInfo;
  process.stdout.write(
    `${JSON.stringify({ llm: fake.openaiBaseUrl, stats: `http://127.0.0.1:${port}/__requests` })}\n`,
  );
});
const stop = () => {
  stats.close();
  fake.close().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// The parent died without telling us: go too.
process.stdin.on('end', stop);
process.stdin.resume();
