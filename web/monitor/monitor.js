// Clara's Discord monitor page: plain browser JavaScript, no build step. Polls the JSON API every 3 seconds.
// Everything from the server is put on the page with textContent (never innerHTML), so message text stays text.

const REFRESH_MS = 3000;

const params = new URLSearchParams(location.search);
if (params.has('token')) {
  sessionStorage.setItem('clara-token', params.get('token'));
  history.replaceState(null, '', location.pathname);
}
const token = sessionStorage.getItem('clara-token');
const authHeaders = token ? { authorization: `Bearer ${token}` } : {};

const byId = (id) => document.getElementById(id);
let filter = '';

class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function getJson(path) {
  const response = await fetch(path, { headers: authHeaders });
  if (!response.ok) {
    let message = `${path} answered ${response.status}`;
    try {
      const body = await response.json();
      if (body && typeof body.message === 'string') message = body.message;
    } catch {
      // keep the status line
    }
    throw new HttpError(response.status, message);
  }
  return response.json();
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function formatUptime(seconds) {
  const days = Math.floor(seconds / 86400);
  const hours = Math.floor((seconds % 86400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const secs = seconds % 60;
  if (days > 0) return `${days}d ${hours}h ${minutes}m`;
  if (hours > 0) return `${hours}h ${minutes}m`;
  if (minutes > 0) return `${minutes}m ${secs}s`;
  return `${secs}s`;
}

function plural(count, word, many = `${word}s`) {
  return `${count} ${count === 1 ? word : many}`;
}

function formatTime(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : date.toLocaleTimeString();
}

function safeImageUrl(value) {
  if (typeof value !== 'string') return null;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

function renderStats(stats) {
  const state = stats.connection?.state ?? 'unknown';
  byId('status-dot').className = `dot ${state}`;
  const who = stats.botUser ? ` as ${stats.botUser.name}` : '';
  byId('status-text').textContent = `${state}${who}`;
  byId('uptime').textContent = `up ${formatUptime(stats.uptimeSeconds ?? 0)}`;
  byId('version').textContent = stats.version ? `v${stats.version}` : '';
  byId('stat-servers').textContent = String(stats.guildCount ?? 0);
  byId('stat-messages').textContent = String(stats.counters?.messages ?? 0);
  byId('stat-dms').textContent = String(stats.counters?.dms ?? 0);
  byId('stat-responses').textContent = String(stats.counters?.responses ?? 0);
  byId('stat-errors').textContent = String(stats.counters?.errors ?? 0);
  const latency = stats.connection?.latencyMs;
  byId('stat-latency').textContent = typeof latency === 'number' ? `${latency} ms` : '–';
  const queue = stats.queue ?? { activeTasks: 0, totalQueued: 0 };
  byId('stat-queue').textContent = `${queue.activeTasks} / ${queue.totalQueued}`;
}

function renderGuilds(guilds) {
  const list = byId('guilds');
  const items = guilds.map((guild) => {
    const item = element('li');
    const iconUrl = safeImageUrl(guild.iconUrl);
    if (iconUrl) {
      const img = element('img', 'guild-icon');
      img.src = iconUrl;
      img.alt = '';
      item.append(img);
    } else {
      item.append(element('span', 'guild-icon', (guild.name || '?').charAt(0).toUpperCase()));
    }
    const text = element('div');
    text.append(
      element('div', 'name', guild.name),
      element('div', 'sub', plural(guild.memberCount, 'member')),
    );
    item.append(text);
    return item;
  });
  list.replaceChildren(...(items.length > 0 ? items : [element('li', 'empty', 'No servers yet.')]));
}

function renderUsers(users) {
  const list = byId('users');
  const items = users.slice(0, 20).map((user) => {
    const item = element('li');
    const text = element('div');
    text.append(
      element('div', 'name', user.name),
      element(
        'div',
        'sub',
        `${plural(user.messages, 'message')} · ${plural(user.responses, 'reply', 'replies')} · last seen ${formatTime(user.lastSeen)}`,
      ),
    );
    item.append(text);
    return item;
  });
  list.replaceChildren(...(items.length > 0 ? items : [element('li', 'empty', 'Nobody has written yet.')]));
}

function renderLogs(logs) {
  const list = byId('log');
  const items = logs.map((entry) => {
    const item = element('li', `entry ${entry.type}`);
    const head = element('div', 'head');
    head.append(
      element('span', `badge ${entry.type}`, entry.type),
      element('span', 'time', formatTime(entry.time)),
    );
    const where = [entry.guild, entry.channel ? `#${entry.channel}` : null].filter(Boolean).join(' › ');
    if (where) head.append(element('span', 'where', where));
    if (entry.user) head.append(element('span', 'user', entry.user));
    item.append(head, element('div', 'content', entry.content));
    return item;
  });
  list.replaceChildren(...(items.length > 0 ? items : [element('li', 'empty', 'No activity yet.')]));
}

function showProblem(error) {
  const problem = byId('problem');
  if (!error) {
    problem.hidden = true;
    return;
  }
  problem.hidden = false;
  problem.textContent =
    error.status === 401
      ? 'This monitor needs the access token: open it as /monitor?token=<CLARA_WEB_TOKEN>.'
      : `Cannot reach Clara: ${error.message}`;
  byId('status-dot').className = 'dot unreachable';
  byId('status-text').textContent = 'unreachable';
}

/** Each refresh gets a number; an older answer arriving after a newer request (e.g. a tab click) is ignored. */
let latestRefresh = 0;

async function refresh() {
  latestRefresh += 1;
  const mine = latestRefresh;
  try {
    const query = new URLSearchParams({ limit: '100' });
    if (filter) query.set('event_type', filter);
    const [stats, guilds, users, logs] = await Promise.all([
      getJson('/api/monitor'),
      getJson('/api/monitor/guilds'),
      getJson('/api/monitor/users'),
      getJson(`/api/monitor/logs?${query}`),
    ]);
    if (mine !== latestRefresh) return;
    renderStats(stats);
    renderGuilds(guilds.guilds);
    renderUsers(users.users);
    renderLogs(logs.logs);
    showProblem(null);
  } catch (error) {
    if (mine === latestRefresh) showProblem(error);
  }
}

for (const button of document.querySelectorAll('.tabs button')) {
  button.addEventListener('click', () => {
    filter = button.dataset.type ?? '';
    for (const other of document.querySelectorAll('.tabs button')) {
      other.classList.toggle('active', other === button);
    }
    void refresh();
  });
}

void refresh();
setInterval(() => void refresh(), REFRESH_MS);
