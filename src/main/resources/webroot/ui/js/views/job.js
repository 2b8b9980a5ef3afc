// One job: job.subscribe with history (§7.6), its events by kind (§8.2), progress, the result (a chunked
// result reassembled, §8.4, with a download), the error, lease, constraints and budget (§9), the expiry
// countdown, the delegation tree (§10) and a Cancel button (job.cancel, §7.4).

import { fill, formatDuration, h, jobLink, pretty, statusBadge, timeElement } from '../dom.js';

const PREVIEW_BYTES = 64 * 1024;

function eventItem(entry) {
  const { kind, body } = entry;
  const item = h('li', { class: `event event-${kind}`, dataset: { seq: entry.seq, kind } });
  const head = h('span', { class: 'event-kind' }, kind);
  switch (kind) {
    case 'log':
      item.classList.add(`level-${body.level ?? 'info'}`);
      item.append(head, h('span', { class: 'level' }, body.level ?? 'info'), h('span', {}, body.message ?? ''));
      break;
    case 'thought':
      item.append(head, h('q', {}, body.text ?? ''));
      break;
    case 'status':
      item.append(head, h('strong', {}, body.phase ?? ''), body.message ? ` ${body.message}` : '');
      break;
    case 'metric':
      item.append(head, h('span', { class: 'mono' }, `${body.name} = ${body.value}${body.unit ? ` ${body.unit}` : ''}`));
      break;
    case 'artifact_ref':
      // only web addresses become links: an agent's javascript: URI must not run in the dashboard
      item.append(head, /^https?:\/\//i.test(body.uri ?? '')
        ? h('a', { href: body.uri, rel: 'noopener noreferrer' }, body.uri) : h('span', { class: 'mono' }, body.uri ?? ''),
      ` (${body.content_type ?? 'unknown type'}${body.byte_size !== undefined ? `, ${body.byte_size} bytes` : ''})`);
      break;
    case 'delegate':
      item.append(head, `to ${body.agent}`, ...(body.child_job_id ? [' as ', jobLink(body.child_job_id)] : []),
        h('span', { class: 'tool-result' }, ''));
      break;
    case 'tool_call':
      item.append(head, h('span', { class: 'mono' }, `${body.tool}(${JSON.stringify(body.args ?? {})})`),
        h('span', { class: 'tool-result' }, '… waiting for the result'));
      break;
    default:
      item.append(head, h('code', {}, JSON.stringify(body)));
  }
  item.prepend(h('span', { class: 'seq', 'aria-label': `event ${entry.seq}` }, `#${entry.seq}`));
  return item;
}

function toolResultText(result) {
  return result.error ? `→ error ${result.error.code}: ${result.error.message}` : `→ ${JSON.stringify(result.result)}`;
}

export function jobView(root, dashboard, jobId) {
  const model = dashboard.job(jobId);
  const rendered = new Map(); // event entry -> its list item
  let downloadUrl = null;
  let scheduled = false;
  let outcomeShown = null; // what the outcome section shows, so that it is rebuilt only when that changes

  const statusCell = h('dd', { id: 'job-status' });
  const agentCell = h('dd', {});
  const principalCell = h('dd', {});
  const createdCell = h('dd', {});
  const durationCell = h('dd', {});
  const expiryCell = h('dd', { id: 'job-expiry' });
  const parentCell = h('dd', {});
  const childrenCell = h('dd', {});
  const progress = h('progress', { id: 'job-progress', max: 1, value: 0, 'aria-label': 'Progress' });
  const progressText = h('span', { id: 'job-progress-text' });
  const kindFilter = h('select', { id: 'event-kind', onchange: () => applyKindFilter() },
    h('option', { value: '' }, 'all kinds'),
    ['log', 'thought', 'tool_call', 'tool_result', 'status', 'metric', 'artifact_ref', 'delegate']
      .map((kind) => h('option', { value: kind }, kind)));
  const events = h('ol', { id: 'job-events', class: 'events', 'aria-live': 'polite' });
  const outcome = h('section', { id: 'job-outcome', 'aria-labelledby': 'outcome-title' });
  const lease = h('section', { id: 'job-lease', 'aria-labelledby': 'lease-title' });
  const budget = h('section', { id: 'job-budget', 'aria-labelledby': 'budget-title' });
  const message = h('p', { class: 'note', role: 'status', id: 'job-message' });
  const cancel = h('button', { type: 'button', id: 'job-cancel', class: 'danger', onclick: () => requestCancel() },
    'Cancel job');

  fill(root,
    h('h1', {}, 'Job ', h('span', { class: 'mono' }, jobId)),
    h('div', { class: 'job-actions' }, cancel, message),
    h('dl', { class: 'facts' },
      h('dt', {}, 'Status'), statusCell, h('dt', {}, 'Agent'), agentCell, h('dt', {}, 'Principal'), principalCell,
      h('dt', {}, 'Created'), createdCell, h('dt', {}, 'Duration'), durationCell, h('dt', {}, 'Expires'), expiryCell,
      h('dt', {}, 'Parent'), parentCell, h('dt', {}, 'Children'), childrenCell),
    h('section', { 'aria-labelledby': 'progress-title' }, h('h2', { id: 'progress-title' }, 'Progress'),
      progress, ' ', progressText),
    outcome,
    h('div', { class: 'columns' }, lease, budget),
    h('section', { 'aria-labelledby': 'events-title' },
      h('h2', { id: 'events-title' }, 'Events'),
      h('div', { class: 'field' }, h('label', { for: 'event-kind' }, 'Show'), kindFilter),
      events));

  function applyKindFilter() {
    const kind = kindFilter.value;
    for (const item of events.children) {
      item.hidden = kind !== '' && item.dataset.kind !== kind;
    }
  }

  function renderFacts() {
    fill(statusCell, statusBadge(model.status), model.cancelAcknowledged && model.live ? ' (cancel requested)' : '');
    root.dataset.status = model.status;
    agentCell.textContent = model.agent ?? '–';
    principalCell.textContent = model.principal ?? '–';
    fill(createdCell, timeElement(model.createdAt));
    const end = model.live ? Date.now() : Date.parse(model.endedAt ?? '');
    durationCell.textContent = model.createdAt && Number.isFinite(end)
      ? formatDuration(end - Date.parse(model.createdAt)) : '–';
    const expires = model.constraints?.expires_at;
    if (!expires) {
      expiryCell.textContent = 'no expiry';
    } else {
      const left = Date.parse(expires) - Date.now();
      fill(expiryCell, timeElement(expires), model.live ? ` (${left > 0 ? `in ${formatDuration(left)}` : 'expired'})` : '');
    }
    fill(parentCell, model.parentJobId ? jobLink(model.parentJobId) : '–');
    fill(childrenCell, model.children.size === 0 ? '–'
      : h('ul', { class: 'plain' }, [...model.children].map((child) => h('li', {}, jobLink(child)))));
    cancel.hidden = !model.live;
  }

  function renderProgress() {
    const body = model.progress;
    if (!body) {
      progressText.textContent = model.live ? 'no progress reported yet' : '–';
      return;
    }
    if (body.total > 0) {
      progress.max = body.total;
      progress.value = Math.min(body.current, body.total);
    } else {
      progress.removeAttribute('value'); // indeterminate
    }
    progressText.textContent = `${body.current}${body.total ? ` / ${body.total}` : ''}${body.units ? ` ${body.units}` : ''}`
      + `${body.message ? ` — ${body.message}` : ''}`;
    progress.dataset.current = body.current;
  }

  function renderEvents() {
    for (const entry of model.events) {
      let item = rendered.get(entry);
      if (!item) {
        item = eventItem(entry);
        rendered.set(entry, item);
        events.append(item);
        if (kindFilter.value && item.dataset.kind !== kindFilter.value) {
          item.hidden = true;
        }
      }
      if (entry.result && !item.dataset.paired) {
        item.dataset.paired = 'true';
        item.querySelector('.tool-result').textContent = toolResultText(entry.result);
      }
    }
  }

  function renderOutcome() {
    const shown = `${model.status}/${model.chunks.length}/${model.result !== undefined}/${model.error !== null}`;
    if (shown === outcomeShown) {
      return;
    }
    outcomeShown = shown;
    if (model.error) {
      const error = model.error;
      fill(outcome, h('h2', { id: 'outcome-title' }, 'Error'),
        h('dl', { class: 'facts', id: 'job-error' },
          h('dt', {}, 'Code'), h('dd', { class: 'mono' }, error.code),
          h('dt', {}, 'Message'), h('dd', {}, error.message ?? ''),
          h('dt', {}, 'Retryable'), h('dd', {}, error.retryable ? 'yes' : 'no')));
      return;
    }
    if (model.result === undefined) {
      fill(outcome, h('h2', { id: 'outcome-title' }, 'Result'),
        h('p', { class: 'note' }, model.live ? 'The job has not finished.' : 'The result is no longer buffered.'));
      return;
    }
    const bytes = model.assembledResult();
    if (bytes === null) {
      fill(outcome, h('h2', { id: 'outcome-title' }, 'Result'),
        h('pre', { id: 'job-result', tabindex: 0 }, pretty(model.result.result ?? null)), download(
          new Blob([pretty(model.result.result ?? null)], { type: 'application/json' }), `${jobId}.json`));
      return;
    }
    const text = model.chunkEncoding === 'base64' ? null : new TextDecoder().decode(bytes.subarray(0, PREVIEW_BYTES));
    fill(outcome, h('h2', { id: 'outcome-title' }, 'Result'),
      h('p', {}, `Streamed result ${model.result.result_id ?? ''}: `, h('span', { id: 'job-result-size' }, bytes.length),
        ' bytes in ', h('span', { id: 'job-result-chunks' }, model.chunks.length), ' chunks', model.result.summary ? ` — ${model.result.summary}` : ''),
      text === null ? h('p', { class: 'note' }, 'Binary result: download it to read it.')
        : h('pre', { id: 'job-result', tabindex: 0 }, text, bytes.length > PREVIEW_BYTES ? '\n…' : ''),
      download(new Blob([bytes], { type: 'application/octet-stream' }), `${jobId}.result`));
  }

  function download(blob, name) {
    if (downloadUrl) {
      URL.revokeObjectURL(downloadUrl);
    }
    downloadUrl = URL.createObjectURL(blob);
    return h('a', { href: downloadUrl, download: name, id: 'job-download', class: 'button' }, `Download ${name}`);
  }

  function renderLease() {
    const entries = Object.entries(model.lease ?? {});
    const constraints = Object.entries(model.constraints ?? {});
    fill(lease, h('h2', { id: 'lease-title' }, 'Lease'),
      entries.length === 0 ? h('p', { class: 'note' }, 'No capabilities.')
        : h('table', {}, h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Capability'),
          h('th', { scope: 'col' }, 'Allowed'))),
        h('tbody', {}, entries.map(([capability, patterns]) => h('tr', {}, h('th', { scope: 'row', class: 'mono' }, capability),
          h('td', { class: 'mono' }, Array.isArray(patterns) ? patterns.join(', ') : JSON.stringify(patterns)))))),
      h('h3', {}, 'Constraints'),
      constraints.length === 0 ? h('p', { class: 'note' }, 'None.')
        : h('dl', { class: 'facts' }, constraints.map(([name, value]) => [h('dt', { class: 'mono' }, name),
          h('dd', { class: 'mono' }, typeof value === 'string' ? value : JSON.stringify(value))])));
  }

  function renderBudget() {
    const currencies = Object.keys(model.budgetStart);
    fill(budget, h('h2', { id: 'budget-title' }, 'Budget'),
      currencies.length === 0 ? h('p', { class: 'note' }, 'No budget.')
        : currencies.map((currency) => {
          const start = model.budgetStart[currency];
          const left = model.budgetLeft[currency] ?? start;
          const id = `budget-${currency}`;
          return h('div', { class: 'budget' }, h('label', { for: id }, `${currency}: ${left} of ${start} left`),
            h('meter', { id, min: 0, max: start, value: left, low: start * 0.2, optimum: start }));
        }));
  }

  function render() {
    scheduled = false;
    renderFacts();
    renderProgress();
    renderEvents();
    renderOutcome();
    renderLease();
    renderBudget();
  }

  function schedule() {
    if (!scheduled) {
      scheduled = true;
      requestAnimationFrame(render);
    }
  }

  async function requestCancel() {
    cancel.disabled = true;
    message.textContent = 'Cancelling…';
    try {
      await dashboard.cancel(jobId);
      message.textContent = 'Cancel acknowledged.';
    } catch (error) {
      message.textContent = `Not cancelled: ${error.message}`;
      cancel.disabled = false;
    }
  }

  const onJob = (event) => {
    if (event.detail === jobId || model.children.has(event.detail)) {
      schedule();
    }
  };
  dashboard.addEventListener('job', onJob);
  const ticking = setInterval(renderFacts, 1000); // the countdown and the duration
  render();
  dashboard.follow(jobId).then(schedule, (error) => {
    message.textContent = `Cannot follow this job: ${error.message}`;
  });
  // what the listing knows (principal, parent, children) is not part of the subscription
  dashboard.listJobs({}, 1000, null).then(schedule, () => {});
  return () => {
    dashboard.removeEventListener('job', onJob);
    clearInterval(ticking);
    if (downloadUrl) {
      URL.revokeObjectURL(downloadUrl);
    }
  };
}
