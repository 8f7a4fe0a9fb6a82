import type { Actor } from '../../entities/access.js';

/** The API keys the service accepts. Only hashes of the keys are kept; a key is never stored or logged. */
export interface ApiKeys {
  /** The name and role of the key, or undefined when it is not one of them. Takes as long for any key. */
  identify(key: string): Actor | undefined;
}
