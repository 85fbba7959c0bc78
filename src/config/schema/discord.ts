import { defineVar } from '../define.js';
import { bool, int, list, text, url } from '../var-types.js';

const group = 'Discord';
const snowflake = /^\d{1,20}$/;
const ids = () => list({ item: snowflake, itemExpected: 'Discord ids (digits)' });

export const discordVars = [
  defineVar({
    name: 'DISCORD_BOT_TOKEN',
    type: text(),
    description: 'Discord bot token; unset = the Discord adapter does not start.',
    group,
    secret: true,
  }),
  defineVar({
    name: 'DISCORD_CLIENT_ID',
    type: text({ pattern: snowflake, expected: 'a Discord application id (digits)' }),
    description: 'Discord application id, only used to log the invite URL.',
    group,
  }),
  defineVar({
    name: 'DISCORD_ALLOWED_SERVERS',
    type: ids(),
    default: [],
    description: 'Server ids Clara answers in (all channels of these servers).',
    group,
  }),
  defineVar({
    name: 'DISCORD_ALLOWED_CHANNELS',
    type: ids(),
    default: [],
    description: 'Channel ids Clara answers in, for servers not in DISCORD_ALLOWED_SERVERS.',
    group,
  }),
  defineVar({
    name: 'DISCORD_ALLOWED_ROLES',
    type: ids(),
    default: [],
    description: 'Role ids: when set, only members holding one of them are answered.',
    group,
  }),
  defineVar({
    name: 'CLARA_ADMIN_ROLE',
    type: text(),
    default: 'Clara-Admin',
    description: 'Role name that grants admin rights (channel modes, MCP administration).',
    group,
  }),
  defineVar({
    name: 'DISCORD_STOP_PHRASES',
    type: list({ lowercase: true }),
    default: ['clara stop', 'stop clara', 'nevermind', 'never mind'],
    description: 'Messages that cancel the running reply and the channel queue (exact match, any case).',
    group,
  }),
  defineVar({
    name: 'DISCORD_MAX_MESSAGES',
    type: int({ min: 1, max: 200 }),
    default: 25,
    description: 'Maximum length of a reply chain (the message and those it replies to) used as context.',
    group,
  }),
  defineVar({
    name: 'DISCORD_MAX_CHARS',
    type: int({ min: 100, max: 10_000_000, unit: 'of characters' }),
    default: 100000,
    description: 'Maximum characters kept per cached message and per inlined text attachment.',
    group,
  }),
  defineVar({
    name: 'DISCORD_MAX_FILE_SIZE',
    type: int({ min: 1, max: 100_000_000, unit: 'of bytes' }),
    default: 100000,
    description: 'Maximum bytes of a text attachment inlined into the prompt.',
    group,
  }),
  defineVar({
    name: 'DISCORD_SUMMARY_AGE_MINUTES',
    type: int({ min: 1, max: 10080, unit: 'of minutes' }),
    default: 30,
    description: 'Channel messages older than this are folded into the rolling channel summary.',
    group,
  }),
  defineVar({
    name: 'DISCORD_CHANNEL_HISTORY_LIMIT',
    type: int({ min: 0, max: 1000 }),
    default: 50,
    description: 'Channel messages fetched as context per request.',
    group,
  }),
  defineVar({
    name: 'DISCORD_MAX_IMAGE_DIMENSION',
    type: int({ min: 64, max: 8192, unit: 'of pixels' }),
    default: 1568,
    description: 'Longest image side sent to the model; larger images are scaled down.',
    group,
  }),
  defineVar({
    name: 'DISCORD_MAX_IMAGE_SIZE',
    type: int({ min: 1024, max: 100_000_000, unit: 'of bytes' }),
    default: 4194304,
    description: 'Maximum encoded image bytes sent to the model.',
    group,
  }),
  defineVar({
    name: 'DISCORD_MAX_IMAGES_PER_REQUEST',
    type: int({ min: 1, max: 20 }),
    default: 1,
    description: 'Images per LLM call; more images are processed in batches.',
    group,
  }),
  defineVar({
    name: 'DISCORD_AUTO_CONTINUE',
    type: bool(),
    default: true,
    description: 'Continue automatically when a reply ends by asking permission to proceed.',
    group,
  }),
  defineVar({
    name: 'DISCORD_AUTO_CONTINUE_MAX',
    type: int({ min: 0, max: 20 }),
    default: 3,
    description: 'Maximum automatic continuations per original message.',
    group,
  }),
  defineVar({
    name: 'DISCORD_IO_THREADS',
    type: int({ min: 1, max: 256 }),
    default: 20,
    description:
      'Maximum background jobs (memory extraction, summaries) running at once (the original thread-pool size).',
    group,
  }),
  defineVar({
    name: 'DISCORD_API_URL',
    type: url({ example: 'https://discord.com/api' }),
    default: 'https://discord.com/api',
    description:
      'REST base of the Discord API (without /v10); the gateway comes from its /gateway/bot. Point it at a Discord-compatible server such as Spacebar.',
    group,
    isNew: true,
  }),
  defineVar({
    name: 'DISCORD_RATE_LIMIT_MESSAGES',
    type: int({ min: 0, max: 10_000 }),
    default: 12,
    description:
      'Messages one person may send Clara per DISCORD_RATE_LIMIT_WINDOW_SECONDS; 0 disables the limit.',
    group,
    isNew: true,
  }),
  defineVar({
    name: 'DISCORD_RATE_LIMIT_WINDOW_SECONDS',
    type: int({ min: 1, max: 86_400, unit: 'of seconds' }),
    default: 60,
    description: 'Window of the per-person rate limit.',
    group,
    isNew: true,
  }),
  defineVar({
    name: 'DISCORD_EDIT_INTERVAL_MS',
    type: int({ min: 250, max: 10_000, unit: 'of milliseconds' }),
    default: 1000,
    description:
      'Minimum time between two edits of a streaming reply message (Discord allows 5 edits per 5 s).',
    group,
    isNew: true,
  }),
  defineVar({
    name: 'DISCORD_RECOVERY_MINUTES',
    type: int({ min: 0, max: 10_080, unit: 'of minutes' }),
    default: 60,
    description:
      'After a restart, messages stored but not answered within this many minutes are answered; 0 disables.',
    group,
    isNew: true,
  }),
] as const;
