/** Token usage of one turn's LLM calls, written once the assistant message (and so its id) exists. */
import type { Repositories, UsageInput } from '../db/index.js';
import type { Tier, TokenUsage } from '../domain/index.js';

export interface LlmCallUsage {
  usage: TokenUsage;
  model: string;
  provider: string;
  purpose: string;
  tier: Tier | undefined;
  durationMs: number;
}

export class TurnUsageLog {
  private readonly calls: Array<Omit<UsageInput, 'messageId'>> = [];

  constructor(private readonly turn: { sessionId: string; userId: string }) {}

  add(call: LlmCallUsage): void {
    this.calls.push({
      sessionId: this.turn.sessionId,
      userId: this.turn.userId,
      provider: call.provider,
      model: call.model,
      purpose: call.purpose,
      tier: call.tier ?? null,
      inputTokens: call.usage.inputTokens,
      outputTokens: call.usage.outputTokens,
      cost: call.usage.cost ?? null,
      durationMs: call.durationMs,
    });
  }

  /** Writes every call, linked to the assistant message when the turn produced one. */
  async save(repos: Repositories, assistantMessageId: number | null): Promise<void> {
    for (const call of this.calls.splice(0))
      await repos.usage.record({ ...call, messageId: assistantMessageId });
  }
}
