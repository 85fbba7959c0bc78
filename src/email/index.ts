/** Email: monitoring users' mailboxes with rules and alerts, and Clara's own mailbox (spec §8). */
export type { WatcherTiming } from './account-watcher.js';
export { AlertStore } from './alert-store.js';
export { type ClassifierLlm, classifyWithLlm, parseVerdict } from './classify.js';
export {
  type CredentialCipher,
  createCredentialCipher,
  EmailCredentialError,
  KEY_HELP,
} from './credentials.js';
export {
  accountState,
  describeAccount,
  describeAlert,
  describeDelivery,
  describeRule,
  GMAIL_API_UNSUPPORTED,
} from './format.js';
export { emailAlertsRoute } from './http.js';
export {
  describeImapError,
  EmailConnectionError,
  guessImapServer,
  type ImapProbe,
  type ImapSettings,
  probeImap,
} from './imap.js';
export { type Leadership, postgresLeadership } from './leadership.js';
export { Mailbox, type MailboxConfig, type MailboxEntry } from './mailbox.js';
export { type MailboxToolsOptions, mailboxTools } from './mailbox-tools.js';
export { toEmailMessage } from './message.js';
export { findPreset, PRESET_PRIORITY, RULE_PRESETS, type RulePreset } from './presets.js';
export { AlertProcessor, createLoggingNotifier, formatAlert, formatDigest } from './processor.js';
export {
  candidateMatches,
  compileRegex,
  type EmailRule,
  firstMatch,
  inQuietHours,
  matchConditions,
  parseStoredDefinition,
  type RuleDefinition,
  RuleDefinitionSchema,
  type RuleMatch,
} from './rules.js';
export { type AddAccountInput, type AddRuleInput, EmailInputError, EmailService } from './service.js';
export { createEmailSetup, type EmailSetup, type EmailSetupOptions } from './setup.js';
export { EmailStore } from './store.js';
export { type EmailToolsOptions, emailTools } from './tools.js';
export * from './types.js';
export { EmailWatcher, type WatcherControl } from './watcher.js';
