/**
 * Persona text (spec §11.7): `BOT_PERSONALITY_FILE`, else `BOT_PERSONALITY`, else `personalities/<CLARA_PERSONALITY>.md`
 * (looked up in the data directory first, then the shipped folder), else a built-in default.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

export interface PersonaOptions {
  /** `BOT_PERSONALITY_FILE` */
  file?: string;
  /** `BOT_PERSONALITY` */
  text?: string;
  /** `CLARA_PERSONALITY` */
  name: string;
  /** Folders searched for `<name>.md`, in order. */
  directories: readonly string[];
  /** `BOT_NAME`, used when the persona does not start with "You are <Name>". */
  botName: string;
  warn?: (message: string) => void;
}

export interface Persona {
  text: string;
  /** Display name: the word after "You are" at the very start of the persona, else `BOT_NAME`. */
  botName: string;
  /** Where the text came from, for `clara doctor` and logs. */
  source: string;
}

const BUILT_IN = `You are Clara, a candid, warm and sharp personal assistant with a dry wit. You remember the people you
talk with and use what you know naturally. You help with planning, thinking things through, creative and technical
work, and drafting messages. Acknowledge elapsed time like a friend would, assume announced activities happened and
ask how they went, never state raw time gaps, and prefer newer information when it contradicts older information.
Be honest about being an AI and never invent facts.`;

export function displayNameFromPersona(text: string, fallback: string): string {
  const match = /^\s*You are\s+([A-Z][\w-]*)/.exec(text);
  return match?.[1] ?? fallback;
}

export function loadPersona(options: PersonaOptions): Persona {
  const make = (text: string, source: string): Persona => ({
    text: text.trim(),
    botName: displayNameFromPersona(text, options.botName),
    source,
  });
  if (options.file) {
    if (existsSync(options.file)) return make(readFileSync(options.file, 'utf8'), options.file);
    options.warn?.(`BOT_PERSONALITY_FILE=${options.file} does not exist; using the next persona source.`);
  }
  if (options.text?.trim()) return make(options.text, 'BOT_PERSONALITY');
  for (const directory of options.directories) {
    const path = join(directory, `${options.name}.md`);
    if (existsSync(path)) return make(readFileSync(path, 'utf8'), path);
  }
  options.warn?.(
    `Personality "${options.name}" was not found in ${options.directories.join(', ')}; using the built-in persona. ` +
      `Available: ${listPersonalities(options.directories).join(', ') || 'none'}.`,
  );
  return make(BUILT_IN, 'built-in');
}

/** Names of the `*.md` personalities available in the given folders. */
export function listPersonalities(directories: readonly string[]): string[] {
  const names = new Set<string>();
  for (const directory of directories) {
    if (!existsSync(directory)) continue;
    for (const file of readdirSync(directory)) if (file.endsWith('.md')) names.add(basename(file, '.md'));
  }
  return [...names].sort();
}
