import { defineVar, derivedFrom } from '../define.js';
import { bool, fernetKey, filePath, int, num, port, text, url } from '../var-types.js';

const files = 'Files';
const email = 'Email';
const proactive = 'Proactive';

export const fileVars = [
  defineVar({
    name: 'CLARA_FILES_DIR',
    type: filePath(),
    default: './clara_files',
    description:
      'Root directory of saved user files (local storage), one folder per user; relative to DATA_DIR.',
    group: files,
  }),
  defineVar({
    name: 'CLARA_MAX_FILE_SIZE',
    type: int({ min: 1, max: 10_000_000_000, unit: 'of bytes' }),
    default: 52428800,
    description: 'Largest file Clara stores, in bytes.',
    group: files,
  }),
  defineVar({
    name: 'S3_ENABLED',
    type: bool(),
    default: false,
    description: 'Store files in S3-compatible storage (needs S3_ACCESS_KEY and S3_SECRET_KEY).',
    group: files,
  }),
  defineVar({
    name: 'S3_BUCKET',
    type: text({ pattern: /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, expected: 'an S3 bucket name' }),
    defaultDoc: 'clara-files (files), clara-backups (backups)',
    description: 'S3 bucket; when unset files use clara-files and backups use clara-backups.',
    group: files,
  }),
  defineVar({
    name: 'S3_ENDPOINT_URL',
    type: url(),
    default: 'https://s3.wasabisys.com',
    description: 'S3-compatible endpoint (Wasabi, AWS S3, DigitalOcean Spaces…).',
    group: files,
  }),
  defineVar({
    name: 'S3_ACCESS_KEY',
    type: text(),
    description: 'S3 access key id.',
    group: files,
    secret: true,
  }),
  defineVar({
    name: 'S3_SECRET_KEY',
    type: text(),
    description: 'S3 secret key.',
    group: files,
    secret: true,
  }),
  defineVar({
    name: 'S3_REGION',
    type: text(),
    default: 'us-east-1',
    description: 'S3 region.',
    group: files,
  }),
] as const;

export const emailVars = [
  defineVar({
    name: 'CLARA_EMAIL_ADDRESS',
    type: text({ pattern: /^[^\s@]+@[^\s@]+$/, expected: 'an email address' }),
    description:
      "Clara's own mailbox address (with CLARA_EMAIL_PASSWORD enables the check_email and send_email tools).",
    group: email,
  }),
  defineVar({
    name: 'CLARA_EMAIL_PASSWORD',
    type: text(),
    description: "Password of Clara's mailbox.",
    group: email,
    secret: true,
  }),
  defineVar({
    name: 'CLARA_IMAP_SERVER',
    type: text(),
    default: 'imap.titan.email',
    description: "IMAP server of Clara's mailbox.",
    group: email,
  }),
  defineVar({
    name: 'CLARA_IMAP_PORT',
    type: port(),
    default: 993,
    description: 'IMAP port (TLS).',
    group: email,
  }),
  defineVar({
    name: 'CLARA_SMTP_SERVER',
    type: text(),
    default: 'smtp.titan.email',
    description: "SMTP server of Clara's mailbox.",
    group: email,
  }),
  defineVar({
    name: 'CLARA_SMTP_PORT',
    type: port(),
    default: 465,
    description: 'SMTP port (465 = implicit TLS).',
    group: email,
  }),
  defineVar({
    name: 'CLARA_SMTP_TIMEOUT',
    type: int({ min: 1, max: 600, unit: 'of seconds' }),
    default: 30,
    description: 'SMTP timeout, in seconds.',
    group: email,
  }),
  defineVar({
    name: 'CLARA_EMAIL_CHECK_INTERVAL',
    type: int({ min: 10, max: 86400, unit: 'of seconds' }),
    default: 60,
    description: "Seconds between checks of Clara's inbox by MyPalClara's auto-responder loop.",
    deprecated:
      'accepted for compatibility and ignored: Clara has no auto-responder loop (she sends email only when a ' +
      'person explicitly asks and confirms, never on her own)',
    group: email,
  }),
  defineVar({
    name: 'CLARA_EMAIL_NOTIFY',
    type: bool(),
    default: false,
    description: "DM CLARA_EMAIL_NOTIFY_USER about each email MyPalClara's auto-responder handled.",
    deprecated:
      'accepted for compatibility and ignored: Clara does not auto-reply, so there is nothing to report (ask ' +
      'with check_email, or connect the mailbox with `clara email add` for rule-based alerts)',
    group: email,
  }),
  defineVar({
    name: 'CLARA_EMAIL_NOTIFY_USER',
    type: text({ pattern: /^\d{1,20}$/, expected: 'a Discord user id (digits)' }),
    description: 'Discord user id that received the CLARA_EMAIL_NOTIFY messages.',
    deprecated: 'accepted for compatibility and ignored, like CLARA_EMAIL_NOTIFY',
    group: email,
  }),
  defineVar({
    name: 'CLARA_EMAIL_ADMIN_ONLY',
    type: bool(),
    default: true,
    description:
      "Offer check_email and send_email (Clara's own mailbox) to admins only: Discord Administrator or " +
      'CLARA_ADMIN_ROLE; the terminal and web owner are admins. false = everyone who can talk to Clara.',
    group: email,
    isNew: true,
  }),
  defineVar({
    name: 'EMAIL_MONITORING_ENABLED',
    type: bool(),
    default: false,
    description: "Watch users' connected mailboxes and post rule-based alerts.",
    group: email,
  }),
  defineVar({
    name: 'EMAIL_DEFAULT_POLL_INTERVAL',
    type: int({ min: 1, max: 1440, unit: 'of minutes' }),
    default: 5,
    description: 'Minutes between checks of a monitored mailbox (when the account sets none).',
    group: email,
  }),
  defineVar({
    name: 'EMAIL_ERROR_BACKOFF_MAX',
    type: int({ min: 1, max: 10080, unit: 'of minutes' }),
    default: 60,
    description: 'Longest back-off after mailbox errors, in minutes.',
    group: email,
  }),
  defineVar({
    name: 'EMAIL_TLS_CA_FILE',
    type: filePath(),
    description:
      'PEM file of extra certificates (a CA, or a self-signed server certificate) trusted for IMAP and SMTP ' +
      'connections, for mail servers with a private certificate. Public certificates need nothing.',
    group: email,
    isNew: true,
  }),
  defineVar({
    name: 'EMAIL_ENCRYPTION_KEY',
    type: fernetKey(),
    description: 'Fernet key encrypting stored mailbox passwords (keep it: changing it loses access).',
    group: email,
    secret: true,
  }),
  defineVar({
    name: 'EMAIL_ALERT_RATE_LIMIT',
    type: int({ min: 1, max: 1000, unit: 'of alerts' }),
    default: 10,
    description: 'Most immediate alerts per mailbox per hour; further matches wait for the digest.',
    group: email,
    isNew: true,
  }),
  defineVar({
    name: 'EMAIL_DIGEST_INTERVAL',
    type: int({ min: 1, max: 10080, unit: 'of minutes' }),
    default: 60,
    description: 'Minutes between digests of low-priority, rate-limited and quiet-hours email alerts.',
    group: email,
    isNew: true,
  }),
] as const;

export const proactiveVars = [
  defineVar({
    name: 'PROACTIVE_ENABLED',
    type: bool(),
    default: false,
    description: 'Older name of ORS_ENABLED (used when ORS_ENABLED is unset).',
    group: proactive,
  }),
  defineVar({
    name: 'ORS_ENABLED',
    type: bool(),
    default: derivedFrom('value of PROACTIVE_ENABLED', (v) => v.PROACTIVE_ENABLED as boolean),
    description: 'Let Clara reach out on her own (Organic Response System).',
    group: proactive,
  }),
  defineVar({
    name: 'ORS_BASE_INTERVAL_MINUTES',
    type: int({ min: 5, max: 480, unit: 'of minutes' }),
    default: 15,
    description: 'Base minutes between proactive checks of a user.',
    group: proactive,
  }),
  defineVar({
    name: 'ORS_MIN_SPEAK_GAP_HOURS',
    type: num({ min: 0, max: 720, unit: 'of hours' }),
    default: 2,
    description: 'Minimum hours between two proactive messages to the same user.',
    group: proactive,
  }),
  defineVar({
    name: 'ORS_ACTIVE_DAYS',
    type: int({ min: 1, max: 365, unit: 'of days' }),
    default: 7,
    description: 'Only users who talked to Clara within this many days are considered.',
    group: proactive,
  }),
  defineVar({
    name: 'ORS_NOTE_DECAY_DAYS',
    type: int({ min: 1, max: 365, unit: 'of days' }),
    default: 7,
    description: 'Days after which proactive notes start losing relevance.',
    group: proactive,
  }),
  defineVar({
    name: 'ORS_IDLE_TIMEOUT_MINUTES',
    type: int({ min: 1, max: 1440, unit: 'of minutes' }),
    default: 30,
    description: 'Minutes without messages after which a conversation counts as finished.',
    group: proactive,
  }),
] as const;
