/**
 * Clara's own mailbox (spec §8.1): reading the INBOX over IMAP (read-only, so nothing is marked read) and sending
 * over SMTP with nodemailer. Implicit TLS on ports 993/465, otherwise STARTTLS when the server offers it.
 */
import { createImapClient, describeImapError, EmailConnectionError, type ImapSettings } from './imap.js';
import { collapse } from './message.js';

export interface MailboxConfig {
  address: string;
  password: string;
  imapHost: string;
  imapPort: number;
  smtpHost: string;
  smtpPort: number;
  smtpTimeoutSeconds: number;
  /** Extra trusted certificates in PEM (EMAIL_TLS_CA_FILE), for IMAP and SMTP. */
  tlsCa?: string | undefined;
}

export interface MailboxEntry {
  uid: number;
  from: string;
  subject: string;
  date: string;
  unread: boolean;
}

export interface SendRequest {
  to: string;
  subject: string;
  body: string;
}

export class Mailbox {
  constructor(private readonly config: MailboxConfig) {}

  get address(): string {
    return this.config.address;
  }

  private imapSettings(): ImapSettings {
    return {
      host: this.config.imapHost,
      port: this.config.imapPort,
      tls: this.config.imapPort === 993,
      user: this.config.address,
      password: this.config.password,
      ca: this.config.tlsCa,
    };
  }

  /** The newest `limit` messages (or the newest unread ones), newest first. */
  async list(options: { unreadOnly: boolean; limit: number }): Promise<MailboxEntry[]> {
    const settings = this.imapSettings();
    const client = await createImapClient(settings, { connectMs: this.config.smtpTimeoutSeconds * 1000 });
    try {
      await client.connect();
      const mailbox = await client.mailboxOpen('INBOX', { readOnly: true });
      let range: string | number[];
      if (options.unreadOnly) {
        const unseen = (await client.search({ seen: false }, { uid: true })) || [];
        range = unseen.sort((a, b) => a - b).slice(-options.limit);
        if (range.length === 0) return [];
      } else {
        if (mailbox.exists === 0) return [];
        range = `${Math.max(1, mailbox.exists - options.limit + 1)}:*`;
      }
      const messages = await client.fetchAll(
        Array.isArray(range) ? range.join(',') : range,
        { uid: true, envelope: true, flags: true, internalDate: true },
        { uid: Array.isArray(range) },
      );
      await client.logout().catch(() => {});
      return messages
        .sort((a, b) => b.uid - a.uid)
        .slice(0, options.limit)
        .map((m) => {
          const from = m.envelope?.from?.[0];
          const date = m.envelope?.date ?? m.internalDate;
          return {
            uid: m.uid,
            from: collapse(
              from ? (from.name ? `${from.name} <${from.address ?? ''}>` : (from.address ?? '')) : '',
            ),
            subject: collapse(m.envelope?.subject ?? '') || '(No Subject)',
            date: date ? new Date(date).toUTCString() : '',
            unread: !m.flags?.has('\\Seen'),
          };
        });
    } catch (error) {
      throw new EmailConnectionError(describeImapError(error, settings));
    } finally {
      client.close();
    }
  }

  async send(request: SendRequest): Promise<{ messageId: string }> {
    const timeout = this.config.smtpTimeoutSeconds * 1000;
    const { default: nodemailer } = await import('nodemailer');
    const transport = nodemailer.createTransport({
      host: this.config.smtpHost,
      port: this.config.smtpPort,
      secure: this.config.smtpPort === 465,
      auth: { user: this.config.address, pass: this.config.password },
      ...(this.config.tlsCa ? { tls: { ca: [this.config.tlsCa] } } : {}),
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
    });
    try {
      const info = await transport.sendMail({
        from: this.config.address,
        to: request.to,
        subject: request.subject,
        text: request.body,
      });
      return { messageId: String(info.messageId ?? '') };
    } catch (error) {
      const e = error as { code?: string; responseCode?: number; message?: string };
      if (e.code === 'EAUTH')
        throw new Error(
          `SMTP login failed at ${this.config.smtpHost}:${this.config.smtpPort}: check CLARA_EMAIL_ADDRESS and CLARA_EMAIL_PASSWORD.`,
        );
      if (e.code === 'ECONNECTION' || e.code === 'ETIMEDOUT' || e.code === 'ESOCKET') {
        throw new Error(
          `Cannot reach the SMTP server ${this.config.smtpHost}:${this.config.smtpPort} (${e.code}): ${e.message ?? ''}`.trim(),
        );
      }
      throw new Error(
        `Sending failed${e.responseCode ? ` (SMTP ${e.responseCode})` : ''}: ${e.message ?? String(error)}`,
      );
    } finally {
      transport.close();
    }
  }
}
