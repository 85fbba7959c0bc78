/**
 * Human-readable console output: pino-pretty's formatter used in-process (no worker thread), shaped like the
 * original `HH:MM:SS LEVEL [tag] message (user=…, session=…, channel=…)`.
 */
import pinoPretty from 'pino-pretty';
import { SINK_FAILURE_FIELD } from './db-sink.js';

export interface LineDestination {
  write(line: string): unknown;
}

/** Shown inside the message line, or of no interest on a console. */
const HIDDEN_FIELDS = ['pid', 'hostname', 'name', 'userId', 'sessionId', 'channelId', SINK_FAILURE_FIELD];

function messageFormat(
  log: Record<string, unknown>,
  messageKey: string,
  _level: string,
  { colors }: { colors: { magenta(text: string): string; gray(text: string): string } },
): string {
  const tag = typeof log.name === 'string' ? log.name : 'clara';
  const message = String(log[messageKey] ?? '');
  const context: string[] = [];
  if (typeof log.userId === 'string') context.push(`user=${log.userId}`);
  if (typeof log.sessionId === 'string') context.push(`session=${log.sessionId.slice(0, 8)}`);
  if (typeof log.channelId === 'string') context.push(`channel=${log.channelId}`);
  const suffix = context.length > 0 ? ` ${colors.gray(`(${context.join(', ')})`)}` : '';
  return `${colors.magenta(`[${tag}]`)} ${message}${suffix}`;
}

/** A pino destination that prettifies each JSON line and writes it (scrubbed again) to `destination`. */
export function prettyDestination(
  destination: LineDestination,
  scrub: (text: string) => string,
  colorize: boolean,
): LineDestination {
  const prettify = pinoPretty.prettyFactory({
    colorize,
    translateTime: 'SYS:HH:MM:ss',
    ignore: HIDDEN_FIELDS.join(','),
    messageFormat: messageFormat as pinoPretty.MessageFormatFunc,
    singleLine: true,
    errorLikeObjectKeys: ['err', 'error'],
  });
  return {
    write(line: string) {
      destination.write(scrub(prettify(line)));
    },
  };
}
