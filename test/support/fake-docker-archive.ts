/**
 * The archive endpoints of the fake Docker engine, done with GNU tar run *inside* the container's sandbox (see
 * fake-docker-exec.ts), so the path is resolved in the container's own filesystem view as Docker resolves it in the
 * container's root, and the backend's own tar code is checked against a real implementation: GET sends the tar of one
 * path (PAX format; a final symbolic link is sent as the link, as Docker does), PUT extracts a tar into an existing
 * folder. Nothing here touches a host path.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { posix } from 'node:path';
import { type ContainerView, IMAGE_ENV, spawnInside } from './fake-docker-exec.js';

const MISSING = 44;

function notFound(res: ServerResponse, containerPath: string): void {
  res.writeHead(404, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ message: `Could not find the file ${containerPath} in container` }));
}

function collect(stream: NodeJS.ReadableStream | null): Promise<Buffer> {
  const chunks: Buffer[] = [];
  return new Promise((resolve) => {
    if (!stream) return resolve(Buffer.alloc(0));
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', () => resolve(Buffer.concat(chunks)));
  });
}

const SEND = [
  'name=$(basename -- "$1"); dir=$(dirname -- "$1")',
  // lstat of the final component (a link is described, not followed); a missing path is Docker's 404.
  'info=$(stat -c "%s %f %Y" -- "$1" 2>/dev/null) || exit 44',
  'link=$(readlink -- "$1" 2>/dev/null || true)',
  'printf "%s %s\\n" "$info" "$link" >&2',
  'exec tar --format=pax -c -C "$dir" -- "$name"',
].join('\n');

export async function sendArchive(
  view: ContainerView,
  containerPath: string,
  res: ServerResponse,
): Promise<void> {
  const running = spawnInside(view, {
    argv: ['sh', '-c', SEND, 'archive', posix.normalize(containerPath)],
    workingDir: '/',
    env: IMAGE_ENV,
  });
  const [tar, stderr, code] = await Promise.all([
    collect(running.child.stdout),
    collect(running.child.stderr),
    running.done,
  ]);
  if (code === MISSING) return notFound(res, containerPath);
  const [first = '', ...rest] = stderr.toString('utf8').split('\n');
  if (code !== 0) {
    res.writeHead(500, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ message: `archiving ${containerPath} failed: ${rest.join(' ').trim()}` }));
    return;
  }
  const [size = '0', mode = '0', mtime = '0', linkTarget = ''] = first.split(' ');
  const pathStat = {
    name: posix.basename(containerPath),
    size: Number(size),
    mode: Number.parseInt(mode, 16),
    mtime: new Date(Number(mtime) * 1000).toISOString(),
    linkTarget,
  };
  res.writeHead(200, {
    'Content-Type': 'application/x-tar',
    'X-Docker-Container-Path-Stat': Buffer.from(JSON.stringify(pathStat)).toString('base64'),
  });
  res.end(tar);
}

const RECEIVE = 'cd -- "$1" 2>/dev/null || exit 44\nexec tar -x --no-same-owner -f -';

export async function receiveArchive(
  view: ContainerView,
  containerPath: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const running = spawnInside(view, {
    argv: ['sh', '-c', RECEIVE, 'archive', containerPath],
    workingDir: '/',
    env: IMAGE_ENV,
    stdin: true,
  });
  running.child.stdin?.on('error', () => undefined);
  if (running.child.stdin) req.pipe(running.child.stdin);
  const [stderr, code] = await Promise.all([collect(running.child.stderr), running.done]);
  req.resume();
  if (code === MISSING) return notFound(res, containerPath);
  if (code === 0) {
    res.writeHead(200);
    res.end();
    return;
  }
  res.writeHead(400, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ message: `extracting the archive failed: ${stderr.toString('utf8').trim()}` }));
}
