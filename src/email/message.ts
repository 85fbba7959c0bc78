/**
 * A fetched IMAP message → `EmailMessage`. Only the first bytes of the source are fetched (PEEK), so huge
 * messages cost little; mailparser decodes MIME words and charsets, and anything it cannot read falls back to the
 * IMAP envelope. Text is cleaned of control characters and bounded, so malformed or non-UTF-8 mail never breaks a
 * check.
 */
import type { FetchMessageObject, MessageStructureObject } from 'imapflow';
import type { AddressObject } from 'mailparser';
import type { EmailMessage } from './types.js';

/** Bytes of each message fetched for rules and summaries. */
export const SOURCE_BYTES = 64 * 1024;
const BODY_CHARS = 4000;
const SNIPPET_CHARS = 200;

/** Control characters other than tab, newline and carriage return (built from code points; lint-friendly). */
const CONTROL = new RegExp(
  `[${String.fromCharCode(0)}-${String.fromCharCode(8)}${String.fromCharCode(11)}${String.fromCharCode(12)}${String.fromCharCode(14)}-${String.fromCharCode(31)}${String.fromCharCode(127)}]`,
  'g',
);

/** Removes control characters (except newlines/tabs) and U+FFFD runs; trims. */
export function cleanText(text: string): string {
  return text
    .replace(CONTROL, '')
    .replace(/\uFFFD+/g, '\uFFFD')
    .trim();
}

export const collapse = (text: string): string => cleanText(text).replace(/\s+/g, ' ').trim();

function hasAttachment(node: MessageStructureObject | undefined): boolean {
  if (!node) return false;
  if (node.disposition?.toLowerCase() === 'attachment') return true;
  if (node.dispositionParameters?.filename || (node.parameters?.name && !node.childNodes)) return true;
  return (node.childNodes ?? []).some(hasAttachment);
}

/** `Name <address>` for each address (mailparser's `text` quotes names). */
function addressText(value: AddressObject | AddressObject[] | undefined): string {
  if (!value) return '';
  return (Array.isArray(value) ? value : [value])
    .flatMap((a) => a.value)
    .map((v) => (v.name && v.address ? `${v.name} <${v.address}>` : v.address || v.name || ''))
    .filter(Boolean)
    .join(', ');
}

function firstAddress(value: AddressObject | AddressObject[] | undefined): string {
  const first = Array.isArray(value) ? value[0] : value;
  return first?.value.find((v) => v.address)?.address ?? '';
}

function htmlToText(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');
}

/** Builds the message model; never throws on bad content. */
export async function toEmailMessage(fetched: FetchMessageObject): Promise<EmailMessage> {
  const envelope = fetched.envelope;
  const envFrom = envelope?.from?.[0];
  let from = envFrom
    ? envFrom.name
      ? `${envFrom.name} <${envFrom.address ?? ''}>`
      : (envFrom.address ?? '')
    : '';
  let fromAddress = envFrom?.address ?? '';
  let subject = envelope?.subject ?? '';
  let body = '';
  let to = (envelope?.to ?? []).map((a) => a.address ?? '').filter(Boolean);
  let date = envelope?.date ? new Date(envelope.date) : undefined;
  let attachments = hasAttachment(fetched.bodyStructure);
  if (fetched.source && fetched.source.length > 0) {
    try {
      const { simpleParser } = await import('mailparser');
      const parsed = await simpleParser(fetched.source, { skipImageLinks: true, skipTextToHtml: true });
      if (parsed.from) {
        from = addressText(parsed.from) || from;
        fromAddress = firstAddress(parsed.from) || fromAddress;
      }
      if (parsed.subject !== undefined) subject = parsed.subject;
      body = parsed.text ?? (typeof parsed.html === 'string' ? htmlToText(parsed.html) : '');
      if (parsed.to) to = addressText(parsed.to).split(', ').filter(Boolean);
      if (parsed.date && !Number.isNaN(parsed.date.getTime())) date = parsed.date;
      attachments ||= parsed.attachments.length > 0;
    } catch {
      // Unparseable source: the envelope values stay.
    }
  }
  const receivedAt =
    date && !Number.isNaN(date.getTime())
      ? date
      : fetched.internalDate
        ? new Date(fetched.internalDate)
        : new Date();
  const bodyText = cleanText(body).slice(0, BODY_CHARS);
  return {
    uid: fetched.uid,
    from: collapse(from).slice(0, 500),
    fromAddress: collapse(fromAddress).toLowerCase().slice(0, 320),
    subject: collapse(subject).slice(0, 1000) || '(No Subject)',
    snippet: collapse(bodyText).slice(0, SNIPPET_CHARS),
    bodyText,
    receivedAt,
    hasAttachments: attachments,
    to: to.slice(0, 50),
    isRead: fetched.flags?.has('\\Seen') ?? false,
    size: fetched.size ?? 0,
  };
}
