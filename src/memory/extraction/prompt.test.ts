/**
 * The extraction prompt's size for a realistic exchange, measured with a chars/4 token estimate. mem0 sends two
 * prompts per add totalling about 8.5k tokens; ours must be at most a quarter of that and aims below 1.5k.
 */
import { describe, expect, it } from 'vitest';
import type { ExchangeMessage } from '../types.js';
import {
  buildExtractionPrompt,
  correctionPrompt,
  EXTRACTION_INSTRUCTIONS,
  estimatePromptTokens,
} from './prompt.js';

const MEM0_TOKENS_PER_ADD = 8_500;

/** Spec §3.3: the last 4 session messages + the new user turn + the assistant reply. */
const exchange: ExchangeMessage[] = [
  { id: 101, role: 'user', content: 'Morning! Slept badly again, the neighbours had a party until 3.' },
  {
    id: 102,
    role: 'assistant',
    content:
      "Oof, that sounds exhausting. Sorry you had such a rough night. Do you have anything demanding on today, or can you take it slow? If it keeps happening it might be worth talking to them, or at least getting some decent earplugs — the foam ones rated 33 dB work surprisingly well for most people. Want me to remind you later to check in with how you're feeling?",
  },
  {
    id: 103,
    role: 'user',
    content:
      'Big day unfortunately, I have the quarterly review with my manager Priya at 11. I also still need to finish the slides about the Q3 onboarding numbers.',
  },
  {
    id: 104,
    role: 'assistant',
    content:
      'You have got this. Let us get the slides in shape first. What are the two or three numbers Priya will care most about? If you paste the rough outline, I can tighten the wording and suggest a clean structure: headline metric, what changed, why, and what you will do next quarter. Reviews go better when the story is obvious at a glance.',
  },
  {
    id: 105,
    role: 'user',
    name: 'Sam',
    content:
      "Activation went from 41% to 48% after we shipped the new checklist. Oh and by the way, I moved to Munich last month, so I'm on CET now, not London time any more. My sister Lena helped me move. Also I have stopped eating meat since January.",
  },
  {
    id: 106,
    role: 'assistant',
    content:
      "Congratulations on the move to Munich! That activation jump is a great headline: +7 points from the checklist. I'd open with that, then show the funnel before and after, then the next experiment. And noted on the time zone — I'll think in CET from now on. Since you're vegetarian now, want some quick lunch ideas near the office for review day?",
  },
];

const existing = [
  { text: 'Name is Sam', isKey: true },
  { text: 'Lives in London', isKey: true },
  { text: 'Works as a product manager at a fintech start-up', isKey: true },
  { text: 'Manager is Priya', isKey: false },
  { text: 'Has a sister named Lena', isKey: true },
  { text: 'Timezone is Europe/London (GMT)', isKey: true },
  { text: 'Prefers short, direct answers', isKey: false },
  { text: 'Training for a half marathon in October', isKey: false },
  { text: 'Drinks oat-milk flat whites', isKey: false },
  { text: 'Enjoys steak on Fridays', isKey: false },
];

describe('extraction prompt', () => {
  const prompt = buildExtractionPrompt(exchange, existing);
  const tokens = estimatePromptTokens(prompt);

  it(`stays under 1.5k tokens (chars/4) for a typical exchange — at most a quarter of mem0's ~${MEM0_TOKENS_PER_ADD}`, () => {
    expect(tokens).toBeLessThan(1_500);
    expect(tokens).toBeLessThanOrEqual(MEM0_TOKENS_PER_ADD / 4);
    // Instructions alone are a small fixed cost.
    expect(Math.ceil(EXTRACTION_INSTRUCTIONS.length / 4)).toBeLessThan(500);
  });

  it('numbers the existing memories with small integers (never ids) and marks key ones', () => {
    const input = prompt[1]?.content as string;
    expect(input).toContain('1. Name is Sam (key)');
    expect(input).toContain('10. Enjoys steak on Fridays\n');
    expect(input).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
  });

  it('labels speakers, names group participants, and asks about the user, not the assistant', () => {
    const input = prompt[1]?.content as string;
    expect(input).toContain('User (Sam): Activation went from 41%');
    expect(input).toContain('Assistant: Congratulations on the move');
    expect(EXTRACTION_INSTRUCTIONS).toMatch(/about the USER/);
    expect(EXTRACTION_INSTRUCTIONS).toMatch(/anything about the assistant itself/);
    for (const event of ['ADD', 'UPDATE', 'DELETE', 'NONE']) expect(EXTRACTION_INSTRUCTIONS).toContain(event);
  });

  it('keeps only the tail of very long assistant turns and says when nothing is known yet', () => {
    const long = buildExtractionPrompt(
      [
        { role: 'assistant', content: `${'filler '.repeat(2_000)}So, where do you live now?` },
        { role: 'user', content: 'Munich.' },
      ],
      [],
    );
    const input = long[1]?.content as string;
    expect(input).toContain('Existing memories:\n(none)');
    expect(input).toContain('where do you live now?');
    expect(input.length).toBeLessThan(800);
  });

  it('asks once more with a short corrective message', () => {
    const followUp = correctionPrompt('not json'.repeat(500), 'no JSON object found');
    expect(followUp.map((m) => m.role)).toEqual(['assistant', 'user']);
    expect(String(followUp[0]?.content).length).toBeLessThanOrEqual(1_001);
    expect(followUp[1]?.content).toContain('no JSON object found');
  });
});
