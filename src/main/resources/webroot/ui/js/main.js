// The dashboard's entry point: sign-in, the connection banner, and the views by URL fragment
// (#/jobs, #/job/ID, #/agents, #/submit).

import { Dashboard } from './dashboard.js';
import { fill, h } from './dom.js';
import { agentsView } from './views/agents.js';
import { jobView } from './views/job.js';
import { jobsView } from './views/jobs.js';
import { submitView } from './views/submit.js';

const TOKEN_KEY = 'arcp-dashboard-token'; // session storage: gone when the tab closes
const main = document.getElementById('main');
const banner = document.getElementById('banner');
const nav = document.getElementById('nav');
let dashboard = null;
let leave = () => {};

async function arcpUrl() {
  const config = await (await fetch('config.json', { cache: 'no-store' })).json();
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}${config.arcp_path}`;
}

function showBanner(text, kind) {
  banner.hidden = !text;
  banner.className = `banner ${kind ?? ''}`;
  fill(banner, text ?? '');
}

function signInView(problem) {
  leave();
  leave = () => {};
  nav.hidden = true;
  const token = h('input', { id: 'token', name: 'token', type: 'password', autocomplete: 'current-password', required: true });
  const message = h('p', { id: 'login-message', class: 'error', role: 'alert' }, problem ?? '');
  const button = h('button', { type: 'submit' }, 'Sign in');
  fill(main, h('h1', {}, 'Sign in'),
    h('form', { id: 'login-form', class: 'stacked', onsubmit: async (event) => {
      event.preventDefault();
      button.disabled = true;
      message.textContent = '';
      const failure = await connect(token.value);
      button.disabled = false;
      if (failure) {
        message.textContent = failure;
        token.focus();
      }
    } },
    h('p', {}, 'The dashboard is an ARCP client: it sees exactly the jobs your token may see. The token stays in this tab.'),
    // a bearer token has no user name; the hidden field tells password managers which secret this is
    h('input', { type: 'text', name: 'username', autocomplete: 'username', value: 'arcp-bearer', hidden: true }),
    h('div', { class: 'field' }, h('label', { for: 'token' }, 'Bearer token'), token),
    button, message));
  token.focus();
}

/** Opens the session; returns a sentence saying why it failed, or null. */
async function connect(token) {
  const candidate = new Dashboard(await arcpUrl(), token);
  try {
    await candidate.open();
  } catch (error) {
    if (error.code === 'UNAUTHENTICATED' || error.code === 'PERMISSION_DENIED') {
      sessionStorage.removeItem(TOKEN_KEY);
      return `The gateway refused this token (${error.message}).`;
    }
    return `Cannot reach the gateway: ${error.message}`;
  }
  sessionStorage.setItem(TOKEN_KEY, token);
  dashboard = candidate;
  window.arcpDashboard = candidate; // for the browser tests and the console
  candidate.session.addEventListener('state', (event) => {
    if (event.detail === 'reconnecting') {
      showBanner('Connection lost — reconnecting…', 'warning');
    } else if (event.detail === 'open') {
      showBanner(null);
    }
  });
  candidate.session.addEventListener('lost', (event) => {
    showBanner(`The session could not be resumed: ${event.detail.message}. Sign in again.`, 'error');
    dashboard = null;
    signInView();
  });
  nav.hidden = false;
  route();
  return null;
}

function route() {
  if (!dashboard) {
    return;
  }
  leave();
  delete main.dataset.status; // a job view's, for the tests and styles
  const [, view = 'jobs', id] = location.hash.split('/');
  for (const link of nav.querySelectorAll('a')) {
    link.toggleAttribute('aria-current', link.getAttribute('href') === `#/${view}`);
  }
  const navigate = (hash) => {
    location.hash = hash;
  };
  if (view === 'job' && id) {
    leave = jobView(main, dashboard, decodeURIComponent(id));
  } else if (view === 'agents') {
    leave = agentsView(main, dashboard);
  } else if (view === 'submit') {
    leave = submitView(main, dashboard, navigate);
  } else {
    leave = jobsView(main, dashboard);
  }
  main.focus({ preventScroll: true });
}

document.getElementById('sign-out').addEventListener('click', () => {
  sessionStorage.removeItem(TOKEN_KEY);
  dashboard?.close();
  dashboard = null;
  showBanner(null);
  signInView();
});
window.addEventListener('hashchange', route);

const saved = sessionStorage.getItem(TOKEN_KEY);
if (saved) {
  connect(saved).then((failure) => {
    if (failure) {
      signInView(failure);
    }
  });
} else {
  signInView();
}
