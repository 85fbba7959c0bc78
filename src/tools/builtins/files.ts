/**
 * The person's saved files (spec §4.6.2, storage §7): save, list, read and delete them, and send one into the chat.
 * Files are per user and per channel; names are made safe by the store. Attachments reach the reply through the
 * turn's `attach` callback (emitted as `attachment` reply events). The sandbox's own `read_file`/`write_file`/
 * `list_files` are separate tools (files inside the code sandbox).
 */
import { z } from 'zod';
import {
  decodeText,
  type FileNamespace,
  type FileStore,
  formatSize,
  isFileStoreError,
  type StoredFile,
  type StoredFileInfo,
} from '../../storage/index.js';
import { defineTool, type ToolContext, type ToolDefinition, type ToolResult } from '../types.js';

export interface FileToolsOptions {
  store: FileStore;
  /** Most characters `read_local_file` returns at once (default 20 000). */
  maxReadChars?: number;
}

const DEFAULT_READ_CHARS = 20_000;
const LISTED_IN_NOT_FOUND = 20;

const filename = (what: string) =>
  z
    .string({ error: `filename is required: ${what}` })
    .trim()
    .min(1, `filename is required: ${what}`);

const encoding = z
  .enum(['utf8', 'base64'])
  .optional()
  .describe('utf8 (default) for text; base64 when content is base64-encoded binary data.');

const saveSchema = z.object({
  filename: z.string().trim().optional().describe('File name, e.g. notes.md (default unnamed.txt).'),
  content: z.string({ error: 'content is required: the text to save' }),
  encoding,
});

const attachSchema = z.object({
  filename: filename('the name of the file to create, e.g. report.csv'),
  content: z.string({ error: 'content is required: what the file contains' }),
  encoding,
});

const nameSchema = z.object({ filename: filename('the name of a saved file (see list_local_files)') });

const readSchema = z.object({
  filename: filename('the name of a saved file (see list_local_files)'),
  offset: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe('Character to start from, to read past a cut (default 0).'),
});

const where = (store: FileStore) => (store.kind === 's3' ? 'cloud storage' : 'local storage');
const namespaceOf = (context: ToolContext): FileNamespace => ({
  userId: context.userId,
  channelId: context.channelId,
});
const error = (content: string): ToolResult => ({ content: `Error: ${content}`, isError: true });

function decodeContent(content: string, as: 'utf8' | 'base64' | undefined): Buffer | ToolResult {
  if (as !== 'base64') return Buffer.from(content, 'utf8');
  const compact = content.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(compact)) {
    return error('content is not valid base64. Send base64 text, or drop encoding to save plain text.');
  }
  return Buffer.from(compact, 'base64');
}

function renamed(requested: string, saved: string): string {
  return requested.trim() && requested.trim() !== saved ? ` (the name "${requested}" was made safe)` : '';
}

/** Store errors are answers for the model (not found, too large, refused); anything else is a tool failure. */
async function storeCall(
  store: FileStore,
  context: ToolContext,
  run: () => Promise<string | ToolResult>,
): Promise<string | ToolResult> {
  try {
    return await run();
  } catch (caught) {
    if (!isFileStoreError(caught)) throw caught;
    if (caught.code !== 'not_found') return error(caught.message);
    const names = await store
      .list(namespaceOf(context))
      .then((files) => files.map((f) => f.name))
      .catch(() => []);
    const listed = names.slice(0, LISTED_IN_NOT_FOUND).join(', ');
    const more = names.length > LISTED_IN_NOT_FOUND ? ` and ${names.length - LISTED_IN_NOT_FOUND} more` : '';
    return error(
      `${caught.message}. ${names.length ? `Saved files: ${listed}${more}.` : 'No files are saved yet.'}`,
    );
  }
}

function attach(context: ToolContext, file: StoredFile): boolean {
  if (!context.attach) return false;
  context.attach({ name: file.name, mediaType: file.contentType, data: new Uint8Array(file.content) });
  return true;
}

const NO_ATTACH = 'This conversation cannot receive attachments, so it was not sent.';

/** Text of a file for the model: binary files are described, long text is cut with a note on how to go on. */
export function fileText(file: StoredFile, offset: number, maxChars: number): string {
  const text = decodeText(file.content);
  if (text === null) {
    return (
      `[Binary file: ${file.size} bytes (${formatSize(file.size)}, ${file.contentType}). It cannot be shown as ` +
      'text; send it to the chat with send_local_file.]'
    );
  }
  if (text.length === 0) return `[${file.name} is empty.]`;
  if (offset >= text.length)
    return `[${file.name} has ${text.length} characters; offset ${offset} is past the end.]`;
  const end = Math.min(text.length, offset + maxChars);
  const part = text.slice(offset, end);
  if (offset === 0 && end === text.length) return part;
  const more = end < text.length ? ` Call read_local_file with offset=${end} to read on.` : '';
  return `${part}\n\n[Showing characters ${offset}–${end} of ${text.length} in ${file.name}.${more}]`;
}

function listing(store: FileStore, files: StoredFileInfo[]): string {
  if (files.length === 0) return 'No files saved yet.';
  const lines = files.map(
    (f) =>
      `- ${f.name} (${formatSize(f.size)}, saved ${f.modified.toISOString().slice(0, 16).replace('T', ' ')} UTC)`,
  );
  return `${files.length} file${files.length === 1 ? '' : 's'} in ${where(store)}, newest first:\n${lines.join('\n')}`;
}

export function fileTools(options: FileToolsOptions): ToolDefinition[] {
  const { store } = options;
  const maxRead = options.maxReadChars ?? DEFAULT_READ_CHARS;
  const limit = formatSize(store.maxFileSize);
  return [
    defineTool({
      name: 'save_to_local',
      description:
        `Save text (or base64 data) as a file in the person's own file storage (${where(store)}), kept across ` +
        `conversations. The same name overwrites. Up to ${limit}. This is not the code sandbox's workspace.`,
      schema: saveSchema,
      status: (args) => `Saving ${args.filename || 'unnamed.txt'}`,
      run: (args, context) =>
        storeCall(store, context, async () => {
          const content = decodeContent(args.content, args.encoding);
          if (!Buffer.isBuffer(content)) return content;
          const requested = args.filename || 'unnamed.txt';
          const saved = await store.save(namespaceOf(context), requested, content);
          return `Saved to ${where(store)}: ${saved.name} (${formatSize(saved.size)})${renamed(requested, saved.name)}`;
        }),
    }),
    defineTool({
      name: 'list_local_files',
      description: `List the person's saved files (${where(store)}), newest first, with sizes.`,
      schema: z.object({}),
      status: () => 'Listing saved files',
      run: (_args, context) =>
        storeCall(store, context, async () => listing(store, await store.list(namespaceOf(context)))),
    }),
    defineTool({
      name: 'read_local_file',
      description:
        `Read one of the person's saved files as text (${where(store)}). Binary files are described, not shown; ` +
        `long files come in parts of ${maxRead} characters (use offset to go on).`,
      schema: readSchema,
      status: (args) => `Reading ${args.filename}`,
      run: (args, context) =>
        storeCall(store, context, async () =>
          fileText(await store.read(namespaceOf(context), args.filename), args.offset ?? 0, maxRead),
        ),
    }),
    defineTool({
      name: 'delete_local_file',
      description: `Delete one of the person's saved files (${where(store)}). Ask first unless they asked for it.`,
      schema: nameSchema,
      status: (args) => `Deleting ${args.filename}`,
      run: (args, context) =>
        storeCall(store, context, async () => {
          const deleted = await store.delete(namespaceOf(context), args.filename);
          return `Deleted: ${deleted.name}`;
        }),
    }),
    defineTool({
      name: 'create_file_attachment',
      description:
        'Create a file and send it to the person as an attachment of your reply (a report, a CSV, code, an ' +
        `export). It is also saved in their file storage. Up to ${limit}.`,
      schema: attachSchema,
      status: (args) => `Attaching ${args.filename}`,
      run: (args, context) =>
        storeCall(store, context, async () => {
          const content = decodeContent(args.content, args.encoding);
          if (!Buffer.isBuffer(content)) return content;
          // Spec §4.9: an empty attachment is a mistake, not a file to send.
          if (content.length === 0) {
            return error(
              'content is empty: give what the file should contain. Nothing was created or attached.',
            );
          }
          const saved = await store.save(namespaceOf(context), args.filename, content);
          const sent = attach(context, { ...saved, content });
          return (
            `${sent ? `Attached ${saved.name} (${formatSize(saved.size)}) to your reply.` : NO_ATTACH} ` +
            `It is saved in ${where(store)} as ${saved.name}.${renamed(args.filename, saved.name)}`
          );
        }),
    }),
    defineTool({
      name: 'send_local_file',
      description: "Send one of the person's saved files into the chat as an attachment of your reply.",
      schema: nameSchema,
      status: (args) => `Sending ${args.filename}`,
      run: (args, context) =>
        storeCall(store, context, async () => {
          const file = await store.read(namespaceOf(context), args.filename);
          return attach(context, file) ? `File '${file.name}' will be sent to chat.` : error(NO_ATTACH);
        }),
    }),
  ];
}
