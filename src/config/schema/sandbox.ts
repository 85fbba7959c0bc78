import { defineVar } from '../define.js';
import { filePath, int, memorySize, num, oneOf, port, text, url } from '../var-types.js';

const group = 'Sandbox';

export const sandboxVars = [
  defineVar({
    name: 'SANDBOX_MODE',
    type: oneOf(['auto', 'local', 'remote'] as const),
    default: 'auto',
    description:
      'Code sandbox: local (Docker), remote (sandbox service) or auto (remote if configured, else Docker).',
    group,
  }),
  defineVar({
    name: 'SANDBOX_API_URL',
    type: url(),
    description: 'URL of the remote sandbox service.',
    group,
  }),
  defineVar({
    name: 'SANDBOX_API_KEY',
    type: text(),
    description: 'API key of the remote sandbox service (X-API-Key; the service requires it too).',
    group,
    secret: true,
  }),
  defineVar({
    name: 'SANDBOX_TIMEOUT',
    type: int({ min: 1, max: 3600, unit: 'of seconds' }),
    default: 60,
    description: 'Default request timeout towards the remote sandbox service, in seconds.',
    group,
  }),
  defineVar({
    name: 'DOCKER_HOST',
    type: url({
      protocols: ['unix', 'tcp', 'http', 'https', 'npipe', 'ssh'],
      example: 'unix:///var/run/docker.sock',
    }),
    description: 'Docker engine address for the local sandbox; unset = the default socket.',
    group,
  }),
  defineVar({
    name: 'DOCKER_SANDBOX_IMAGE',
    type: text(),
    default: 'python:3.12-slim',
    description: 'Image of local sandbox containers.',
    group,
  }),
  defineVar({
    name: 'DOCKER_SANDBOX_TIMEOUT',
    type: int({ min: 60, max: 86400, unit: 'of seconds' }),
    default: 900,
    description: 'Idle seconds after which a local sandbox container is removed.',
    group,
  }),
  defineVar({
    name: 'DOCKER_SANDBOX_MEMORY',
    type: memorySize(),
    default: '512m',
    description: 'Memory limit of a local sandbox container.',
    group,
  }),
  defineVar({
    name: 'DOCKER_SANDBOX_CPU',
    type: num({ min: 0.1, max: 64, unit: 'of CPUs' }),
    default: 1,
    description: 'CPU limit of a local sandbox container.',
    group,
  }),
  defineVar({
    name: 'DOCKER_SANDBOX_NETWORK',
    type: text({
      pattern: /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/,
      expected: 'none, bridge or a Docker network name',
    }),
    default: 'none',
    description:
      'Network of local sandbox containers: none (default, no network at all) or a Docker network such as bridge (needed for pip installs).',
    group,
    isNew: true,
  }),
  defineVar({
    name: 'GIT_USER_NAME',
    type: text(),
    default: 'Clara Bot',
    description: 'git user.name inside sandbox containers.',
    group,
  }),
  defineVar({
    name: 'GIT_USER_EMAIL',
    type: text(),
    default: 'clara@bot.local',
    description: 'git user.email inside sandbox containers.',
    group,
  }),
  defineVar({
    name: 'SANDBOX_API_HOST',
    type: text(),
    default: '0.0.0.0',
    description: 'Sandbox service: bind address.',
    group,
  }),
  defineVar({
    name: 'SANDBOX_API_PORT',
    type: port(),
    default: 8080,
    description: 'Sandbox service: port.',
    group,
  }),
  defineVar({
    name: 'SANDBOX_DOCKER_IMAGE',
    type: text(),
    default: 'clara-sandbox:latest',
    description: 'Sandbox service: container image.',
    group,
  }),
  defineVar({
    name: 'SANDBOX_DOCKER_TIMEOUT',
    type: int({ min: 60, max: 86400, unit: 'of seconds' }),
    default: 900,
    description: 'Sandbox service: idle seconds before a container is removed.',
    group,
  }),
  defineVar({
    name: 'SANDBOX_DOCKER_MEMORY',
    type: memorySize(),
    default: '512m',
    description: 'Sandbox service: memory limit per container.',
    group,
  }),
  defineVar({
    name: 'SANDBOX_DOCKER_CPU',
    type: num({ min: 0.1, max: 4, unit: 'of CPUs' }),
    default: 1,
    description: 'Sandbox service: CPU limit per container.',
    group,
  }),
  defineVar({
    name: 'SANDBOX_DATA_DIR',
    type: filePath(),
    default: '/data/sandboxes',
    description: "Sandbox service: directory holding each user's /workspace.",
    group,
  }),
  defineVar({
    name: 'SANDBOX_PIP_CACHE_DIR',
    type: filePath(),
    default: '/data/pip-cache',
    description: 'Sandbox service: shared pip cache directory.',
    group,
  }),
  defineVar({
    name: 'SANDBOX_MAX_CONTAINERS',
    type: int({ min: 1, max: 10000 }),
    default: 50,
    description: 'Sandbox service: maximum concurrent containers.',
    group,
  }),
  defineVar({
    name: 'SANDBOX_MAX_EXECUTION_TIMEOUT',
    type: int({ min: 1, max: 86400, unit: 'of seconds' }),
    default: 300,
    description: 'Sandbox service: longest allowed execution, in seconds.',
    group,
  }),
  defineVar({
    name: 'SANDBOX_DEFAULT_EXECUTION_TIMEOUT',
    type: int({ min: 1, max: 86400, unit: 'of seconds' }),
    default: 30,
    description: 'Sandbox service: execution timeout when a request names none, in seconds.',
    group,
  }),
  defineVar({
    name: 'SANDBOX_RATE_LIMIT',
    type: int({ min: 1, max: 1_000_000 }),
    default: 100,
    description: 'Sandbox service: requests per minute per API key.',
    group,
  }),
  defineVar({
    name: 'SANDBOX_BACKEND',
    type: oneOf(['auto', 'docker', 'bubblewrap'] as const),
    default: 'auto',
    description:
      'Sandbox service: where user code runs — docker, bubblewrap (isolated processes, needs bwrap) or auto (Docker if its daemon answers, else refuse to start).',
    group,
    isNew: true,
  }),
  defineVar({
    name: 'SANDBOX_NETWORK',
    type: text({
      pattern: /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/,
      expected: 'none, bridge, host or a Docker network name',
    }),
    default: 'none',
    description:
      "Sandbox service: network of sandboxes — none (default) or, with Docker, a network such as bridge; with bubblewrap any other value shares the host's network (its local services included). Needed for pip installs.",
    group,
    isNew: true,
  }),
] as const;
