/** Automatic tier selection (spec §1.10): a low-tier model routes the message to LOW, MID or HIGH. */
import type { Tier, TokenUsage } from '../domain/index.js';
import type { ChatMessage, Llm } from '../llm/index.js';

const ROUTER_INSTRUCTIONS = `You route a chat message to the model tier that should answer it.
LOW: trivial acknowledgements and small talk, where depth would feel odd.
MID (the default): general conversation, problem solving, code, planning, creative work with constraints, and
continuations of conversations that were already MID or HIGH.
HIGH: vulnerability, emotional weight, self-reflection, meaning-making, "why" questions about life, creative work
where the voice matters, moments where the person needs to feel seen.
Short replies such as "yes" or "ok" keep the tier of the ongoing discussion.
Between MID and HIGH: needs to be seen -> HIGH; needs something done -> MID.
Answer with exactly one word: LOW, MID or HIGH.`;

/** Reads the router's answer: contains HIGH → high, else contains LOW → low, else mid. */
export function parseTierAnswer(answer: string): Tier {
  const upper = answer.toUpperCase();
  if (upper.includes('HIGH')) return 'high';
  if (upper.includes('LOW')) return 'low';
  return 'mid';
}

function textOf(message: ChatMessage): string {
  if (typeof message.content === 'string') return message.content;
  if (message.content === null) return '';
  return message.content
    .filter((part): part is { type: 'text'; text: string } => part.type === 'text')
    .map((part) => part.text)
    .join(' ');
}

/** Builds the router prompt from up to the last 4 turns (200 chars each) and the current message (500 chars). */
export function buildAutoTierPrompt(history: readonly ChatMessage[], current: string): ChatMessage[] {
  const turns = history
    .filter((m) => m.role === 'user' || m.role === 'assistant')
    .slice(-4)
    .map((m) => `${m.role.toUpperCase()}: ${textOf(m).slice(0, 200)}`);
  const context = turns.length > 0 ? `Recent conversation:\n${turns.join('\n')}\n\n` : '';
  return [
    { role: 'system', content: ROUTER_INSTRUCTIONS },
    { role: 'user', content: `${context}Current message:\n${current.slice(0, 500)}` },
  ];
}

export interface TierChoice {
  tier: Tier;
  /** The router call, when it succeeded (for usage accounting). */
  call?: { usage: TokenUsage; model: string; provider: string; durationMs: number };
}

/** Any failure falls back to mid, as in the original. */
export async function chooseTier(
  llm: Llm,
  history: readonly ChatMessage[],
  current: string,
  signal?: AbortSignal,
): Promise<TierChoice> {
  const started = Date.now();
  try {
    const result = await llm.complete({
      messages: buildAutoTierPrompt(history, current),
      tier: 'low',
      purpose: 'auto_tier',
      maxTokens: 5,
      signal,
    });
    const call = {
      usage: result.usage,
      model: result.model,
      provider: result.provider,
      durationMs: Date.now() - started,
    };
    return { tier: parseTierAnswer(result.text), call };
  } catch {
    return { tier: 'mid' };
  }
}
