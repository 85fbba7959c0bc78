/** The local owner's identity in the terminal and the web page (single-user, from `USER_ID`). */
import { userInfo } from 'node:os';
import type { Config } from '../config/index.js';

export interface LocalIdentity {
  userId: string;
  userName: string;
  displayName: string;
  conversationId: string;
  /** The owner runs this machine: admin-only tools (MCP management, logs) are offered. */
  isAdmin: boolean;
}

function osUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return 'you';
  }
}

/**
 * The owner's memory user id is `USER_ID` (the id the original's single-user scripts use), so the terminal and the
 * web page share one memory; each platform keeps its own conversation (`cli-<USER_ID>`, `web-<USER_ID>`).
 */
export function localIdentity(config: Config, platform: 'cli' | 'web'): LocalIdentity {
  const name = osUserName();
  return {
    userId: config.USER_ID,
    userName: name,
    displayName: name,
    conversationId: `${platform}-${config.USER_ID}`,
    isAdmin: true,
  };
}
