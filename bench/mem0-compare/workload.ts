/**
 * The workload, identical for every system: N realistic exchanges for one user (a few of them change where the user
 * lives or works), Q searches, five identical adds at once, and a contradiction ("I live in Berlin" then "I moved to
 * Munich"). Deterministic: the same texts in the same order every run.
 */
import { factsOf, slotOf } from './responder.js';
import type { ExchangeTurn } from './system.js';

const PETS = ['dog', 'cat', 'parrot', 'rabbit', 'tortoise', 'hamster', 'ferret'];
const NAMES = ['Biscuit', 'Maya', 'Jonas', 'Priya', 'Tomás', 'Aiko', 'Léa', 'Kofi', 'Ingrid', 'Ravi', 'Noor'];
const FOODS = [
  'spicy ramen',
  'sourdough bread',
  'vegetarian lasagne',
  'mango sticky rice',
  'pierogi',
  'falafel wraps',
  'green curry',
  'blueberry pancakes',
  'miso soup',
];
const INSTRUMENTS = ['cello', 'piano', 'ukulele', 'violin', 'drums', 'flute'];
const LANGUAGES = ['Japanese', 'Portuguese', 'Finnish', 'Korean', 'Arabic', 'Italian', 'Swahili', 'Polish'];
const CITIES = ['Lisbon', 'Osaka', 'Vienna', 'Montreal', 'Cape Town', 'Oslo', 'Valencia', 'Hanoi', 'Porto'];
const COMPANIES = [
  'a bakery',
  'the city hospital',
  'a bike shop',
  'an architecture firm',
  'a public library',
];
const HOBBIES = [
  'watercolour painting',
  'bouldering',
  'chess openings',
  'birdwatching',
  'pottery',
  'trail running',
  'knitting',
];
const WHEN = ['every weekend', 'on Tuesdays', 'before work', 'since last year', 'most evenings'];
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'];
const SMALL_TALK = [
  'The weather was lovely today.',
  'Work was a bit hectic.',
  'Traffic was terrible this morning.',
  'What a week it has been.',
];
const QUESTIONS = [
  'Any tips?',
  'What do you think?',
  'Can you suggest something for tonight?',
  'Should I plan anything special?',
];
const REPLIES = [
  'That sounds wonderful! I will remember that.',
  'Great to hear. Here is an idea: keep a small journal about it.',
  'Thanks for sharing! Maybe try something new this weekend.',
  'Noted. Let me know how it goes.',
];

const at = <T>(items: readonly T[], i: number): T => items[Math.floor(i) % items.length] as T;

function factSentence(i: number): string {
  if (i % 10 === 9) return `I live in ${at(CITIES, i / 10)}.`;
  if (i % 15 === 14) return `I work at ${at(COMPANIES, i / 15)}.`;
  switch (i % 6) {
    case 0:
      return `I have a ${at(PETS, i)} called ${at(NAMES, i)}.`;
    case 1:
      return `I love ${at(FOODS, i)}.`;
    case 2:
      return `I play the ${at(INSTRUMENTS, i)} ${at(WHEN, i)}.`;
    case 3:
      return `I am learning ${at(LANGUAGES, i)}.`;
    case 4:
      return `I visited ${at(CITIES, i)} with ${at(NAMES, i + 3)}.`;
    default:
      return `I enjoy ${at(HOBBIES, i)} ${at(WHEN, i + 2)}.`;
  }
}

/** Exchange i: one or two facts about the user, small talk, a question, and the assistant's answer. */
export function exchange(i: number): ExchangeTurn[] {
  const second = i % 3 === 0 ? ` I have a meeting with ${at(NAMES, i + 5)} on ${at(DAYS, i)}.` : '';
  return [
    {
      role: 'user',
      content: `${at(SMALL_TALK, i)} ${factSentence(i)}${second} ${at(QUESTIONS, i)}`,
    },
    { role: 'assistant', content: at(REPLIES, i) },
  ];
}

const OPENERS = [
  'what do you remember about',
  'tell me about',
  'remind me what I said about',
  'any thoughts on',
  'does the user care about',
  'what do you know about',
  'where does the user stand on',
  'can you recall anything about',
  'help me plan something around',
  'anything new on',
];
const TOPICS = [...FOODS, ...INSTRUMENTS, ...LANGUAGES, ...CITIES, ...HOBBIES, ...NAMES, ...PETS];

/** Search i: an opener and a topic; all distinct for i < 570 (so no system profits from a query cache). */
export function query(i: number): string {
  return `${at(OPENERS, i)} ${at(TOPICS, i)}`;
}

export const DUPLICATE_EXCHANGE: ExchangeTurn[] = [
  { role: 'user', content: 'I have a sister called Ana. I am allergic to peanuts.' },
  { role: 'assistant', content: 'Thanks, I will keep that in mind.' },
];

export const CONTRADICTION: { before: ExchangeTurn[]; after: ExchangeTurn[]; question: string } = {
  before: [
    { role: 'user', content: 'I live in Berlin.' },
    { role: 'assistant', content: 'Berlin is a great city!' },
  ],
  after: [
    { role: 'user', content: 'Big news! I moved to Munich.' },
    { role: 'assistant', content: 'Congratulations on the move!' },
  ],
  question: 'where does the user live',
};

/**
 * What a perfect memory would hold after exchanges 0…n-1 under the fake's own rules: every distinct fact, with a
 * slot (residence, employer) holding only its latest value.
 */
export function idealMemoryCount(n: number): number {
  const facts = new Map<string, string>();
  for (let i = 0; i < n; i++) {
    for (const fact of factsOf(exchange(i)[0]?.content ?? '')) {
      facts.set(slotOf(fact)?.name ?? fact.toLowerCase(), fact);
    }
  }
  return facts.size;
}
