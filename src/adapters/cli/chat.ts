/**
 * `clara chat`: an interactive terminal chat with streamed replies, or — when stdin is not a terminal — one message
 * read from stdin whose reply alone is printed to stdout (errors go to stderr with a non-zero exit code).
 */
import { createInterface } from 'node:readline/promises';
import type { Readable, Writable } from 'node:stream';
import type { InboundMessage, ReplyEvent, Tier } from '../../domain/index.js';
import type { Engine } from '../../engine/index.js';
import { isTier } from '../../engine/index.js';

export interface CliIdentity {
  userId: string;
  userName: string;
  displayName: string;
  conversationId: string;
  /** May use admin-only tools (the machine's owner). */
  isAdmin?: boolean;
}

export interface ChatIo {
  input: Readable & { isTTY?: boolean };
  output: Writable & { isTTY?: boolean };
  errors: Writable;
}

const TERMINAL_GUIDELINES =
  'You are talking in a plain terminal. Markdown is shown as raw text, so keep formatting light: short paragraphs, ' +
  'simple lists, code in fenced blocks.';

const HELP = `Commands:
  /new                start a new conversation (Clara still remembers what matters)
  /tier high|mid|low  use that model tier for the next messages; /tier auto lets Clara choose; /tier default resets
  /help               show this help
  /quit               leave (Ctrl-D works too)
Start a message with !high, !mid or !low to pick the tier for that message only.`;

function message(identity: CliIdentity, content: string, tier: Tier | 'auto' | undefined): InboundMessage {
  return {
    platform: 'cli',
    userId: identity.userId,
    userName: identity.userName,
    displayName: identity.displayName,
    conversationId: identity.conversationId,
    isAdmin: identity.isAdmin,
    conversationTitle: 'Terminal chat',
    content,
    environment: { kind: 'terminal' },
    tier,
    platformGuidelines: TERMINAL_GUIDELINES,
  };
}

async function readAll(input: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

/** Piped mode: one message in, the reply out. Returns the process exit code. */
export async function runPipedChat(engine: Engine, identity: CliIdentity, io: ChatIo): Promise<number> {
  const content = (await readAll(io.input)).trim();
  if (!content) {
    io.errors.write(
      'clara chat: nothing was read from stdin. Pipe a message in, e.g. echo "hi" | clara chat\n',
    );
    return 2;
  }
  let wroteText = false;
  for await (const event of engine.handle(message(identity, content, undefined))) {
    if (event.type === 'text') {
      io.output.write(event.text);
      wroteText = true;
    } else if (event.type === 'done') {
      if (!wroteText) io.output.write(event.text);
      io.output.write('\n');
      return 0;
    } else if (event.type === 'error') {
      if (wroteText) io.output.write('\n');
      io.errors.write(`clara chat: ${event.message}\n`);
      return event.code === 'not_configured' ? 3 : 1;
    }
  }
  return 1;
}

const dim = (text: string, tty: boolean | undefined) => (tty ? `\x1b[2m${text}\x1b[22m` : text);
const red = (text: string, tty: boolean | undefined) => (tty ? `\x1b[31m${text}\x1b[39m` : text);

function render(event: ReplyEvent, io: ChatIo, state: { text: boolean }): void {
  const tty = io.output.isTTY;
  switch (event.type) {
    case 'tier':
      io.output.write(`${dim(`(${event.tier} tier${event.auto ? ', auto' : ''}: ${event.model})`, tty)}\n`);
      break;
    case 'text':
      io.output.write(event.text);
      state.text = true;
      break;
    case 'tool_start':
      io.output.write(`${state.text ? '\n' : ''}${dim(`${event.emoji} ${event.status}`, tty)}\n`);
      state.text = false;
      break;
    case 'notice':
      io.output.write(`${dim(event.text, tty)}\n`);
      break;
    case 'link':
      io.output.write(`${state.text ? '\n' : ''}${dim(`🔗 ${event.label}: ${event.url}`, tty)}\n`);
      state.text = false;
      break;
    case 'attachment':
      // The terminal cannot show a file: say what was sent; tools save it in the person's files first.
      io.output.write(
        `${state.text ? '\n' : ''}${dim(`📎 ${event.name} (${event.data.byteLength} bytes, ${event.mediaType})`, tty)}\n`,
      );
      state.text = false;
      break;
    case 'done':
      if (!state.text) io.output.write(event.text);
      io.output.write('\n\n');
      break;
    case 'error':
      io.output.write(`${state.text ? '\n' : ''}${red(event.message, tty)}\n\n`);
      break;
    default:
      break;
  }
}

/** Interactive mode: a prompt loop until /quit or end of input. */
export async function runInteractiveChat(
  engine: Engine,
  identity: CliIdentity,
  io: ChatIo,
  intro: string,
): Promise<number> {
  const rl = createInterface({ input: io.input, output: io.output, terminal: io.input.isTTY === true });
  let tier: Tier | 'auto' | undefined;
  io.output.write(`${intro}\n${dim('Type /help for commands.', io.output.isTTY)}\n\n`);
  try {
    for (;;) {
      let line: string;
      try {
        line = await rl.question('you › ');
      } catch {
        break; // input closed (Ctrl-D)
      }
      const text = line.trim();
      if (!text) continue;
      if (text === '/quit' || text === '/exit') break;
      if (text === '/help') {
        io.output.write(`${HELP}\n\n`);
        continue;
      }
      if (text === '/new') {
        await engine.startNewSession(identity.conversationId, 'Terminal chat', {
          userId: identity.userId,
          environment: { kind: 'terminal' },
        });
        io.output.write(`${dim('Started a new conversation.', io.output.isTTY)}\n\n`);
        continue;
      }
      if (text.startsWith('/tier')) {
        const choice = text.slice(5).trim().toLowerCase();
        if (choice === 'auto' || isTier(choice)) tier = choice;
        else if (choice === 'default' || choice === '') tier = undefined;
        else {
          io.output.write(`Unknown tier "${choice}". Use high, mid, low, auto or default.\n\n`);
          continue;
        }
        io.output.write(`${dim(`Tier: ${tier ?? 'default'}`, io.output.isTTY)}\n\n`);
        continue;
      }
      if (text.startsWith('/')) {
        io.output.write(`Unknown command ${text.split(/\s/)[0]}. Type /help for the list.\n\n`);
        continue;
      }
      io.output.write(`${engine.botName.toLowerCase()} › `);
      const state = { text: false };
      for await (const event of engine.handle(message(identity, text, tier))) render(event, io, state);
    }
  } finally {
    rl.close();
  }
  return 0;
}
