// Clara's chat page: plain browser JavaScript, no build step. Replies arrive as server-sent events over a POST.

const messagesEl = document.getElementById('messages');
const form = document.getElementById('composer');
const input = document.getElementById('input');
const sendButton = document.getElementById('send');
const tierSelect = document.getElementById('tier');
const setupEl = document.getElementById('setup');

const params = new URLSearchParams(location.search);
if (params.has('token')) {
  sessionStorage.setItem('clara-token', params.get('token'));
  history.replaceState(null, '', location.pathname);
}
const token = sessionStorage.getItem('clara-token');
const authHeaders = token ? { authorization: `Bearer ${token}` } : {};

function escapeHtml(text) {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
  );
}

/** A small, safe Markdown subset: fenced code, inline code, bold, italics, links, paragraphs. */
function renderMarkdown(text) {
  const blocks = text.split(/```/);
  return blocks
    .map((block, index) => {
      if (index % 2 === 1) {
        const body = block.replace(/^[\w+-]*\n/, '');
        return `<pre><code>${escapeHtml(body)}</code></pre>`;
      }
      return escapeHtml(block)
        .split(/\n{2,}/)
        .filter((p) => p.trim())
        .map(
          (p) =>
            `<p>${p
              .replace(/`([^`]+)`/g, '<code>$1</code>')
              .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
              .replace(/(^|[^*])\*([^*\n]+)\*/g, '$1<em>$2</em>')
              .replace(
                /\[([^\]]+)\]\((https?:[^)\s]+)\)/g,
                '<a href="$2" target="_blank" rel="noopener noreferrer">$1</a>',
              )
              .replace(/\n/g, '<br>')}</p>`,
        )
        .join('');
    })
    .join('');
}

function addMessage(role, text, extraClass = '') {
  const el = document.createElement('div');
  el.className = `message ${role} ${extraClass}`.trim();
  el.dataset.role = role;
  if (role === 'assistant') el.innerHTML = renderMarkdown(text);
  else el.textContent = text;
  messagesEl.append(el);
  messagesEl.scrollTop = messagesEl.scrollHeight;
  return el;
}

function addStatus(text, extraClass = '') {
  const el = document.createElement('div');
  el.className = `status ${extraClass}`.trim();
  el.textContent = text;
  messagesEl.append(el);
  messagesEl.scrollTop = messagesEl.scrollHeight;
  return el;
}

async function loadStatus() {
  const response = await fetch('/api/status', { headers: authHeaders });
  if (!response.ok) {
    setupEl.hidden = false;
    setupEl.textContent = (await response.json()).message ?? 'Clara is not reachable.';
    return;
  }
  const status = await response.json();
  if (!status.llm.ready) {
    setupEl.hidden = false;
    setupEl.innerHTML = `<strong>Clara has no language model yet.</strong> ${escapeHtml(
      status.llm.setupHint ?? '',
    ).replace(/`([^`]+)`/g, '<code>$1</code>')}`;
  }
}

async function loadHistory() {
  const response = await fetch('/api/messages', { headers: authHeaders });
  if (!response.ok) return;
  const { messages } = await response.json();
  for (const m of messages) addMessage(m.role, m.content);
}

/** Parses an SSE byte stream into {event, data} objects. */
async function* readEvents(body) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const raw = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(raw)?.[1];
      const data = /^data: (.*)$/m.exec(raw)?.[1];
      if (event && data) yield { event, data: JSON.parse(data) };
      end = buffer.indexOf('\n\n');
    }
  }
}

async function send(text) {
  addMessage('user', text);
  const reply = addMessage('assistant', '', 'pending');
  let replyText = '';
  sendButton.disabled = true;
  try {
    const response = await fetch('/api/chat', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...authHeaders },
      body: JSON.stringify({
        message: text,
        tier: tierSelect.value || undefined,
        clientMessageId: crypto.randomUUID(),
      }),
    });
    if (!response.ok || !response.body) {
      const problem = await response.json().catch(() => ({}));
      throw new Error(problem.message ?? `HTTP ${response.status}`);
    }
    for await (const { event, data } of readEvents(response.body)) {
      if (event === 'text') {
        replyText += data.text;
        reply.innerHTML = renderMarkdown(replyText);
        messagesEl.scrollTop = messagesEl.scrollHeight;
      } else if (event === 'tier') {
        messagesEl.insertBefore(
          statusLine(
            `Using the ${data.tier} tier (${data.model})${data.auto ? ', chosen automatically' : ''}`,
          ),
          reply,
        );
      } else if (event === 'tool_start') {
        messagesEl.insertBefore(
          statusLine(`${data.emoji} ${data.status}${data.step > 1 ? ` (step ${data.step})` : ''}`),
          reply,
        );
      } else if (event === 'notice') {
        messagesEl.insertBefore(statusLine(data.text), reply);
      } else if (event === 'link') {
        messagesEl.insertBefore(linkLine(data), reply);
      } else if (event === 'attachment') {
        messagesEl.insertBefore(attachmentLink(data), reply);
      } else if (event === 'done') {
        reply.innerHTML = renderMarkdown(data.text);
      } else if (event === 'error') {
        if (!replyText) reply.remove();
        addStatus(data.message, 'error');
      }
    }
  } catch (error) {
    if (!replyText) reply.remove();
    addStatus(`Could not reach Clara: ${error.message}`, 'error');
  } finally {
    reply.classList.remove('pending');
    sendButton.disabled = false;
    input.focus();
  }
}

/** A download link for a file Clara sent with her reply (bytes arrive as base64). */
/** A link offered by a tool (e.g. an OAuth authorization page); only http(s) URLs reach the page. */
function linkLine(data) {
  const line = document.createElement('div');
  line.className = 'status';
  const link = document.createElement('a');
  link.href = /^https?:\/\//i.test(data.url) ? data.url : '#';
  link.target = '_blank';
  link.rel = 'noopener noreferrer';
  link.textContent = `🔗 ${data.label}`;
  line.append(link);
  return line;
}

function attachmentLink(file) {
  const bytes = Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0));
  const link = document.createElement('a');
  link.className = 'attachment';
  link.href = URL.createObjectURL(new Blob([bytes], { type: file.mediaType }));
  link.download = file.name;
  link.textContent = `📎 ${file.name} (${formatSize(file.size)})`;
  const line = document.createElement('div');
  line.className = 'status';
  line.append(link);
  return line;
}

function formatSize(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function statusLine(text) {
  const el = document.createElement('div');
  el.className = 'status';
  el.textContent = text;
  return el;
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const text = input.value.trim();
  if (!text || sendButton.disabled) return;
  input.value = '';
  send(text);
});

input.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey) {
    event.preventDefault();
    form.requestSubmit();
  }
});

document.getElementById('new-conversation').addEventListener('click', async () => {
  await fetch('/api/conversations/new', { method: 'POST', headers: authHeaders });
  messagesEl.replaceChildren();
  addStatus('New conversation started. Clara still remembers what matters from before.');
});

// Email alerts: the owner's recent alerts (GET /api/email/alerts), shown when monitoring is on or alerts exist.
const alertsEl = document.getElementById('email-alerts');
const alertsList = document.getElementById('email-alerts-list');
const alertsCount = document.getElementById('email-alerts-count');

function deliveryText(alert) {
  const why = alert.deliveryError ? `: ${alert.deliveryError}` : '';
  switch (alert.deliveryStatus) {
    case 'sent':
      return '';
    case 'pending':
      return 'Not delivered yet';
    case 'digest':
      return 'Waiting for the digest';
    case 'digest_sent':
      return 'Sent in a digest';
    case 'failed':
      return `Delivery failed (${alert.deliveryAttempts ?? 1} attempt(s)), retried with the next digest${why}`;
    case 'undeliverable':
      return `Could not be delivered after ${alert.deliveryAttempts ?? 1} attempts${why}`;
    default:
      return alert.deliveryStatus;
  }
}

function alertItem(alert) {
  const item = document.createElement('li');
  item.className = `email-alert importance-${alert.importance}`;
  item.dataset.status = alert.deliveryStatus;
  const line = (className, text) => {
    const el = document.createElement('div');
    el.className = className;
    el.textContent = text;
    item.append(el);
    return el;
  };
  line('alert-subject', alert.subject || '(No Subject)');
  const received = new Date(alert.receivedAt);
  line(
    'alert-meta',
    `From ${alert.from} · ${alert.accountAddress} · ${received.toLocaleString()} · ${alert.importance.toUpperCase()}`,
  );
  line('alert-why', `Why: ${alert.reason}`);
  if (alert.summary) line('alert-summary', alert.summary);
  const delivery = deliveryText(alert);
  if (delivery) {
    const el = line('alert-delivery', delivery);
    if (alert.deliveryStatus === 'failed' || alert.deliveryStatus === 'undeliverable')
      el.classList.add('problem');
  }
  return item;
}

async function loadAlerts() {
  let body;
  try {
    const response = await fetch('/api/email/alerts?limit=20', { headers: authHeaders });
    if (!response.ok) return;
    body = await response.json();
  } catch {
    return;
  }
  const alerts = body.alerts ?? [];
  alertsEl.hidden = !body.monitoring && alerts.length === 0;
  alertsCount.textContent = `(${alerts.length})`;
  if (alerts.length === 0) {
    const empty = document.createElement('li');
    empty.className = 'empty';
    empty.textContent = 'No email alerts yet.';
    alertsList.replaceChildren(empty);
  } else {
    alertsList.replaceChildren(...alerts.map(alertItem));
  }
}

document.getElementById('email-alerts-refresh').addEventListener('click', () => loadAlerts());
alertsEl.addEventListener('toggle', () => {
  if (alertsEl.open) loadAlerts();
});
setInterval(loadAlerts, 60_000);

await loadStatus();
await loadHistory();
await loadAlerts();
input.focus();
