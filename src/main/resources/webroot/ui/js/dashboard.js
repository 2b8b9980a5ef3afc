// The dashboard's state: one ARCP session and a JobModel per job it has heard of. Every job frame the session
// hands out is folded into its job's model, whichever view is open; views listen for `job` events.

import { ArcpSession } from './arcp-session.js';
import { JobModel } from './job-model.js';

export class Dashboard extends EventTarget {
  constructor(url, token) {
    super();
    this.url = url;
    this.token = token;
    this.session = new ArcpSession(url, token);
    this.jobs = new Map();
    this.subscriptions = new Map(); // job id -> promise of its job.subscribed
    this.session.addEventListener('frame', (event) => this.route(event.detail));
  }

  open() {
    return this.session.open();
  }

  close() {
    this.session.close();
  }

  job(jobId) {
    let model = this.jobs.get(jobId);
    if (!model) {
      model = new JobModel(jobId);
      this.jobs.set(jobId, model);
    }
    return model;
  }

  route(frame) {
    if (!frame.type.startsWith('job.') || !frame.job_id
        || (frame.type === 'job.error' && frame.event_seq === undefined)) {
      return; // not a job's frame, or the refusal of a request (answered to its requester)
    }
    const model = this.job(frame.job_id);
    if (model.apply(frame)) {
      const parent = model.parentJobId;
      if (parent) {
        this.job(parent).children.add(model.jobId);
        this.changed(parent);
      }
      this.changed(frame.job_id);
    }
  }

  changed(jobId) {
    this.dispatchEvent(new CustomEvent('job', { detail: jobId }));
  }

  /** One page of session.list_jobs; its entries also describe the jobs' models. */
  async listJobs(filter, limit, cursor) {
    const request = { filter, limit };
    if (cursor) {
      request.cursor = cursor;
    }
    const answer = await this.session.request('session.list_jobs', request, 'session.jobs');
    for (const entry of answer.payload.jobs) {
      const model = this.job(entry.job_id);
      model.describe(entry);
      if (entry.parent_job_id) {
        this.job(entry.parent_job_id).children.add(entry.job_id);
      }
    }
    return answer.payload;
  }

  /** Subscribes once to a job with its history (§7.6), unless this session already receives its frames. */
  follow(jobId) {
    if (this.job(jobId).subscribed) {
      return Promise.resolve();
    }
    if (!this.subscriptions.has(jobId)) {
      const subscribed = this.session.request('job.subscribe', { job_id: jobId, history: true, from_event_seq: 0 },
        'job.subscribed');
      subscribed.catch(() => this.subscriptions.delete(jobId)); // a refused subscription may be retried
      this.subscriptions.set(jobId, subscribed);
    }
    return this.subscriptions.get(jobId);
  }

  /** Submits a job (job.submit) and resolves with its id once accepted. */
  async submit(payload) {
    const accepted = await this.session.request('job.submit', payload, 'job.accepted');
    return accepted.job_id;
  }

  cancel(jobId) {
    return this.session.request('job.cancel', { reason: 'cancelled from the dashboard' }, 'job.cancelled', jobId);
  }

  /** The agent inventory as of now: a short second session's welcome (the welcome is the inventory's carrier). */
  async currentAgents() {
    const probe = new ArcpSession(this.url, this.token, 'arcp-gateway-dashboard-inventory');
    try {
      const welcome = await probe.open();
      return welcome.capabilities?.agents ?? [];
    } finally {
      probe.close();
    }
  }
}
