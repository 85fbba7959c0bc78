/** The `clara` command. */
import { Command } from 'commander';
import { packageVersion } from '../app/index.js';
import { dataPath, describeConfig } from '../config/index.js';
import { generateFernetKey } from '../crypto/index.js';
import { openDatabase } from '../db/index.js';
import { registerBackupCommands } from './backup.js';
import { runChat } from './chat.js';
import { runDoctor } from './doctor.js';
import { registerEmailCommands } from './email.js';
import { explain, loadConfigOrExit } from './load.js';
import { registerMcpCommands } from './mcp.js';
import { registerMcpInstallCommand } from './mcp-install.js';
import { registerMemoryCommands, type WithConfig } from './memory.js';
import { runSandboxService } from './sandbox-service.js';
import { runStart } from './start.js';

const program = new Command()
  .name('clara')
  .description('Clara, a self-hosted personal AI assistant that remembers you.')
  .version(packageVersion())
  .option('--env-file <path>', 'read settings from this file instead of ./.env');

const withConfig: WithConfig = (action) => {
  return async (...args) => {
    try {
      const config = loadConfigOrExit(program.opts<{ envFile?: string }>().envFile);
      process.exitCode = await action(config, ...args);
    } catch (error) {
      const { code, message } = explain(error);
      process.stderr.write(`${message}\n`);
      process.exitCode = code;
    }
  };
};

program
  .command('start')
  .description('run Clara: the web chat page, background jobs and the configured adapters')
  .action(withConfig(runStart));

program
  .command('chat')
  .description('chat in the terminal (pipe a message in to get just the reply)')
  .action(withConfig(runChat));

program
  .command('doctor')
  .description('check configuration, database and LLM access, and say how to fix what is missing')
  .action(withConfig(runDoctor));

program
  .command('sandbox-service')
  .description('run the sandbox service, where remote Clara instances run code (Docker or bubblewrap)')
  .action(withConfig(runSandboxService));

program
  .command('config')
  .description('print the effective configuration (secrets masked)')
  .option('--all', 'include variables left at their defaults')
  .action(async (options: { all?: boolean }) => {
    await withConfig(async (config) => {
      const rows = describeConfig(config, { onlySet: !options.all });
      const width = Math.max(0, ...rows.map((r) => r.name.length));
      for (const row of rows) process.stdout.write(`${row.name.padEnd(width)}  ${row.value}\n`);
      if (rows.length === 0) process.stdout.write('Everything is at its default (use --all to list them).\n');
      return 0;
    })();
  });

program
  .command('keygen')
  .description('print a new encryption key (for EMAIL_ENCRYPTION_KEY or CLARA_SECRET_KEY)')
  .action(() => {
    process.stdout.write(`${generateFernetKey()}\n`);
  });

const db = program.command('db').description('database maintenance');
db.command('migrate')
  .description('apply pending database migrations (Clara also does this at start)')
  .action(
    withConfig(async (config) => {
      const database = await openDatabase({ url: config.DATABASE_URL, dataDir: dataPath(config) });
      try {
        const applied = await database.migrate();
        process.stdout.write(
          applied.length > 0 ? `Applied: ${applied.join(', ')}\n` : 'The database schema is up to date.\n',
        );
        return 0;
      } finally {
        await database.close();
      }
    }),
  );

registerMemoryCommands(program, withConfig);
registerMcpInstallCommand(registerMcpCommands(program, withConfig), withConfig);
registerEmailCommands(program, withConfig);
registerBackupCommands(program, withConfig);

await program.parseAsync(process.argv);
