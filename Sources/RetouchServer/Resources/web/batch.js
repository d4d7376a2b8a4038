// The batch page: upload a set of images as one job or pick an existing one, follow it by
// polling, show each image's route, p(overlay), QA verdict and thumbnails, and download all
// results as one ZIP.

import {
  APIError, fillSelect, formData, isCancel, modelsLoader, mountKeyForm, request, requestJSON, upscalerOptions,
} from './api.js';
import { zipBlobs } from './zip.js';

const $ = (id) => document.getElementById(id);
const POLL_MS = 1000;
const FINAL = new Set(['succeeded', 'failed', 'cancelled']);

const ui = {
  form: $('upload-form'), files: $('batch-files'), model: $('batch-model'), scale: $('batch-scale'),
  route: $('batch-route'), config: $('batch-config'), submit: $('batch-submit'), cancelUpload: $('batch-cancel'), uploadProgress: $('upload-progress'),
  refresh: $('jobs-refresh'), jobList: $('job-list'),
  title: $('job-title'), state: $('job-state'), counts: $('job-counts'), cancel: $('job-cancel'),
  download: $('job-download'), progress: $('job-progress'), items: $('items'), status: $('status'), error: $('error'),
};

/** The job on screen: its id, last JSON, thumbnails fetched so far, and the poll's controller. */
let followed = null;
let uploading = null;

function showStatus(text) {
  ui.status.textContent = text;
}

function showError(text) {
  ui.error.textContent = text;
}

function reportError(error) {
  if (!isCancel(error)) showError(error instanceof APIError ? error.message : String(error.message || error));
}

// ---- starting a job

ui.form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const files = [...ui.files.files];
  if (files.length === 0) {
    showError('Choose one or more images first.');
    return;
  }
  uploading = new AbortController();
  ui.submit.disabled = true;
  ui.cancelUpload.disabled = false;
  showError('');
  showStatus(`Uploading ${files.length} image${files.length === 1 ? '' : 's'}…`);
  try {
    const fields = { image_file: files, 'upscale.model': ui.model.value, 'upscale.scale': ui.scale.value,
      route: String(ui.route.checked), config: ui.config.value.trim() };
    // A retry of the same upload (a dropped connection) returns the job created the first time.
    const job = await requestJSON('POST', 'v1/jobs', {
      body: formData(fields), signal: uploading.signal,
      headers: { 'Idempotency-Key': crypto.randomUUID ? crypto.randomUUID() : String(Date.now() + Math.random()) },
      onProgress: ({ phase, fraction }) => {
        if (phase === 'upload' && fraction !== null) ui.uploadProgress.value = fraction;
        if (phase !== 'upload') showStatus('Checking the images and the settings…');
      },
    });
    ui.uploadProgress.value = 1;
    ui.files.value = '';
    follow(job.id);
    loadJobs();
  } catch (error) {
    ui.uploadProgress.value = 0;
    showStatus(isCancel(error) ? 'Upload cancelled.' : '');
    reportError(error);
  } finally {
    ui.submit.disabled = false;
    ui.cancelUpload.disabled = true;
    uploading = null;
  }
});

// ---- the job list

let jobsRequest = 0;

async function loadJobs() {
  jobsRequest += 1;
  const mine = jobsRequest;
  try {
    const page = await requestJSON('GET', 'v1/jobs?limit=20');
    if (mine !== jobsRequest) return;
    ui.jobList.replaceChildren(...page.jobs.map((job) => {
      const item = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      const when = new Date(job.created_at).toLocaleString();
      button.append(textSpan(`${when} · ${job.progress.total} image${job.progress.total === 1 ? '' : 's'}`),
        textSpan(job.state, `state state-${job.state}`));
      button.setAttribute('aria-label', `Job ${job.id}, ${job.state}, created ${when}`);
      button.addEventListener('click', () => follow(job.id));
      item.append(button);
      return item;
    }));
    if (page.jobs.length === 0) ui.jobList.replaceChildren(listNote('No jobs yet.'));
  } catch (error) {
    if (mine !== jobsRequest) return;
    ui.jobList.replaceChildren(listNote('Cannot list jobs.'));
    reportError(error);
  }
}

function listNote(text) {
  const item = document.createElement('li');
  item.className = 'muted';
  item.textContent = text;
  return item;
}

function textSpan(text, className) {
  const span = document.createElement('span');
  span.textContent = text;
  if (className) span.className = className;
  return span;
}

// ---- following a job

function follow(id) {
  if (followed) {
    followed.controller.abort();
    for (const url of followed.urls) URL.revokeObjectURL(url);
  }
  followed = { id, job: null, controller: new AbortController(), blobs: new Map(), urls: [], rows: new Map() };
  ui.items.replaceChildren();
  ui.title.textContent = `Job ${id}`;
  showError('');
  poll(followed);
}

async function poll(current) {
  while (followed === current) {
    try {
      const job = await requestJSON('GET', `v1/jobs/${encodeURIComponent(current.id)}`, { signal: current.controller.signal });
      if (followed !== current) return;
      current.job = job;
      render(current, job);
      if (FINAL.has(job.state)) {
        loadJobs();
        return;
      }
    } catch (error) {
      if (isCancel(error) || followed !== current) return;
      reportError(error);
      // A 404 (expired or another key's job) will not heal by polling; anything else might.
      if (error.status === 404 || error.status === 401) return;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

function render(current, job) {
  const { total, done, succeeded, failed } = job.progress;
  ui.state.textContent = job.cancel_requested && !FINAL.has(job.state) ? `${job.state} (cancelling)` : job.state;
  ui.state.className = `state state-${job.state}`;
  ui.counts.textContent = `${done} of ${total} done · ${succeeded} succeeded · ${failed} failed`;
  ui.progress.value = total ? done / total : 0;
  ui.cancel.disabled = FINAL.has(job.state) || job.cancel_requested;
  ui.download.disabled = !job.items.some((item) => item.result_url);
  showStatus(FINAL.has(job.state)
    ? `Job ${job.state}${job.error ? `: ${job.error}` : ''}.`
    : `Job ${job.state}; checking every ${POLL_MS / 1000} s…`);
  for (const item of job.items) renderItem(current, item);
}

function renderItem(current, item) {
  let row = current.rows.get(item.index);
  if (!row) {
    row = document.createElement('tr');
    row.dataset.index = String(item.index);
    row.innerHTML = '<td class="index"></td><td class="name"></td><td class="item-state"></td>'
      + '<td class="route optional"></td><td class="overlay"></td><td class="verdict"></td>'
      + '<td class="thumb before"><div class="thumb-box"></div></td><td class="thumb after"><div class="thumb-box"></div></td>';
    row.querySelector('.index').textContent = String(item.index + 1);
    row.querySelector('.name').textContent = item.name;
    current.rows.set(item.index, row);
    ui.items.append(row);
    thumbnail(current, row.querySelector('.before .thumb-box'), `v1/jobs/${current.id}/inputs/${item.index}`,
      `${item.name}, before`, null);
  }
  const result = item.result;
  const stateCell = row.querySelector('.item-state');
  stateCell.textContent = item.state;
  stateCell.className = `item-state state state-${item.state}`;
  if (item.error) stateCell.title = item.error;
  row.querySelector('.route').textContent = result && result.route ? result.route : '–';
  row.querySelector('.overlay').textContent = result && typeof result.overlay_probability === 'number'
    ? result.overlay_probability.toFixed(2) : '–';
  const verdict = row.querySelector('.verdict');
  if (result && !verdict.dataset.done) {
    verdict.dataset.done = 'true';
    verdict.replaceChildren(textSpan(result.verdict, `verdict-${result.verdict}`));
    if (result.reasons.length) {
      const list = document.createElement('ul');
      list.className = 'reasons';
      for (const reason of result.reasons) list.append(Object.assign(document.createElement('li'), { textContent: reason }));
      verdict.append(list);
    }
  } else if (!result) {
    verdict.textContent = item.error ? item.error : '–';
  }
  const after = row.querySelector('.after .thumb-box');
  if (item.result_url && !after.dataset.requested) {
    after.dataset.requested = 'true';
    thumbnail(current, after, item.result_url.replace(/^\//, ''), `${item.name}, after`, item.index);
  }
}

/** Fetches an image with the key (an <img src> cannot send one) and shows it in `box`. */
async function thumbnail(current, box, path, alt, resultIndex) {
  try {
    const response = await request('GET', path, { signal: current.controller.signal });
    if (resultIndex !== null) current.blobs.set(resultIndex, response.blob);
    const url = URL.createObjectURL(response.blob);
    current.urls.push(url);
    const img = new Image();
    img.alt = alt;
    img.src = url;
    box.replaceChildren(img);
  } catch (error) {
    if (!isCancel(error)) box.replaceChildren(textSpan('unavailable', 'muted'));
  }
}

// ---- cancel and download

ui.cancel.addEventListener('click', async () => {
  if (!followed) return;
  try {
    const job = await requestJSON('DELETE', `v1/jobs/${encodeURIComponent(followed.id)}`);
    render(followed, job);
  } catch (error) {
    reportError(error);
  }
});

ui.download.addEventListener('click', async () => {
  const current = followed;
  if (!current || !current.job) return;
  ui.download.disabled = true;
  try {
    const files = [];
    const used = new Set();
    for (const item of current.job.items.filter((i) => i.result_url)) {
      showStatus(`Collecting result ${files.length + 1}…`);
      let blob = current.blobs.get(item.index);
      if (!blob) {
        blob = (await request('GET', item.result_url.replace(/^\//, ''), { signal: current.controller.signal })).blob;
        current.blobs.set(item.index, blob);
      }
      files.push({ name: uniqueName(resultName(item), used), blob });
    }
    const zip = await zipBlobs(files);
    const link = document.createElement('a');
    link.href = URL.createObjectURL(zip);
    link.download = `retouch-${current.id}.zip`;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 60000);
    showStatus(`Saved ${files.length} result${files.length === 1 ? '' : 's'} as ${link.download}.`);
  } catch (error) {
    reportError(error);
  } finally {
    ui.download.disabled = false;
  }
});

function resultName(item) {
  const ext = { jpeg: 'jpg', jpg: 'jpg', png: 'png', webp: 'webp' }[item.result && item.result.format] || 'img';
  return `${item.name.replace(/\.[^.]+$/, '')}.${ext}`;
}

function uniqueName(name, used) {
  let candidate = name;
  for (let n = 2; used.has(candidate); n += 1) candidate = name.replace(/(\.[^.]+)?$/, `-${n}$1`);
  used.add(candidate);
  return candidate;
}

// ---- models for the upscale choice

const loadModels = modelsLoader((models) => {
  fillSelect(ui.model, upscalerOptions(models.upscalers), 'lanczos3');
  showError('');
}, reportError);

ui.refresh.addEventListener('click', loadJobs);
ui.cancelUpload.addEventListener('click', () => uploading && uploading.abort());
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && uploading) uploading.abort();
});

function refreshAll() {
  loadModels();
  loadJobs();
  if (followed) follow(followed.id);
}

mountKeyForm(refreshAll);
loadModels();
loadJobs();
const fromURL = new URLSearchParams(location.search).get('job');
if (fromURL) follow(fromURL);
