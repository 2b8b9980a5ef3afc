// Agents: the inventory of session.welcome (§6.2, §7.5), re-read while the view is open so that agents
// connecting or leaving over the bridge show up.

import { fill, h } from '../dom.js';

const REFRESH_MS = 5000;

/** The gateway's vendor field: Java agents inside the gateway, or processes on the agent bridge. */
function connection(agent) {
  const where = agent['x-vendor.arcpgateway.connection'];
  if (!where) {
    return '–';
  }
  const count = where.providers ?? 0;
  return where.kind === 'java' ? 'Java, in this gateway'
    : `bridged, ${count} process${count === 1 ? '' : 'es'} on this gateway's agent bridge`;
}

export function agentsView(root, dashboard) {
  const body = h('tbody', {});
  const note = h('p', { class: 'note', role: 'status' });
  let stopped = false;
  fill(root, h('h1', {}, 'Agents'),
    h('div', { class: 'table-wrap' }, h('table', { id: 'agents' },
      h('caption', { class: 'visually-hidden' }, 'Agents the gateway offers'),
      h('thead', {}, h('tr', {}, ['Name', 'Versions', 'Default', 'Connected'].map((title) => h('th', { scope: 'col' }, title)))),
      body)),
    note);

  function render(agents) {
    fill(body, agents.map((raw) => {
      const agent = typeof raw === 'string' ? { name: raw } : raw; // v1.0 runtimes list bare names
      return h('tr', { dataset: { agent: agent.name, connection: agent['x-vendor.arcpgateway.connection']?.kind ?? '' } },
        h('th', { scope: 'row' }, agent.name),
        h('td', { class: 'mono' }, (agent.versions ?? []).join(', ') || '–'),
        h('td', { class: 'mono' }, agent.default ?? '–'),
        h('td', {}, connection(agent)));
    }));
    note.textContent = `${agents.length} agent${agents.length === 1 ? '' : 's'}, as of ${new Date().toLocaleTimeString()}`;
  }

  async function refresh() {
    try {
      const agents = await dashboard.currentAgents();
      if (!stopped) {
        render(agents);
      }
    } catch (error) {
      note.textContent = `Could not read the inventory: ${error.message}`;
    }
  }

  render(dashboard.session.agents);
  const timer = setInterval(refresh, REFRESH_MS);
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
