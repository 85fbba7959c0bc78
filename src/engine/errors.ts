/** Turns failures into short messages for the person and structured log entries for the operator. */
import type { ReplyErrorCode } from '../domain/index.js';
import { LlmError } from '../llm/index.js';

export interface UserFacingError {
  code: ReplyErrorCode;
  message: string;
}

export function describeFailure(error: unknown): UserFacingError {
  if (error instanceof LlmError) {
    switch (error.kind) {
      case 'auth':
        return {
          code: 'llm_auth',
          message: `The language model provider (${error.provider}) rejected my API key. Whoever runs me should check the key — \`clara doctor\` shows which one.`,
        };
      case 'not_found':
        return {
          code: 'llm_not_found',
          message: `The language model provider (${error.provider}) does not know the configured model or endpoint. \`clara doctor\` shows the model settings.`,
        };
      case 'timeout':
        return {
          code: 'llm_timeout',
          message: 'The language model took too long to answer. Please try again.',
        };
      case 'rate_limited':
      case 'unavailable':
        return {
          code: 'llm_unavailable',
          message: `The language model (${error.provider}) is unavailable right now. Please try again in a moment; if it keeps happening, \`clara doctor\` checks the connection.`,
        };
      case 'aborted':
        return { code: 'aborted', message: 'The reply was cancelled.' };
      case 'bad_request':
        return {
          code: 'llm_unavailable',
          message: `The language model refused the request: ${error.message.slice(0, 160)}`,
        };
    }
  }
  return {
    code: 'internal',
    message: 'Sorry, something went wrong on my side while answering. It has been logged.',
  };
}
