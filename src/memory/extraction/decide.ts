/**
 * The extraction LLM call: one request; when the answer cannot be used, one corrective retry; when that fails too,
 * a warning with a truncated sample and no decisions. Transport failures (provider down, bad key) propagate so the
 * background job can be retried later; an unusable answer never throws.
 */
import type { Logger } from 'pino';
import type { ChatMessage, Llm } from '../../llm/index.js';
import { type ExtractionDecision, parseExtraction } from './parse.js';
import type { RelationParse } from './parse-relations.js';
import { correctionPrompt } from './prompt.js';

export const EXTRACTION_MAX_TOKENS = 1_024;
const SAMPLE_CHARS = 300;

export type DecisionLog = Pick<Logger, 'warn' | 'debug'>;

export interface DecisionResult {
  decisions: ExtractionDecision[];
  /** LLM calls made (1 or 2). */
  calls: number;
  /** True when both answers were unusable. */
  gaveUp: boolean;
  /** Graph relations from the same answer (empty when graph memory is off or the model gave none). */
  graph: RelationParse;
}

const NO_RELATIONS: RelationParse = { relations: [], endedRelations: [], dropped: [] };

export async function requestDecisions(
  llm: Llm,
  prompt: ChatMessage[],
  log: DecisionLog,
  signal?: AbortSignal,
): Promise<DecisionResult> {
  const ask = async (messages: ChatMessage[]) =>
    (
      await llm.complete({
        messages,
        purpose: 'memory',
        maxTokens: EXTRACTION_MAX_TOKENS,
        ...(signal ? { signal } : {}),
      })
    ).text;

  const first = await ask(prompt);
  const parsed = parseExtraction(first);
  if (parsed.ok) return { decisions: parsed.decisions, calls: 1, gaveUp: false, graph: parsed.graph };

  log.debug({ problem: parsed.problem }, 'Memory extraction answer unusable; asking once more');
  const second = await ask([...prompt, ...correctionPrompt(first, parsed.problem)]);
  const retried = parseExtraction(second);
  if (retried.ok) return { decisions: retried.decisions, calls: 2, gaveUp: false, graph: retried.graph };

  log.warn(
    {
      problem: retried.problem,
      firstProblem: parsed.problem,
      sample: second.slice(0, SAMPLE_CHARS),
      sampleChars: second.length,
    },
    'Memory extraction gave up: the memory LLM (MEM0_MODEL) answered with unusable JSON twice; nothing was stored for this exchange',
  );
  return { decisions: [], calls: 2, gaveUp: true, graph: NO_RELATIONS };
}
