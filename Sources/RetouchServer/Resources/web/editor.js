// The editor page: open an image, paint or detect a mask, and run erase, remove and upscale
// through the API. Every operation's result becomes the working image and an undo step.

import {
  APIError, fillSelect, formData, isCancel, modelsLoader, mountKeyForm, request, requestJSON, upscalerOptions,
} from './api.js';
import { History } from './history.js';
import { MaskLayer } from './mask.js';
import { Stage } from './stage.js';

const $ = (id) => document.getElementById(id);

const ui = {
  viewport: $('viewport'), layers: $('layers'), image: $('image-layer'), before: $('before-layer'),
  mask: $('mask-layer'), cursor: $('brush-cursor'), compareLine: $('compare-line'), dropHint: $('drop-hint'),
  fileInput: $('file-input'), download: $('download'), info: $('image-info'),
  brushSize: $('brush-size'), brushSizeValue: $('brush-size-value'), showMask: $('show-mask'),
  undo: $('undo'), redo: $('redo'), clearMask: $('clear-mask'),
  detect: $('detect'), erase: $('erase'), remove: $('remove'), upscale: $('upscale'),
  engine: $('engine'), hint: $('hint'), hintColor: $('hint-color'), grow: $('grow'), growValue: $('grow-value'),
  upscaleModel: $('upscale-model'), upscaleScale: $('upscale-scale'),
  compare: $('compare'), progress: $('progress'), cancel: $('cancel'), status: $('status'), error: $('error'),
};

const state = {
  /** The working image: { blob, name, width, height }. */
  current: null,
  /** The image before the last operation, for the before/after slider. */
  previous: null,
  busy: null,
  upscalers: [],
  spaceHeld: false,
};

const history = new History(updateControls);
const mask = new MaskLayer(ui.mask);
const stage = new Stage(ui.viewport, ui.layers, () => moveCompareLine());

// ---- opening images

async function openFile(file) {
  if (!file) return;
  // A result still on its way belongs to the image being replaced.
  if (state.busy) state.busy.abort();
  if (!file.type.startsWith('image/')) {
    showError(`${file.name || 'That file'} is not an image; open a JPEG, PNG or WebP photo.`);
    return;
  }
  try {
    const bitmap = await createImageBitmap(file);
    state.previous = null;
    await showImage({ blob: file, name: file.name || 'pasted-image.png' }, bitmap);
    mask.reset(bitmap.width, bitmap.height);
    history.clear();
    stage.setSize(bitmap.width, bitmap.height);
    showStatus(`Opened ${state.current.name}.`);
  } catch {
    showError(`This browser cannot show ${file.name || 'that file'}; open a JPEG, PNG or WebP photo.`);
  }
}

/** Draws `image` on the image layer and makes it the working image. */
async function showImage(image, bitmap) {
  const bmp = bitmap || await createImageBitmap(image.blob);
  drawBitmap(ui.image, bmp);
  state.current = { ...image, width: bmp.width, height: bmp.height };
  if (ui.download.href) URL.revokeObjectURL(ui.download.href);
  ui.download.href = URL.createObjectURL(image.blob);
  ui.download.download = downloadName(image);
  ui.dropHint.hidden = true;
  ui.info.textContent = `${image.name}: ${bmp.width} × ${bmp.height} px`;
  await showPrevious();
  updateControls();
}

async function showPrevious() {
  const previous = state.previous;
  if (previous && state.current && previous.width === state.current.width && previous.height === state.current.height) {
    drawBitmap(ui.before, await createImageBitmap(previous.blob));
    ui.before.hidden = false;
  } else if (previous) {
    // An upscale changes the size: the before image is stretched over the result to compare.
    const bmp = await createImageBitmap(previous.blob);
    ui.before.width = state.current.width;
    ui.before.height = state.current.height;
    const ctx = ui.before.getContext('2d');
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(bmp, 0, 0, state.current.width, state.current.height);
    ui.before.hidden = false;
  } else {
    ui.before.hidden = true;
  }
  applyCompare();
}

function drawBitmap(canvas, bitmap) {
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  canvas.getContext('2d').drawImage(bitmap, 0, 0);
}

function downloadName(image) {
  const base = image.name.replace(/\.[^.]+$/, '');
  const ext = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' }[image.blob.type] || 'png';
  return state.previous ? `${base}-retouched.${ext}` : `${base}.${ext}`;
}

// ---- painting, zoom and pan

function tool() {
  return document.querySelector('input[name="tool"]:checked').value;
}

function setTool(name) {
  document.querySelector(`input[name="tool"][value="${name}"]`).checked = true;
  ui.viewport.dataset.tool = name;
}

let drag = null;

ui.viewport.addEventListener('pointerdown', (event) => {
  if (!state.current || state.busy) return;
  ui.viewport.focus({ preventScroll: true });
  const panning = tool() === 'pan' || state.spaceHeld || event.button === 1;
  if (event.button !== 0 && !panning) return;
  event.preventDefault();
  ui.viewport.setPointerCapture(event.pointerId);
  if (panning) {
    drag = { pan: true, x: event.clientX, y: event.clientY };
  } else {
    drag = { pan: false };
    mask.beginStroke(stage.toImage(event.clientX, event.clientY), brushSize(), tool() === 'eraser');
  }
});

ui.viewport.addEventListener('pointermove', (event) => {
  moveBrushCursor(event);
  if (!drag) return;
  if (drag.pan) {
    stage.panBy(event.clientX - drag.x, event.clientY - drag.y);
    drag.x = event.clientX;
    drag.y = event.clientY;
  } else {
    for (const e of event.getCoalescedEvents ? event.getCoalescedEvents() : [event]) {
      mask.strokeTo(stage.toImage(e.clientX, e.clientY));
    }
  }
});

function endDrag() {
  if (drag && !drag.pan) {
    const entry = mask.endStroke();
    if (entry) history.push(entry);
  }
  drag = null;
}

ui.viewport.addEventListener('pointerup', endDrag);
ui.viewport.addEventListener('pointercancel', endDrag);
ui.viewport.addEventListener('pointerleave', () => { ui.cursor.hidden = true; });

function moveBrushCursor(event) {
  const painting = state.current && tool() !== 'pan' && !state.spaceHeld;
  ui.cursor.hidden = !painting;
  if (!painting) return;
  const box = ui.viewport.getBoundingClientRect();
  const diameter = brushSize() * stage.scale;
  ui.cursor.style.width = ui.cursor.style.height = `${diameter}px`;
  ui.cursor.style.transform = `translate(${event.clientX - box.left - diameter / 2}px, ${event.clientY - box.top - diameter / 2}px)`;
}

function brushSize() {
  return Number(ui.brushSize.value);
}

function changeBrushSize(factor) {
  const next = Math.round(brushSize() * factor) + (factor > 1 ? 1 : -1);
  ui.brushSize.value = String(Math.min(Number(ui.brushSize.max), Math.max(Number(ui.brushSize.min), next)));
  ui.brushSizeValue.textContent = ui.brushSize.value;
}

// ---- before / after

function applyCompare() {
  const percent = Number(ui.compare.value);
  ui.before.style.clipPath = `inset(0 ${100 - percent}% 0 0)`;
  moveCompareLine();
}

function moveCompareLine() {
  const visible = state.previous && !ui.before.hidden;
  ui.compareLine.hidden = !visible;
  if (!visible) return;
  const rect = ui.layers.getBoundingClientRect();
  const box = ui.viewport.getBoundingClientRect();
  ui.compareLine.style.transform = `translateX(${rect.left - box.left + (rect.width * Number(ui.compare.value)) / 100}px)`;
}

// ---- operations

/**
 * Runs one API call with progress and cancel. `send(signal, onProgress)` returns the response;
 * `label` names the operation in the status line.
 */
async function runOperation(label, send) {
  if (!state.current || state.busy) return null;
  const controller = new AbortController();
  const started = performance.now();
  let phase = 'upload';
  const tick = () => {
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const words = { upload: 'uploading', processing: 'working', download: 'receiving the result' }[phase];
    showStatus(`${label}: ${words}… ${seconds} s`);
  };
  const timer = setInterval(tick, 200);
  state.busy = controller;
  showError('');
  ui.progress.removeAttribute('value');
  ui.progress.classList.add('active');
  updateControls();
  try {
    return await send(controller.signal, ({ phase: next, fraction }) => {
      phase = next;
      if (fraction === null || next === 'processing') ui.progress.removeAttribute('value');
      else ui.progress.value = fraction;
      tick();
    });
  } catch (error) {
    if (isCancel(error)) showStatus(`${label} cancelled.`);
    else showError(error instanceof APIError ? error.message : `${label} failed: ${error.message}`);
    return null;
  } finally {
    clearInterval(timer);
    state.busy = null;
    ui.progress.value = 0;
    ui.progress.classList.remove('active');
    updateControls();
  }
}

function imageField() {
  return new File([state.current.blob], state.current.name, { type: state.current.blob.type });
}

function fillOptions() {
  return {
    engine: ui.engine.value,
    hint: ui.hint.value === 'color' ? `color=${ui.hintColor.value}` : ui.hint.value,
  };
}

async function detect() {
  const report = await runOperation('Detect text', (signal, onProgress) =>
    requestJSON('POST', 'v1/detect', {
      body: formData({ image_file: imageField(), include_mask: 'true' }), signal, onProgress,
    }));
  if (!report) return;
  const bitmap = await createImageBitmap(base64Blob(report.mask_png, 'image/png'));
  history.push(mask.replaceWith(bitmap));
  ui.showMask.checked = true;
  ui.mask.hidden = false;
  const count = report.regions.length;
  showStatus(count === 0
    ? 'No text found. Paint over what to remove and use Remove masked.'
    : `Found ${count} text region${count === 1 ? '' : 's'} (p(overlay) ${report.overlay_probability.toFixed(2)}, `
      + `${(report.text_coverage * 100).toFixed(1)}% of the image) in ${report.seconds.toFixed(2)} s. `
      + 'The mask shows what Erase would remove; edit it and use Remove masked, or use Erase text.');
}

async function erase() {
  const response = await runOperation('Erase text', (signal, onProgress) =>
    request('POST', 'v1/erase-text', { body: formData({ image_file: imageField(), ...fillOptions() }), signal, onProgress }));
  if (!response) return;
  const regions = response.header('X-Retouch-Regions');
  await applyResult(response, 'Erase text', response.header('X-Retouch-Route') === 'direct'
    ? 'no text was found, so the image is unchanged'
    : `${regions} region${regions === '1' ? '' : 's'} removed`);
}

async function remove() {
  if (mask.isEmpty()) {
    showError('The mask is empty: paint over what to remove first (or use Detect text).');
    return;
  }
  const maskBlob = await mask.toBlob();
  const response = await runOperation('Remove', (signal, onProgress) =>
    request('POST', 'v1/inpaint', {
      body: formData({ image_file: imageField(), mask_file: new File([maskBlob], 'mask.png', { type: 'image/png' }),
        dilate: ui.grow.value, ...fillOptions() }),
      signal, onProgress,
    }));
  if (!response) return;
  await applyResult(response, 'Remove', `${response.header('X-Retouch-Regions')} region(s) filled`);
}

async function upscale() {
  const response = await runOperation('Upscale', (signal, onProgress) =>
    request('POST', 'v1/upscale', {
      body: formData({ image_file: imageField(), model: ui.upscaleModel.value, scale: ui.upscaleScale.value }),
      signal, onProgress,
    }));
  if (!response) return;
  await applyResult(response, 'Upscale', `${response.header('X-Retouch-Width')} × ${response.header('X-Retouch-Height')} px`);
}

/** Makes a result the working image, with an undo step back to the image and mask before it. */
async function applyResult(response, label, summary) {
  const before = { image: state.current, previous: state.previous, mask: mask.save() };
  const image = { blob: response.blob, name: state.current.name };
  const bitmap = await createImageBitmap(response.blob);
  const after = { image, previous: state.current, mask: null };
  const show = async (side, bmp) => {
    state.previous = side.previous;
    await showImage(side.image, bmp);
    if (side.mask) mask.restore(side.mask);
    else mask.reset(state.current.width, state.current.height);
    if (stage.width !== state.current.width || stage.height !== state.current.height) {
      stage.setSize(state.current.width, state.current.height);
    }
  };
  await show(after, bitmap);
  history.push({ undo: () => show(before), redo: () => show(after) });
  ui.compare.value = '50';
  applyCompare();
  const seconds = Number(response.header('X-Retouch-Seconds') || 0).toFixed(2);
  const model = response.header('X-Retouch-Model');
  showStatus(`${label} done in ${seconds} s${model ? ` with ${model}` : ''}: ${summary}. `
    + 'Drag Before / after to compare; Download saves the result.');
}

function base64Blob(text, type) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return new Blob([bytes], { type });
}

// ---- models

const loadModels = modelsLoader((models) => {
  state.upscalers = models.upscalers;
  fillSelect(ui.upscaleModel, upscalerOptions(models.upscalers), 'lanczos3');
  fillSelect(ui.engine, models.inpaint_engines.map((e) => ({ value: e.name, label: e.name, title: e.summary })), 'auto');
  fillScales();
  showError('');
}, (error) => showError(error.message));

function fillScales() {
  const model = state.upscalers.find((m) => m.name === ui.upscaleModel.value);
  const scales = model ? model.scales : [2];
  fillSelect(ui.upscaleScale, scales.map((s) => ({ value: String(s), label: `${s}×` })), ui.upscaleScale.value || '2');
}

// ---- status and controls

function showStatus(text) {
  ui.status.textContent = text;
}

function showError(text) {
  ui.error.textContent = text;
}

function updateControls() {
  const ready = Boolean(state.current) && !state.busy;
  for (const button of [ui.detect, ui.erase, ui.remove, ui.upscale, ui.clearMask]) button.disabled = !ready;
  ui.undo.disabled = !ready || !history.canUndo;
  ui.redo.disabled = !ready || !history.canRedo;
  ui.cancel.disabled = !state.busy;
  ui.compare.disabled = !state.previous;
  ui.download.setAttribute('aria-disabled', String(!state.current));
  ui.viewport.setAttribute('aria-busy', String(Boolean(state.busy)));
}

async function undo() {
  if (!state.busy) await history.undo();
}

async function redo() {
  if (!state.busy) await history.redo();
}

// ---- events

ui.fileInput.addEventListener('change', () => {
  openFile(ui.fileInput.files[0]);
  ui.fileInput.value = '';
});
ui.viewport.addEventListener('dragover', (event) => {
  event.preventDefault();
  ui.viewport.classList.add('dropping');
});
ui.viewport.addEventListener('dragleave', () => ui.viewport.classList.remove('dropping'));
ui.viewport.addEventListener('drop', (event) => {
  event.preventDefault();
  ui.viewport.classList.remove('dropping');
  openFile(event.dataTransfer.files[0]);
});
document.addEventListener('paste', (event) => {
  const file = [...event.clipboardData.files].find((f) => f.type.startsWith('image/'));
  if (file) {
    event.preventDefault();
    openFile(file);
  }
});
ui.download.addEventListener('click', (event) => {
  if (!state.current) event.preventDefault();
});

ui.detect.addEventListener('click', detect);
ui.erase.addEventListener('click', erase);
ui.remove.addEventListener('click', remove);
ui.upscale.addEventListener('click', upscale);
ui.cancel.addEventListener('click', () => state.busy && state.busy.abort());
ui.undo.addEventListener('click', undo);
ui.redo.addEventListener('click', redo);
ui.clearMask.addEventListener('click', () => {
  const entry = mask.clear();
  if (entry) history.push(entry);
});
ui.showMask.addEventListener('change', () => { ui.mask.hidden = !ui.showMask.checked; });
ui.brushSize.addEventListener('input', () => { ui.brushSizeValue.textContent = ui.brushSize.value; });
ui.grow.addEventListener('input', () => { ui.growValue.textContent = ui.grow.value; });
ui.hint.addEventListener('change', () => { ui.hintColor.disabled = ui.hint.value !== 'color'; });
ui.upscaleModel.addEventListener('change', fillScales);
ui.compare.addEventListener('input', applyCompare);
document.querySelectorAll('input[name="tool"]').forEach((radio) => radio.addEventListener('change', () => setTool(tool())));
$('zoom-in').addEventListener('click', () => stage.zoomCentre(1.25));
$('zoom-out').addEventListener('click', () => stage.zoomCentre(0.8));
$('zoom-fit').addEventListener('click', () => stage.fit());

const TYPING = new Set(['INPUT', 'SELECT', 'TEXTAREA']);

document.addEventListener('keydown', (event) => {
  const typing = TYPING.has(event.target.tagName) && !['range', 'radio', 'checkbox'].includes(event.target.type);
  const ctrl = event.ctrlKey || event.metaKey;
  const key = event.key.toLowerCase();
  if (ctrl && key === 'z' && !typing) {
    event.preventDefault();
    if (event.shiftKey) redo(); else undo();
  } else if (ctrl && key === 'y' && !typing) {
    event.preventDefault();
    redo();
  } else if (event.key === 'Escape' && state.busy) {
    state.busy.abort();
  } else if (typing || ctrl || event.altKey) {
    // Leave other keys to the focused control and the browser.
  } else if (event.key === '[' || event.key === ']') {
    event.preventDefault();
    changeBrushSize(event.key === ']' ? 1.15 : 1 / 1.15);
  } else if (key === 'b' || key === 'e' || key === 'h') {
    setTool({ b: 'brush', e: 'eraser', h: 'pan' }[key]);
  } else if (event.key === '+' || event.key === '=') {
    stage.zoomCentre(1.25);
  } else if (event.key === '-') {
    stage.zoomCentre(0.8);
  } else if (event.key === '0') {
    stage.fit();
  } else if (event.key === ' ' && event.target === ui.viewport) {
    event.preventDefault();
    state.spaceHeld = true;
    ui.viewport.dataset.tool = 'pan';
  }
});
document.addEventListener('keyup', (event) => {
  if (event.key === ' ' && state.spaceHeld) {
    state.spaceHeld = false;
    ui.viewport.dataset.tool = tool();
  }
});

mountKeyForm(loadModels);
setTool('brush');
updateControls();
loadModels();
