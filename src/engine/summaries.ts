/** Session summaries (spec §1.9.4): every `SUMMARY_INTERVAL` messages, and when a session ends. */
import type { Repositories } from '../db/index.js';
import type { Llm } from '../llm/index.js';

export const SUMMARIZE_SESSION_JOB = 'session.summarize';

export interface SummarizeSessionPayload {
  sessionId: string;
}

const SUMMARY_INSTRUCTIONS =
  'Summarize this conversation in 2-3 sentences: the key topics, any decisions made, and the context needed to ' +
  'continue it later. Write in the past tense. Reply with the summary only.';

/** Summarises the last 30 messages (500 chars each) of a session and stores it in `sessions.session_summary`. */
export async function summarizeSession(
  llm: Llm,
  repos: Repositories,
  sessionId: string,
): Promise<string | null> {
  const messages = await repos.messages.recent(sessionId, 30);
  if (messages.length === 0) return null;
  const transcript = messages.map((m) => `${m.role.toUpperCase()}: ${m.content.slice(0, 500)}`).join('\n');
  const result = await llm.complete({
    purpose: 'summary',
    messages: [
      { role: 'system', content: SUMMARY_INSTRUCTIONS },
      { role: 'user', content: transcript },
    ],
    maxTokens: 300,
  });
  const summary = result.text.trim();
  if (!summary) return null;
  await repos.sessions.setSummary(sessionId, summary);
  return summary;
}
