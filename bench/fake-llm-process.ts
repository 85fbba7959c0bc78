/**
 * The fake LLM for benchmarks, in its own process so its CPU time never counts as Clara's. Prints its URL, then
 * serves `GET /__served` on a second port: `{ "<last user message>": servedMs }` for every chat request.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startFakeLlm } from '../test/support/fake-llm.js';

const fake = await startFakeLlm({ zeroLatency: true });
const stats = createServer((_req, res) => {
  const served: Record<string, number> = {};
  for (const request of fake.chatRequests()) {
    const last = request.body?.messages?.at(-1)?.content;
    if (typeof last === 'string' && request.servedMs !== undefined) served[last] = request.servedMs;
  }
  fake.reset();
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(served));
});
stats.listen(0, '127.0.0.1', () => {
  const { port } = stats.address() as AddressInfo;
  process.stdout.write(
    `${JSON.stringify({ llm: fake.openaiBaseUrl, stats: `http://127.0.0.1:${port}/__served` })}\n`,
  );
});
process.on('SIGTERM', () => {
  stats.close();
  fake.close().then(() => process.exit(0));
});
