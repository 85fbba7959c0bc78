/**
 * Mailbox passwords at rest (spec §8.4): Fernet tokens under EMAIL_ENCRYPTION_KEY, interchangeable with the
 * original. Without the key Clara refuses to store or read passwords and says how to make one.
 */
import { FernetError, fernetDecrypt, fernetEncrypt } from '../crypto/index.js';

export const KEY_HELP =
  "Set EMAIL_ENCRYPTION_KEY to a Fernet key: generate one with `clara keygen` (or Python's Fernet.generate_key()) " +
  'and put it in .env. Keep it: stored mailbox passwords cannot be read without it.';

export class EmailCredentialError extends Error {
  override name = 'EmailCredentialError';
}

export interface CredentialCipher {
  readonly available: boolean;
  encrypt(password: string): string;
  decrypt(token: string): string;
}

export function createCredentialCipher(key: string | undefined): CredentialCipher {
  const requireKey = (what: string): string => {
    if (!key)
      throw new EmailCredentialError(
        `Cannot ${what} mailbox passwords: EMAIL_ENCRYPTION_KEY is not set. ${KEY_HELP}`,
      );
    return key;
  };
  return {
    available: Boolean(key),
    encrypt(password) {
      const k = requireKey('store');
      return password === '' ? '' : fernetEncrypt(k, password);
    },
    decrypt(token) {
      const k = requireKey('read');
      if (token === '') return '';
      try {
        return fernetDecrypt(k, token).toString('utf8');
      } catch (error) {
        if (error instanceof FernetError) {
          throw new EmailCredentialError(
            'Failed to decrypt the stored mailbox password (EMAIL_ENCRYPTION_KEY may have changed). ' +
              'Set the key it was stored with, or add the account again with its password.',
          );
        }
        throw error;
      }
    },
  };
}
