/**
 * The archive endpoints of the fake Docker engine, done with the system's GNU tar (so the backend's own tar code is
 * checked against a real implementation): GET sends the tar of one path (PAX format, links not followed, like
 * Docker), PUT extracts a tar into an existing folder.
 */
import { spawn } from 'node:child_process';
import { existsSync, lstatSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { basename, dirname } from 'node:path';

export function sendArchive(hostPath: string, containerPath: string, res: ServerResponse): void {
  if (!existsSync(hostPath) && !lstatExists(hostPath)) {
    res.writeHead(404, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ message: `Could not find the file ${containerPath} in container` }));
    return;
  }
  const stat = lstatSync(hostPath);
  const pathStat = {
    name: basename(containerPath),
    size: stat.size,
    mode: stat.mode,
    mtime: stat.mtime.toISOString(),
    linkTarget: '',
  };
  res.writeHead(200, {
    'Content-Type': 'application/x-tar',
    'X-Docker-Container-Path-Stat': Buffer.from(JSON.stringify(pathStat)).toString('base64'),
  });
  const tar = spawn('tar', ['--format=pax', '-c', '-C', dirname(hostPath), basename(hostPath)], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  tar.stdout.pipe(res);
}

function lstatExists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

export function receiveArchive(
  hostPath: string,
  containerPath: string,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  if (!existsSync(hostPath) || !statSync(hostPath).isDirectory()) {
    req.resume();
    res.writeHead(404, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ message: `Could not find the file ${containerPath} in container` }));
    return;
  }
  const tar = spawn('tar', ['-x', '--no-same-owner', '-C', hostPath], { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  tar.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  req.pipe(tar.stdin);
  tar.on('close', (code) => {
    if (code === 0) {
      res.writeHead(200);
      res.end();
    } else {
      res.writeHead(400, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ message: `extracting the archive failed: ${stderr.trim()}` }));
    }
  });
}
