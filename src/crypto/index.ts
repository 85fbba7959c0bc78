/** Encryption at rest: Fernet tokens (compatible with Python's cryptography) and Clara's own secret key. */
export {
  type FernetDecryptOptions,
  type FernetEncryptOptions,
  FernetError,
  fernetDecrypt,
  fernetEncrypt,
  generateFernetKey,
  isFernetKey,
} from './fernet.js';
export { type LoadSecretKeyOptions, loadOrCreateSecretKey, SecretKeyError } from './secret-key.js';
