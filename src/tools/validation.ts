/**
 * Error texts for tool calls the model got wrong: which argument, what was expected, what was received, and the
 * tool's parameter list, so the model can fix the call on its next try.
 */
import type { z } from 'zod';
import type { JsonSchema } from '../llm/index.js';
import { acceptedTypes } from './coerce.js';

const SHOWN_VALUE_CHARS = 60;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function shown(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > SHOWN_VALUE_CHARS ? `${text.slice(0, SHOWN_VALUE_CHARS)}…` : text;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** Zod's default texts start with these; custom messages written by a tool are kept verbatim. */
const DEFAULT_PREFIX =
  /^(Invalid input|Invalid option|Too small|Too big|Invalid string|Invalid number)\b:?\s*/;

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = issue.path.length > 0 ? issue.path.join('.') : '(arguments)';
  const input = (issue as { input?: unknown }).input;
  const custom = !DEFAULT_PREFIX.test(issue.message);
  if (issue.code === 'invalid_type' && input === undefined && issue.path.length > 0) {
    return custom ? `${where}: ${issue.message}` : `${where}: missing (required, expected ${issue.expected})`;
  }
  if (issue.code === 'invalid_type' && !custom) {
    return `${where}: expected ${issue.expected}, got ${kindOf(input)}${input === undefined ? '' : ` ${shown(input)}`}`;
  }
  const text = custom ? issue.message : issue.message.replace(DEFAULT_PREFIX, '');
  if (issue.code === 'unrecognized_keys') return `${where}: ${text}`;
  const received = input === undefined ? '' : `, got ${kindOf(input)} ${shown(input)}`;
  return `${where}: ${text}${received}`;
}

function typeLabel(schema: Record<string, unknown>): string {
  if (Array.isArray(schema.enum)) return `one of ${schema.enum.map((v) => JSON.stringify(v)).join('|')}`;
  const types = [...acceptedTypes(schema)].filter((t) => t !== 'null');
  if (types.length === 0) return 'any';
  if (types.length === 1 && types[0] === 'array' && isRecord(schema.items)) {
    return `array of ${typeLabel(schema.items)}`;
  }
  return types.join(' or ');
}

/** `query: string (required); limit: integer` — the tool's parameters in one line. */
export function parameterSummary(parameters: JsonSchema): string {
  const properties = isRecord(parameters.properties) ? parameters.properties : {};
  const required = new Set(Array.isArray(parameters.required) ? parameters.required : []);
  const parts = Object.entries(properties).map(([name, schema]) => {
    const label = isRecord(schema) ? typeLabel(schema) : 'any';
    return `${name}: ${label}${required.has(name) ? ' (required)' : ''}`;
  });
  return parts.length > 0 ? parts.join('; ') : 'none';
}

export function invalidArgumentsMessage(
  toolName: string,
  issues: readonly z.core.$ZodIssue[],
  parameters: JsonSchema,
): string {
  const problems = issues.map(describeIssue).join('; ');
  return (
    `Error: invalid arguments for ${toolName}: ${problems}. ` +
    `Fix the arguments and call ${toolName} again. Its parameters: ${parameterSummary(parameters)}.`
  );
}
