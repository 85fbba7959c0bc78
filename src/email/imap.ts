/**
 * imapflow plumbing shared by the watcher, the account test and Clara's mailbox: client options (no auto-IDLE,
 * timeouts, no logging of credentials), errors in words a person can act on, and a connection test.
 */
import type { ImapFlow } from 'imapflow';

export interface ImapSettings {
  host: string;
  port: number;
  /** Implicit TLS (993). Otherwise plain, upgraded with STARTTLS when the server offers it. */
  tls: boolean;
  user: string;
  password: string;
  /** Extra trusted certificates in PEM (EMAIL_TLS_CA_FILE), for servers with a private or self-signed one. */
  ca?: string | undefined;
}

/** Where the certificate problem of a TLS failure can be fixed (EMAIL_TLS_CA_FILE). */
export const TLS_TRUST_HINT =
  'If it is your own server, trust its certificate (or its CA) with EMAIL_TLS_CA_FILE=<PEM file>.';

export interface ImapTimeouts {
  connectMs?: number;
  socketMs?: number;
}

/** imapflow is loaded on first use: processes that never touch a mailbox do not pay for it. */
export async function createImapClient(
  settings: ImapSettings,
  timeouts: ImapTimeouts = {},
): Promise<ImapFlow> {
  const { ImapFlow } = await import('imapflow');
  const client = new ImapFlow({
    host: settings.host,
    port: settings.port,
    secure: settings.tls,
    auth: { user: settings.user, pass: settings.password },
    ...(settings.ca ? { tls: { ca: [settings.ca] } } : {}),
    logger: false,
    disableAutoIdle: true,
    connectionTimeout: timeouts.connectMs ?? 30_000,
    greetingTimeout: timeouts.connectMs ?? 30_000,
    socketTimeout: timeouts.socketMs ?? 10 * 60_000,
    clientInfo: { name: 'Clara' },
  });
  // Without a listener an 'error' event would crash the process; callers see failures through their awaits.
  client.on('error', () => {});
  return client;
}

/** A short explanation of an IMAP failure; never includes the password. */
export function describeImapError(
  error: unknown,
  settings: Pick<ImapSettings, 'host' | 'port' | 'tls'>,
): string {
  const e = error as {
    code?: string;
    message?: string;
    authenticationFailed?: boolean;
    responseText?: string;
    serverResponseCode?: string;
  };
  const where = `${settings.host}:${settings.port}`;
  const code = e?.code ?? '';
  const text = `${e?.responseText ?? ''} ${e?.message ?? ''}`.trim();
  if (
    e?.authenticationFailed ||
    /AUTHENTICATIONFAILED|authentication failed|invalid credentials|LOGIN failed/i.test(text)
  ) {
    return `Login failed at ${where}: the server rejected the username or password. Gmail, iCloud, Yahoo and Outlook need an app password, not the account password.`;
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return `Cannot find the server ${settings.host} (DNS lookup failed). Check the IMAP server name.`;
  if (code === 'ECONNREFUSED')
    return `Connection refused by ${where}: nothing accepts IMAP there (check the server and port).`;
  if (
    code === 'ETIMEDOUT' ||
    code === 'CONNECT_TIMEOUT' ||
    code === 'GREETING_TIMEOUT' ||
    /timed? ?out/i.test(text)
  ) {
    return `Timed out talking to ${where}. The server may be down or blocked by a firewall.`;
  }
  const tlsText = `${code} ${text}`;
  if (/CERT_HAS_EXPIRED|certificate has expired/i.test(tlsText)) {
    return `TLS failed with ${where}: the server's certificate has expired (CERT_HAS_EXPIRED).`;
  }
  if (/ALTNAME|Hostname\/IP does not match/i.test(tlsText)) {
    return `TLS failed with ${where}: the server's certificate is for another host name (ERR_TLS_CERT_ALTNAME_INVALID). Use the name on the certificate as the server.`;
  }
  const untrusted =
    /SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|CERT_UNTRUSTED|CERT_SIGNATURE_FAILURE|self[- ]signed|unable to verify|unable to get (local )?issuer/i.exec(
      tlsText,
    );
  if (untrusted) {
    const reason = /^[A-Z_]+$/.test(code) ? code : 'self-signed or from an unknown authority';
    return `TLS failed with ${where}: the server's certificate is not trusted (${reason}). ${TLS_TRUST_HINT}`;
  }
  if (/CERT|ERR_TLS|ERR_SSL|wrong version number|EPROTO/i.test(tlsText)) {
    return settings.tls
      ? `TLS failed with ${where} (${code || 'handshake error'}): the port does not speak TLS (993 does, 143 does not), or the TLS versions do not match.`
      : `TLS failed with ${where} (${code || 'handshake error'}).`;
  }
  if (
    code === 'ECONNRESET' ||
    code === 'EPIPE' ||
    code === 'NoConnection' ||
    /connection (closed|not available)|socket closed/i.test(text)
  ) {
    return `The connection to ${where} was closed.`;
  }
  const detail = text.replace(/\s+/g, ' ').slice(0, 200) || code || 'unknown error';
  return `IMAP error at ${where}: ${detail}`;
}

/** A connection or login problem, explained (see `describeImapError`). */
export class EmailConnectionError extends Error {
  override name = 'EmailConnectionError';
}

export interface ImapProbe {
  uidValidity: string;
  uidNext: number;
  messages: number;
  idle: boolean;
}

/** Logs in, examines INBOX read-only and logs out. Throws with `describeImapError`'s text on failure. */
export async function probeImap(settings: ImapSettings, timeouts: ImapTimeouts = {}): Promise<ImapProbe> {
  const client = await createImapClient(settings, { connectMs: timeouts.connectMs ?? 20_000, ...timeouts });
  try {
    await client.connect();
    const mailbox = await client.mailboxOpen('INBOX', { readOnly: true });
    const probe = {
      uidValidity: String(mailbox.uidValidity),
      uidNext: mailbox.uidNext,
      messages: mailbox.exists,
      idle: client.capabilities.has('IDLE'),
    };
    await client.logout().catch(() => {});
    return probe;
  } catch (error) {
    throw new EmailConnectionError(describeImapError(error, settings));
  } finally {
    client.close();
  }
}

/** Default IMAP server for well-known address domains (as the original guessed), else `imap.<domain>`. */
export function guessImapServer(address: string): string {
  const domain = address.slice(address.lastIndexOf('@') + 1).toLowerCase();
  if (['icloud.com', 'me.com', 'mac.com'].includes(domain)) return 'imap.mail.me.com';
  if (['outlook.com', 'hotmail.com', 'live.com'].includes(domain)) return 'outlook.office365.com';
  if (domain === 'yahoo.com') return 'imap.mail.yahoo.com';
  if (domain === 'gmail.com' || domain === 'googlemail.com') return 'imap.gmail.com';
  return `imap.${domain}`;
}
