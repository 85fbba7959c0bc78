/**
 * The "LLM intelligence" both memory systems get from the fake LLM: one responder (a `FakeStep` function of the
 * request) that recognises each system's extraction prompt and answers in the JSON that system expects, with the
 * SAME facts and the SAME contradiction judgement for both.
 *
 * Facts: every sentence the user wrote in the NEW exchange that starts with "I" ("I live in Berlin.", "I'm a nurse")
 * becomes "User <verb>s …" ("User lives in Berlin", "User is a nurse"); "my" becomes "their". Questions and other
 * sentences are ignored; assistant turns are never mined.
 *
 * Contradictions: a fact fills a slot when it matches one of `SLOTS` ("lives in / moved to" → residence, "works at /
 * for" → employer) and is written in the slot's canonical form ("User moved to Munich" → "User lives in Munich").
 * Against the existing memories shown in the prompt:
 *   - the same text (case-insensitive) already exists      → nothing new (Clara: NONE; mem0: the fact is left out);
 *   - a memory fills the same slot with another value      → a contradiction:
 *       Clara: {"event":"UPDATE","target":n,"text":…} (its prompt asks for exactly this);
 *       mem0:  the fact, with `linked_memory_ids: [<that memory's id>]` — mem0 v3's prompt only asks for additions
 *              ("Your sole operation is ADD"); linking the contradicted memory is the only relation its schema
 *              offers, so the fake says it there;
 *   - otherwise                                            → a new fact (Clara: ADD; mem0: a memory item).
 * Whether a library asks for decisions and applies them is what the benchmark measures, not the fake.
 */
import type { FakeStep, RecordedRequest } from '../../test/support/fake-llm.js';

export type PromptKind = 'clara' | 'mem0' | 'unknown';

/** Opening words of each system's extraction (system) prompt. */
const CLARA_MARK = 'You keep the long-term memory of a personal assistant';
const MEM0_MARK = 'You are a Memory Extractor';

interface Slot {
  name: string;
  pattern: RegExp;
  canonical: (value: string) => string;
}

const SLOTS: readonly Slot[] = [
  {
    name: 'residence',
    pattern: /^User (?:lives|moved|relocated|has moved) (?:in|to) (.+)$/i,
    canonical: (value) => `User lives in ${value}`,
  },
  {
    name: 'employer',
    pattern: /^User (?:works|started working|has started working) (?:at|for) (.+)$/i,
    canonical: (value) => `User works at ${value}`,
  },
];

interface ChatMessage {
  role: string;
  content: string;
}

function messagesOf(request: RecordedRequest): ChatMessage[] {
  const raw: unknown[] = Array.isArray(request.body?.messages) ? request.body.messages : [];
  return raw.map((m) => {
    const message = m as { role?: unknown; content?: unknown };
    return {
      role: String(message.role ?? ''),
      content: typeof message.content === 'string' ? message.content : JSON.stringify(message.content ?? ''),
    };
  });
}

export function promptKind(request: RecordedRequest): PromptKind {
  const system = messagesOf(request).find((m) => m.role === 'system')?.content ?? '';
  if (system.includes(CLARA_MARK)) return 'clara';
  if (system.includes(MEM0_MARK)) return 'mem0';
  return 'unknown';
}

/** Characters of every message's content (prompt size; tokens ≈ chars / 4). */
export function promptChars(request: RecordedRequest): number {
  return messagesOf(request).reduce((sum, m) => sum + m.content.length, 0);
}

const IRREGULAR: Readonly<Record<string, string>> = {
  am: 'is',
  "'m": 'is',
  have: 'has',
  do: 'does',
  go: 'goes',
  was: 'was',
};

function thirdPerson(verb: string): string {
  const lower = verb.toLowerCase();
  if (IRREGULAR[lower]) return IRREGULAR[lower];
  if (/(ed|s)$/.test(lower)) return verb; // past tense, or already conjugated
  if (/(sh|ch|x|z|o)$/.test(lower)) return `${verb}es`;
  if (/[^aeiou]y$/.test(lower)) return `${verb.slice(0, -1)}ies`;
  return `${verb}s`;
}

/** "I live in Berlin." → "User lives in Berlin"; undefined for sentences that are not about the speaker. */
export function factOf(sentence: string): string | undefined {
  const trimmed = sentence.trim().replace(/[.!]+$/, '');
  if (trimmed.endsWith('?')) return undefined;
  const match = /^I(?:\s+|(?='m\s))(\S+)\s*(.*)$/.exec(trimmed);
  if (!match) return undefined;
  const [, verb = '', rest = ''] = match;
  const object = rest.replace(/\bmy\b/gi, 'their').trim();
  const fact = `User ${thirdPerson(verb)}${object ? ` ${object}` : ''}`;
  for (const slot of SLOTS) {
    const value = slot.pattern.exec(fact)?.[1];
    if (value) return slot.canonical(value);
  }
  return fact;
}

export function factsOf(userText: string): string[] {
  const facts = userText
    .split(/(?<=[.!?])\s+|\n+/)
    .map(factOf)
    .filter((f): f is string => f !== undefined);
  return [...new Set(facts)];
}

export function slotOf(fact: string): { name: string; value: string } | undefined {
  for (const slot of SLOTS) {
    const value = slot.pattern.exec(fact)?.[1];
    if (value) return { name: slot.name, value: value.toLowerCase() };
  }
  return undefined;
}

interface Existing {
  /** Clara: the 1-based number; mem0: its string id. */
  ref: string;
  text: string;
}

type Judgement = { kind: 'known' } | { kind: 'contradicts'; existing: Existing } | { kind: 'new' };

export function judge(fact: string, existing: readonly Existing[]): Judgement {
  const lower = fact.toLowerCase();
  if (existing.some((e) => e.text.trim().toLowerCase() === lower)) return { kind: 'known' };
  const slot = slotOf(fact);
  if (slot) {
    const rival = existing.find((e) => {
      const other = slotOf(e.text.trim());
      return other?.name === slot.name && other.value !== slot.value;
    });
    if (rival) return { kind: 'contradicts', existing: rival };
  }
  return { kind: 'new' };
}

interface ClaraDecision {
  text: string;
  event: 'ADD' | 'UPDATE';
  is_key?: boolean;
  target?: number;
}

/** Clara's input: "Existing memories:\n1. …\n\nConversation:\nUser: …\nAssistant: …". */
function answerClara(messages: ChatMessage[]): string {
  const input = messages.find(
    (m) => m.role === 'user' && m.content.startsWith('Existing memories:'),
  )?.content;
  if (!input) return '{"memories":[]}';
  const [memoryPart = '', conversation = ''] = input.split('\n\nConversation:\n');
  const existing: Existing[] = memoryPart.split('\n').flatMap((line) => {
    const m = /^(\d+)\. (.*?)(?: \(key\))?$/.exec(line);
    return m ? [{ ref: m[1] as string, text: m[2] as string }] : [];
  });
  const userText = conversation
    .split('\n')
    .filter((line) => /^User(?: \([^)]*\))?: /.test(line))
    .map((line) => line.replace(/^User(?: \([^)]*\))?: /, ''))
    .join('\n');
  const memories = factsOf(userText).flatMap((text): ClaraDecision[] => {
    const verdict = judge(text, existing);
    const isKey = slotOf(text) !== undefined;
    if (verdict.kind === 'known') return [];
    if (verdict.kind === 'contradicts') {
      return [{ text, event: 'UPDATE', target: Number(verdict.existing.ref) }];
    }
    return [{ text, is_key: isKey, event: 'ADD' }];
  });
  return JSON.stringify({ memories });
}

/** mem0's input: markdown sections "## Existing Memories\n[{id,text}…]" and "## New Messages\nuser: …". */
function answerMem0(messages: ChatMessage[]): string {
  const input = messages.find((m) => m.role === 'user')?.content ?? '';
  const section = (title: string) => {
    const start = input.indexOf(`## ${title}\n`);
    if (start < 0) return '';
    const body = input.slice(start + title.length + 4);
    const end = body.search(/\n\n## |\n\n# Output/);
    return end < 0 ? body : body.slice(0, end);
  };
  let existing: Existing[] = [];
  try {
    const parsed = JSON.parse(section('Existing Memories') || '[]') as { id: string; text: string }[];
    existing = parsed.map((m) => ({ ref: String(m.id), text: String(m.text) }));
  } catch {
    existing = [];
  }
  const userText = section('New Messages')
    .split('\n')
    .filter((line) => line.startsWith('user: '))
    .map((line) => line.slice('user: '.length))
    .join('\n');
  const memory = factsOf(userText).flatMap((text) => {
    const verdict = judge(text, existing);
    if (verdict.kind === 'known') return [];
    return [
      {
        text,
        attributed_to: 'user',
        ...(verdict.kind === 'contradicts' ? { linked_memory_ids: [verdict.existing.ref] } : {}),
      },
    ];
  });
  return JSON.stringify({ memory: memory.map((m, i) => ({ id: String(i), ...m })) });
}

/** Answers one chat request; unknown prompts get an HTTP 400 so a changed prompt is noticed, not guessed. */
export function respond(request: RecordedRequest): FakeStep {
  const messages = messagesOf(request);
  const kind = promptKind(request);
  if (kind === 'clara') return { text: answerClara(messages) };
  if (kind === 'mem0') return { text: answerMem0(messages) };
  const system = messages.find((m) => m.role === 'system')?.content.slice(0, 80) ?? '(no system message)';
  return { status: 400, message: `bench fake LLM: unrecognised prompt (system starts "${system}")` };
}
