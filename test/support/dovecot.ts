/**
 * A private Dovecot IMAP server for a test file: temp config, passwd-file users, plaintext IMAP on a random
 * 127.0.0.1 port. Stop and start it again on the same port (restart tests); deliver mail with `doveadm save`.
 * With `tls`, a self-signed certificate is made with openssl at start: implicit TLS on `tlsPort`, and the plain
 * port requires STARTTLS before login.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const DOVECOT = '/usr/sbin/dovecot';
const DOVEADM = '/usr/bin/doveadm';
/** The mail files belong to nobody:nogroup (Dovecot refuses to run mail processes as root). */
const MAIL_UID = 65534;

export interface DovecotUser {
  email: string;
  password: string;
}

export interface Dovecot {
  host: string;
  port: number;
  /** Implicit TLS port (with the `tls` option). */
  tlsPort?: number;
  /** The self-signed certificate in PEM (with the `tls` option). */
  certificatePem?: string;
  users: DovecotUser[];
  /** Appends a raw RFC 822 message to the user's INBOX. */
  deliver(email: string, message: string | Buffer): Promise<void>;
  /** Drops a message straight into the user's Maildir (works while the server is stopped). */
  deliverOffline(email: string, message: string | Buffer): Promise<void>;
  /** Makes the INBOX get a new UIDVALIDITY at the next start (server must be stopped). */
  resetUidValidity(email: string): Promise<void>;
  /** Flags of every message in the INBOX, by UID. */
  flags(email: string): Promise<Map<number, string[]>>;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server and deletes its files. */
  dispose(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function config(base: string, port: number, tlsPort?: number): string {
  const ssl =
    tlsPort === undefined
      ? 'ssl = no'
      : `ssl = required\nssl_cert = <${base}/cert.pem\nssl_key = <${base}/key.pem\nssl_min_protocol = TLSv1.2`;
  return `protocols = imap
listen = 127.0.0.1
${ssl}
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
mail_location = maildir:~/Maildir
base_dir = ${base}/run
state_dir = ${base}/state
log_path = ${base}/dovecot.log
info_log_path = ${base}/dovecot.log
default_login_user = nobody
default_internal_user = nobody
default_internal_group = nogroup
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${base}/users
}
userdb {
  driver = static
  args = uid=${MAIL_UID} gid=${MAIL_UID} home=${base}/mail/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = ${tlsPort ?? 0}
    ssl = ${tlsPort === undefined ? 'no' : 'yes'}
  }
}
`;
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const { connect } = await import('node:net');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('data', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`Dovecot did not listen on port ${port}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function waitForExit(pidFile: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (existsSync(pidFile)) {
    if (Date.now() > deadline) throw new Error('Dovecot did not stop');
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface DovecotOptions {
  /** Leave IDLE out of the capabilities (clients must poll). */
  noIdle?: boolean;
  /** TLS with a fresh self-signed certificate (CN localhost, IP 127.0.0.1): implicit TLS and required STARTTLS. */
  tls?: boolean;
}

/** A self-signed certificate for 127.0.0.1 / localhost, valid for two days. */
async function makeCertificate(base: string): Promise<string> {
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    join(base, 'key.pem'),
    '-out',
    join(base, 'cert.pem'),
    '-days',
    '2',
    '-subj',
    '/CN=localhost',
    '-addext',
    'subjectAltName=IP:127.0.0.1,DNS:localhost',
  ]);
  await chmod(join(base, 'key.pem'), 0o600);
  return readFile(join(base, 'cert.pem'), 'utf8');
}

export async function startDovecot(users: DovecotUser[], options: DovecotOptions = {}): Promise<Dovecot> {
  if (!existsSync(DOVECOT)) {
    throw new Error('Dovecot is not installed: run `npm run test:system-deps` (installs dovecot-imapd).');
  }
  const base = await mkdtemp(join(tmpdir(), 'clara-dovecot-'));
  // Dovecot's auth and mail processes run as nobody and must reach the users file and the mail root.
  await chmod(base, 0o755);
  const port = await freePort();
  const conf = join(base, 'dovecot.conf');
  await mkdir(join(base, 'mail'), { recursive: true });
  const noIdle = options.noIdle
    ? 'imap_capability = IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE SORT UIDPLUS LITERAL+ NAMESPACE CHILDREN\n'
    : '';
  const tlsPort = options.tls ? await freePort() : undefined;
  const certificatePem = options.tls ? await makeCertificate(base) : undefined;
  await writeFile(conf, config(base, port, tlsPort) + noIdle);
  await writeFile(join(base, 'users'), users.map((u) => `${u.email}:{PLAIN}${u.password}\n`).join(''));
  await chown(join(base, 'mail'), MAIL_UID, MAIL_UID);
  const pidFile = join(base, 'run', 'master.pid');
  let running = false;

  const dovecot: Dovecot = {
    host: '127.0.0.1',
    port,
    ...(tlsPort !== undefined ? { tlsPort, certificatePem } : {}),
    users,
    async deliver(email, message) {
      await new Promise<void>((resolve, reject) => {
        const child = spawn(DOVEADM, ['-c', conf, 'save', '-u', email, '-m', 'INBOX'], {
          stdio: ['pipe', 'ignore', 'pipe'],
        });
        let stderr = '';
        child.stderr.on('data', (d: Buffer) => {
          stderr += d.toString();
        });
        child.on('error', reject);
        child.on('close', (code) =>
          code === 0 ? resolve() : reject(new Error(`doveadm save failed (${code}): ${stderr}`)),
        );
        child.stdin.end(message);
      });
    },
    async deliverOffline(email, message) {
      const maildir = join(base, 'mail', email, 'Maildir');
      for (const sub of ['', 'new', 'cur', 'tmp']) {
        await mkdir(join(maildir, sub), { recursive: true });
        await chown(join(maildir, sub), MAIL_UID, MAIL_UID);
      }
      const file = join(
        maildir,
        'new',
        `${Date.now()}.${process.pid}_${Math.random().toString(36).slice(2)}.test`,
      );
      await writeFile(file, message);
      await chown(file, MAIL_UID, MAIL_UID);
    },
    async resetUidValidity(email) {
      if (running) throw new Error('stop Dovecot before resetting UIDVALIDITY');
      const maildir = join(base, 'mail', email, 'Maildir');
      await rm(join(maildir, 'dovecot-uidlist'), { force: true });
      for (const file of [
        'dovecot.index',
        'dovecot.index.cache',
        'dovecot.index.log',
        'dovecot.index.log.2',
      ]) {
        await rm(join(maildir, file), { force: true });
      }
    },
    async flags(email) {
      const { stdout } = await run(DOVEADM, [
        '-c',
        conf,
        'fetch',
        '-u',
        email,
        'uid flags',
        'mailbox',
        'INBOX',
      ]);
      const result = new Map<number, string[]>();
      for (const block of stdout.split('\f')) {
        const uid = /uid: (\d+)/.exec(block);
        const flags = /flags:[ \t]*(.*)/.exec(block);
        if (uid) result.set(Number(uid[1]), (flags?.[1] ?? '').split(/\s+/).filter(Boolean));
      }
      return result;
    },
    async start() {
      if (running) return;
      // The master daemonizes; its stdio must not be a pipe we wait on.
      const code = await new Promise<number | null>((resolve, reject) => {
        const child = spawn(DOVECOT, ['-c', conf], { stdio: 'ignore' });
        child.on('error', reject);
        child.on('exit', resolve);
      });
      if (code !== 0) {
        const log = await readFile(join(base, 'dovecot.log'), 'utf8').catch(() => '');
        throw new Error(`Dovecot failed to start (exit ${code}):\n${log}`);
      }
      running = true;
      await waitForPort(port, 10_000);
    },
    async stop() {
      if (!running) return;
      running = false;
      const pid = Number((await readFile(pidFile, 'utf8')).trim());
      process.kill(pid, 'SIGTERM');
      await waitForExit(pidFile, 10_000);
    },
    async dispose() {
      await dovecot.stop().catch(() => {});
      await rm(base, { recursive: true, force: true });
    },
  };
  await dovecot.start();
  return dovecot;
}
