/** Small building blocks shared by several areas (no state of their own). */
export { KeyedLock } from './keyed-lock.js';
