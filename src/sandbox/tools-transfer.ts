/**
 * Copying between the code sandbox and the person's stored files (spec §4.6.2): `download_from_sandbox` saves a
 * sandbox file into their file storage (and with `send` attaches it to the reply); `upload_to_sandbox` copies a
 * stored file into the sandbox. Stored files are per user and channel, as for the file tools.
 */
import { z } from 'zod';
import { type FileStore, formatSize, isFileStoreError } from '../storage/index.js';
import { defineTool, type ToolContext, type ToolDefinition, type ToolResult } from '../tools/index.js';
import { basename, withAliases } from './tools-format.js';
import { type SandboxBackend, WORKSPACE } from './types.js';
import { workspacePath } from './workspace-path.js';

type Call = (
  context: ToolContext,
  work: (backend: SandboxBackend) => Promise<string | ToolResult>,
) => Promise<string | ToolResult>;

const storeError = (error: unknown): ToolResult => {
  if (!isFileStoreError(error)) throw error;
  return { content: `Error: ${error.message}`, isError: true };
};

export function transferTools(store: FileStore, call: Call): ToolDefinition[] {
  const where = store.kind === 's3' ? 'cloud storage' : 'local storage';
  return [
    defineTool({
      name: 'download_from_sandbox',
      description:
        "Save a file from the person's sandbox into their file storage (kept across conversations); with " +
        'send=true it is also attached to your reply (charts, CSVs, reports you produced).',
      schema: withAliases(
        { sandbox_path: ['path', 'file_path'], local_filename: ['filename'] },
        z.object({
          sandbox_path: z
            .string({ error: 'sandbox_path is required, e.g. chart.png' })
            .min(1, 'sandbox_path is empty'),
          local_filename: z
            .string()
            .optional()
            .describe('Name in the file storage (default: the file name).'),
          send: z.boolean().optional().describe('Also attach the file to your reply (default false).'),
        }),
      ),
      status: (args) => `Saving ${basename(args.sandbox_path)} from the sandbox`,
      run: (args, context) =>
        call(context, async (backend) => {
          const path = workspacePath(args.sandbox_path, 'sandbox_path');
          const bytes = Buffer.from(await backend.readFile(context.userId, path));
          const name = args.local_filename?.trim() || basename(path);
          try {
            const saved = await store.save(
              { userId: context.userId, channelId: context.channelId },
              name,
              bytes,
            );
            let sent = '';
            if (args.send) {
              if (context.attach) {
                context.attach({
                  name: saved.name,
                  mediaType: saved.contentType,
                  data: new Uint8Array(bytes),
                });
                sent = ' and attached it to your reply';
              } else sent = '; this conversation cannot receive attachments, so it was not sent';
            }
            return `Saved ${path} as '${saved.name}' (${formatSize(saved.size)}) in ${where}${sent}.`;
          } catch (error) {
            return storeError(error);
          }
        }),
    }),
    defineTool({
      name: 'upload_to_sandbox',
      description: `Copy one of the person's stored files into their sandbox (default ${WORKSPACE}/<name>).`,
      schema: withAliases(
        { local_filename: ['filename', 'name'], sandbox_path: ['path', 'destination'] },
        z.object({
          local_filename: z
            .string({ error: 'local_filename is required (see list_local_files)' })
            .min(1, 'local_filename is empty'),
          sandbox_path: z.string().optional().describe(`Where to put it (default ${WORKSPACE}/<name>).`),
        }),
      ),
      status: (args) => `Copying ${args.local_filename} into the sandbox`,
      run: (args, context) =>
        call(context, async (backend) => {
          let file: Awaited<ReturnType<FileStore['read']>>;
          try {
            file = await store.read(
              { userId: context.userId, channelId: context.channelId },
              args.local_filename,
            );
          } catch (error) {
            return storeError(error);
          }
          const path = workspacePath(args.sandbox_path || file.name, 'sandbox_path');
          await backend.writeFile(context.userId, path, new Uint8Array(file.content));
          return `Uploaded '${file.name}' (${formatSize(file.size)}) to the sandbox at ${path}.`;
        }),
    }),
  ];
}
