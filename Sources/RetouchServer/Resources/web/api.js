// Calls to the Retouch API from the page. The API key lives in sessionStorage only: it is
// gone when the tab closes and never reaches a URL, a cookie or localStorage.

const KEY_STORAGE = 'retouch.apiKey';

export function apiKey() {
  return sessionStorage.getItem(KEY_STORAGE) || '';
}

export function setApiKey(key) {
  if (key) sessionStorage.setItem(KEY_STORAGE, key);
  else sessionStorage.removeItem(KEY_STORAGE);
}

/** An API error in words: the server's message, its stable code and the HTTP status. */
export class APIError extends Error {
  constructor(message, status, code) {
    super(message);
    this.name = 'APIError';
    this.status = status;
    this.code = code;
  }
}

export function isCancel(error) {
  return error && error.name === 'AbortError';
}

/**
 * Sends a request and resolves with { status, header(name), blob }, or rejects with an APIError
 * (or an AbortError when `signal` fires). XMLHttpRequest rather than fetch because only it
 * reports upload progress, which is most of the wait for a large photo.
 * onProgress receives { phase: 'upload' | 'processing' | 'download', fraction (0-1 or null) }.
 */
export function request(method, path, { body = null, signal = null, onProgress = null, headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    if (signal && signal.aborted) {
      reject(new DOMException('Cancelled', 'AbortError'));
      return;
    }
    const xhr = new XMLHttpRequest();
    xhr.open(method, path);
    xhr.responseType = 'blob';
    const key = apiKey();
    if (key) xhr.setRequestHeader('Authorization', `Bearer ${key}`);
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    const report = (phase, event) => {
      if (!onProgress) return;
      const fraction = event && event.lengthComputable && event.total > 0 ? event.loaded / event.total : null;
      onProgress({ phase, fraction });
    };
    xhr.upload.onprogress = (event) => report('upload', event);
    xhr.upload.onload = () => report('processing', null);
    xhr.onprogress = (event) => report('download', event);
    xhr.onabort = () => reject(new DOMException('Cancelled', 'AbortError'));
    xhr.onerror = () => reject(new APIError(
      `Cannot reach the Retouch server at ${location.origin}: is \`retouch serve\` still running?`, 0, 'network'));
    xhr.onload = async () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve({ status: xhr.status, header: (name) => xhr.getResponseHeader(name), blob: xhr.response });
      } else {
        reject(await errorFrom(xhr));
      }
    };
    if (signal) signal.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(body);
  });
}

export async function requestJSON(method, path, options) {
  const response = await request(method, path, options);
  return JSON.parse(await response.blob.text());
}

const STATUS_WORDS = {
  401: 'The server needs a valid API key.',
  404: 'Not found.',
  413: 'The image is too large for this server.',
  429: 'The server is busy.',
  500: 'The server failed.',
  502: 'The server is unreachable behind its proxy.',
  503: 'The server cannot do this now.',
};

async function errorFrom(xhr) {
  let code = `http_${xhr.status}`;
  let message = STATUS_WORDS[xhr.status] || `The server answered ${xhr.status}.`;
  try {
    const body = JSON.parse(await xhr.response.text());
    if (body && body.error && body.error.message) {
      code = body.error.code;
      message = body.error.message;
    }
  } catch {
    // Not the API's JSON error (a proxy's page, say): keep the words for the status.
  }
  if (xhr.status === 401) message += '. Enter a valid API key at the top of the page.';
  const retry = xhr.getResponseHeader('Retry-After');
  if (xhr.status === 429 && retry) message += ` Try again in ${retry} s.`;
  return new APIError(message, xhr.status, code);
}

/**
 * Loads GET v1/models when called; only the latest call's answer counts, since a reply to a
 * call made before the key changed may come last. `use(models)` applies it, `fail(error)` a failure.
 */
export function modelsLoader(use, fail) {
  let latest = 0;
  return async () => {
    latest += 1;
    const mine = latest;
    try {
      const models = await requestJSON('GET', 'v1/models');
      if (mine === latest) use(models);
    } catch (error) {
      if (mine === latest) fail(error);
    }
  };
}

/** Select options for the upscalers: those not installed stay listed, disabled, saying what is missing. */
export function upscalerOptions(upscalers) {
  return upscalers.map((m) => ({
    value: m.name, label: m.available ? m.name : `${m.name} (not installed)`, disabled: !m.available, title: m.missing || m.summary,
  }));
}

/** Fills a select, keeping the current choice while it is usable, else `preferred`, else the first usable. */
export function fillSelect(select, options, preferred) {
  const keep = select.value || preferred;
  select.replaceChildren(...options.map((o) => {
    const option = new Option(o.label, o.value);
    option.disabled = Boolean(o.disabled);
    if (o.title) option.title = o.title;
    return option;
  }));
  const usable = options.filter((o) => !o.disabled).map((o) => o.value);
  select.value = usable.includes(keep) ? keep : (usable.includes(preferred) ? preferred : usable[0] || '');
}

/** Wires the key form in the page header: save to this tab's session, or forget. */
export function mountKeyForm(onChange) {
  const form = document.getElementById('key-form');
  const input = document.getElementById('api-key');
  const state = document.getElementById('key-state');
  const forget = document.getElementById('key-forget');
  const show = () => {
    state.textContent = apiKey() ? 'Key set for this tab' : 'No key set';
  };
  input.value = apiKey();
  show();
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    setApiKey(input.value.trim());
    show();
    onChange();
  });
  forget.addEventListener('click', () => {
    input.value = '';
    setApiKey('');
    show();
    onChange();
  });
}

/** A multipart body from a plain object; File/Blob values become file parts. */
export function formData(fields) {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) {
      for (const item of value) form.append(name, item, item.name || name);
    } else if (value instanceof Blob) {
      form.append(name, value, value.name || name);
    } else {
      form.append(name, String(value));
    }
  }
  return form;
}
