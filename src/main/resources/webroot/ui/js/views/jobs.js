// Jobs: session.list_jobs (§6.6) as a table, filtered by status and agent, paged by its keyset cursor, and
// refreshed while open so that jobs submitted anywhere appear and change status.

import { fill, formatDuration, h, jobLink, statusBadge, timeElement } from '../dom.js';

const STATUSES = ['pending', 'running', 'success', 'error', 'cancelled', 'timed_out'];
const PAGE = 25;
const REFRESH_MS = 1500;
const COLUMNS = ['Job', 'Status', 'Agent', 'Principal', 'Created', 'Duration', 'Parent'];

function duration(model, now) {
  if (!model.createdAt) {
    return '–';
  }
  const end = model.live ? now : Date.parse(model.endedAt ?? '');
  return Number.isFinite(end) ? formatDuration(end - Date.parse(model.createdAt)) : '–';
}

export function jobsView(root, dashboard) {
  let filter = {};
  let shown = []; // job ids in listing order
  let cursor = null;
  let refreshing = null;
  let stopped = false;

  const statusBoxes = STATUSES.map((status) => h('label', { class: 'check' },
    h('input', { type: 'checkbox', name: 'status', value: status }), ` ${status}`));
  const agentSelect = h('select', { name: 'agent', id: 'filter-agent' }, h('option', { value: '' }, 'any agent'),
    dashboard.session.agents.map((agent) => h('option', { value: agent.name ?? agent }, agent.name ?? agent)));
  const form = h('form', { class: 'filters', 'aria-label': 'Filter jobs', onsubmit: (event) => {
    event.preventDefault();
    filter = {};
    const statuses = statusBoxes.map((label) => label.firstChild).filter((box) => box.checked).map((box) => box.value);
    if (statuses.length > 0) {
      filter.status = statuses;
    }
    if (agentSelect.value) {
      filter.agent = agentSelect.value;
    }
    load(false);
  } },
  h('fieldset', {}, h('legend', {}, 'Status'), statusBoxes),
  h('div', { class: 'field' }, h('label', { for: 'filter-agent' }, 'Agent'), agentSelect),
  h('button', { type: 'submit' }, 'Apply'));

  const body = h('tbody', {});
  const note = h('p', { class: 'note', role: 'status' });
  const more = h('button', { type: 'button', hidden: true, onclick: () => load(true) }, 'More');
  fill(root,
    h('h1', {}, 'Jobs'),
    form,
    h('div', { class: 'table-wrap' }, h('table', { class: 'jobs' },
      h('caption', { class: 'visually-hidden' }, 'Jobs you may observe, newest first'),
      h('thead', {}, h('tr', {}, COLUMNS.map((title) => h('th', { scope: 'col' }, title)))),
      body)),
    note, more);

  function render() {
    const now = Date.now();
    fill(body, shown.map((jobId) => {
      const model = dashboard.job(jobId);
      const cells = [jobLink(jobId), statusBadge(model.status), model.agent ?? '–', model.principal ?? '–',
        timeElement(model.createdAt), duration(model, now), model.parentJobId ? jobLink(model.parentJobId) : '–'];
      // data-label names the cell where the phone layout hides the header row
      return h('tr', { dataset: { job: jobId, status: model.status } },
        cells.map((cell, i) => h('td', { 'data-label': COLUMNS[i] }, cell)));
    }));
    note.textContent = shown.length === 0 ? 'No jobs match.' : `${shown.length} job${shown.length === 1 ? '' : 's'}`;
    more.hidden = cursor === null;
  }

  async function load(append) {
    try {
      const page = await dashboard.listJobs(filter, PAGE, append ? cursor : null);
      const ids = page.jobs.map((entry) => entry.job_id);
      shown = append ? shown.concat(ids.filter((id) => !shown.includes(id))) : ids;
      cursor = page.next_cursor ?? null;
      render();
    } catch (error) {
      note.textContent = `Listing failed: ${error.message}`;
    }
  }

  /** Re-reads as many jobs as are shown from the top, so new jobs appear and statuses move. */
  async function refresh() {
    if (stopped || dashboard.session.state !== 'open') {
      return;
    }
    try {
      const page = await dashboard.listJobs(filter, Math.min(1000, Math.max(PAGE, shown.length)), null);
      if (!stopped) {
        shown = page.jobs.map((entry) => entry.job_id);
        cursor = page.next_cursor ?? null;
        render();
      }
    } catch (error) {
      note.textContent = `Listing failed: ${error.message}`;
    }
  }

  load(false);
  refreshing = setInterval(refresh, REFRESH_MS);
  return () => {
    stopped = true;
    clearInterval(refreshing);
  };
}
