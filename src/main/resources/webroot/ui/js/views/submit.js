// Submit: a job.submit (§7.1) from a small form; the accepted job opens in its own view.

import { fill, h } from '../dom.js';

function parseJson(text, what, optional) {
  if (optional && text.trim() === '') {
    return undefined;
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${what} is not JSON: ${error.message}`);
  }
}

export function submitView(root, dashboard, navigate) {
  const agents = dashboard.session.agents.map((agent) => (typeof agent === 'string' ? { name: agent } : agent));
  const agentSelect = h('select', { id: 'submit-agent', name: 'agent', required: true },
    agents.map((agent) => h('option', { value: agent.name }, agent.name)));
  const versionSelect = h('select', { id: 'submit-version', name: 'version' });
  const input = h('textarea', { id: 'submit-input', name: 'input', rows: 5, spellcheck: 'false' }, '{}');
  const leaseRequest = h('textarea', { id: 'submit-lease', name: 'lease', rows: 3, spellcheck: 'false',
    placeholder: '{"fs.read": ["/workspace/**"]}' });
  const constraints = h('textarea', { id: 'submit-constraints', name: 'constraints', rows: 2, spellcheck: 'false',
    placeholder: '{"expires_in_s": 600}' });
  const message = h('p', { id: 'submit-message', class: 'note', role: 'alert' });
  const button = h('button', { type: 'submit' }, 'Submit job');

  function versions() {
    const agent = agents.find((candidate) => candidate.name === agentSelect.value);
    fill(versionSelect, h('option', { value: '' }, `default${agent?.default ? ` (${agent.default})` : ''}`),
      (agent?.versions ?? []).map((version) => h('option', { value: version }, version)));
  }
  agentSelect.addEventListener('change', versions);
  versions();

  async function submit(event) {
    event.preventDefault();
    message.textContent = '';
    let payload;
    try {
      payload = { agent: versionSelect.value ? `${agentSelect.value}@${versionSelect.value}` : agentSelect.value,
        input: parseJson(input.value, 'Input', false) };
      const lease = parseJson(leaseRequest.value, 'Lease request', true);
      const limits = parseJson(constraints.value, 'Lease constraints', true);
      if (lease !== undefined) {
        payload.lease_request = lease;
      }
      if (limits !== undefined) {
        payload.lease_constraints = limits;
      }
    } catch (error) {
      message.textContent = error.message;
      return;
    }
    button.disabled = true;
    try {
      const jobId = await dashboard.submit(payload);
      navigate(`#/job/${encodeURIComponent(jobId)}`);
    } catch (error) {
      message.textContent = `Refused: ${error.message}`;
    } finally {
      button.disabled = false;
    }
  }

  fill(root, h('h1', {}, 'Submit a job'),
    h('form', { id: 'submit-form', class: 'stacked', onsubmit: submit },
      h('div', { class: 'field' }, h('label', { for: 'submit-agent' }, 'Agent'), agentSelect),
      h('div', { class: 'field' }, h('label', { for: 'submit-version' }, 'Version'), versionSelect),
      h('div', { class: 'field' }, h('label', { for: 'submit-input' }, 'Input (JSON)'), input),
      h('div', { class: 'field' }, h('label', { for: 'submit-lease' }, 'Lease request (JSON, optional)'), leaseRequest),
      h('div', { class: 'field' }, h('label', { for: 'submit-constraints' }, 'Lease constraints (JSON, optional)'),
        constraints),
      button, message));
  return () => {};
}
