/**
 * Runs the fake LLM standalone so Clara can be tried without a real provider:
 *
 *   npx tsx test/support/fake-llm-cli.ts --port 9999 [--host 127.0.0.1] [--zero-latency]
 *
 * then e.g. LLM_PROVIDER=openai CUSTOM_OPENAI_BASE_URL=http://127.0.0.1:9999/v1 CUSTOM_OPENAI_API_KEY=fake
 * (or LLM_PROVIDER=anthropic ANTHROPIC_BASE_URL=http://127.0.0.1:9999 ANTHROPIC_API_KEY=fake).
 * Every reply echoes the last user message.
 */
import { parseArgs } from 'node:util';
import { startFakeLlm } from './fake-llm.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '9999' },
    host: { type: 'string', default: '127.0.0.1' },
    'zero-latency': { type: 'boolean', default: false },
    'chunk-delay': { type: 'string', default: '20' },
  },
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`--port must be a number between 0 and 65535 (got "${values.port}")`);
  process.exit(2);
}

const fake = await startFakeLlm({
  port,
  host: values.host,
  zeroLatency: values['zero-latency'],
  chunkDelayMs: Number(values['chunk-delay']) || 0,
});
console.log(`Fake LLM listening on ${fake.url}`);
console.log(
  `  OpenAI-compatible: LLM_PROVIDER=openai CUSTOM_OPENAI_BASE_URL=${fake.openaiBaseUrl} CUSTOM_OPENAI_API_KEY=fake`,
);
console.log(
  `  Anthropic:         LLM_PROVIDER=anthropic ANTHROPIC_BASE_URL=${fake.anthropicBaseUrl} ANTHROPIC_API_KEY=fake`,
);
console.log('Press Ctrl+C to stop.');

const stop = () => {
  fake.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
