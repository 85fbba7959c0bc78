/**
 * Rolling channel summaries (spec §1.9.2): in a shared channel, messages older than `DISCORD_SUMMARY_AGE_MINUTES`
 * are folded into a short summary stored in `channel_summaries`; the recent ones go into the prompt verbatim.
 * Unlike the original, the reply never waits for the summary: it uses the stored one and a background job
 * refreshes it when older messages have appeared since its cutoff.
 */
import type { Repositories } from '../db/index.js';
import type { ContextMessage } from '../domain/index.js';
import type { JobQueue } from '../jobs/index.js';
import type { Llm } from '../llm/index.js';

export const CHANNEL_SUMMARY_JOB = 'channel.summarize';

/** One message of the channel as the platform reports it. */
export interface ChannelMessage {
  authorName: string;
  isBot: boolean;
  content: string;
  at: Date;
  platformMessageId?: string;
}

export interface ChannelSummaryOptions {
  repos: Repositories;
  jobs: JobQueue;
  llm: () => Llm | undefined;
  /** `DISCORD_SUMMARY_AGE_MINUTES` */
  ageMinutes: number;
  /** Name used for the bot's own messages in the summary input. */
  botName: string;
}

interface SummarizePayload {
  channelKey: string;
  /** Messages older than the split, oldest first (serialised dates). */
  older: Array<{ authorName: string; isBot: boolean; content: string; at: string }>;
}

const INSTRUCTIONS =
  'Summarize this Discord conversation in 3-5 sentences, in the past tense, focusing on what would help someone ' +
  'continue it: who said what, open questions, decisions. Reply with the summary only.';

export class ChannelSummaries {
  constructor(private readonly options: ChannelSummaryOptions) {
    options.jobs.register<SummarizePayload>(CHANNEL_SUMMARY_JOB, {
      retries: 2,
      backoffMs: 5_000,
      handler: async (payload) => {
        await this.summarize(payload);
      },
    });
  }

  /**
   * Splits the channel's messages at now − age: returns the stored summary and the recent messages (as prompt
   * context), and schedules a refresh when older messages are newer than the stored cutoff.
   */
  async prepare(
    channelKey: string,
    messages: readonly ChannelMessage[],
    now: Date,
  ): Promise<{ summary: string; recent: ContextMessage[] }> {
    const split = now.getTime() - this.options.ageMinutes * 60_000;
    const older = messages.filter((m) => m.at.getTime() < split);
    const recent = messages.filter((m) => m.at.getTime() >= split);
    const stored = await this.options.repos.channelSummaries.get(channelKey);
    const newestOld = older.at(-1)?.at;
    if (newestOld && (!stored?.summaryCutoffAt || newestOld > stored.summaryCutoffAt)) {
      this.options.jobs.enqueue<SummarizePayload>(
        CHANNEL_SUMMARY_JOB,
        { channelKey, older: older.map((m) => ({ ...m, at: m.at.toISOString() })) },
        { key: `channel-summary:${channelKey}` },
      );
    }
    return {
      summary: stored?.summary ?? '',
      recent: recent.map((m) => ({
        role: m.isBot ? 'assistant' : 'user',
        authorName: m.isBot ? undefined : m.authorName,
        content: m.content,
        at: m.at,
        platformMessageId: m.platformMessageId,
      })),
    };
  }

  private async summarize({ channelKey, older }: SummarizePayload): Promise<void> {
    const llm = this.options.llm();
    const newest = older.at(-1);
    if (!llm || !newest) return;
    const stored = await this.options.repos.channelSummaries.get(channelKey);
    const cutoff = stored?.summaryCutoffAt?.getTime() ?? 0;
    const fresh = older.filter((m) => new Date(m.at).getTime() > cutoff);
    if (fresh.length === 0) return;
    const lines = fresh.map(
      (m) => `${m.isBot ? this.options.botName : m.authorName}: ${m.content.slice(0, 500)}`,
    );
    const input = stored?.summary
      ? `Previous summary:\n${stored.summary}\n\nNew messages:\n${lines.join('\n')}`
      : lines.join('\n');
    const result = await llm.complete({
      purpose: 'summary',
      maxTokens: 400,
      messages: [
        { role: 'system', content: INSTRUCTIONS },
        { role: 'user', content: input },
      ],
    });
    const summary = result.text.trim();
    if (summary) await this.options.repos.channelSummaries.upsert(channelKey, summary, new Date(newest.at));
  }
}
