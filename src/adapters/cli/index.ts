export { type ChatIo, type CliIdentity, runInteractiveChat, runPipedChat } from './chat.js';
