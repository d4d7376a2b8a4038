// The mask the user paints, on a canvas the size of the image: painted pixels are opaque,
// the rest transparent. It is shown tinted over the image and sent to the API as white on
// black (white = remove), which reads the same whatever the tint.

const TINT = 'rgb(255, 48, 48)';

export class MaskLayer {
  constructor(canvas) {
    this.canvas = canvas;
    this.ctx = canvas.getContext('2d', { willReadFrequently: true });
    // The mask as it was when the stroke began, for the stroke's undo entry.
    this.snapshot = document.createElement('canvas');
    this.stroke = null;
  }

  get width() {
    return this.canvas.width;
  }

  get height() {
    return this.canvas.height;
  }

  reset(width, height) {
    this.canvas.width = width;
    this.canvas.height = height;
    this.snapshot.width = width;
    this.snapshot.height = height;
    this.stroke = null;
  }

  beginStroke(point, size, erase) {
    const snap = this.snapshot.getContext('2d');
    snap.clearRect(0, 0, this.width, this.height);
    snap.drawImage(this.canvas, 0, 0);
    this.stroke = { last: point, size, erase, box: { x0: point.x, y0: point.y, x1: point.x, y1: point.y } };
    this.strokeTo(point);
  }

  strokeTo(point) {
    const stroke = this.stroke;
    if (!stroke) return;
    const ctx = this.ctx;
    ctx.save();
    ctx.globalCompositeOperation = stroke.erase ? 'destination-out' : 'source-over';
    ctx.strokeStyle = TINT;
    ctx.lineWidth = stroke.size;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.beginPath();
    ctx.moveTo(stroke.last.x, stroke.last.y);
    // A zero-length segment with round caps draws the dot of a single click.
    ctx.lineTo(point.x + (point.x === stroke.last.x && point.y === stroke.last.y ? 0.01 : 0), point.y);
    ctx.stroke();
    ctx.restore();
    stroke.last = point;
    const box = stroke.box;
    box.x0 = Math.min(box.x0, point.x);
    box.y0 = Math.min(box.y0, point.y);
    box.x1 = Math.max(box.x1, point.x);
    box.y1 = Math.max(box.y1, point.y);
  }

  /** Ends the stroke and returns its undo entry, or null when none was in progress. */
  endStroke() {
    const stroke = this.stroke;
    if (!stroke) return null;
    this.stroke = null;
    const pad = Math.ceil(stroke.size / 2) + 2;
    const rect = this.clampRect(stroke.box.x0 - pad, stroke.box.y0 - pad,
      stroke.box.x1 - stroke.box.x0 + 2 * pad, stroke.box.y1 - stroke.box.y0 + 2 * pad);
    if (!rect) return null;
    const before = this.snapshot.getContext('2d').getImageData(rect.x, rect.y, rect.w, rect.h);
    const after = this.ctx.getImageData(rect.x, rect.y, rect.w, rect.h);
    return this.pixelsEntry(rect, before, after);
  }

  /** Replaces the whole mask with a white-on-black mask image; returns the undo entry. */
  replaceWith(bitmap) {
    const before = this.ctx.getImageData(0, 0, this.width, this.height);
    const scratch = document.createElement('canvas');
    scratch.width = this.width;
    scratch.height = this.height;
    const sctx = scratch.getContext('2d', { willReadFrequently: true });
    sctx.drawImage(bitmap, 0, 0, this.width, this.height);
    const source = sctx.getImageData(0, 0, this.width, this.height).data;
    const after = this.ctx.createImageData(this.width, this.height);
    const out = after.data;
    for (let i = 0; i < source.length; i += 4) {
      const luma = 0.299 * source[i] + 0.587 * source[i + 1] + 0.114 * source[i + 2];
      if (luma >= 128) {
        out[i] = 255;
        out[i + 1] = 48;
        out[i + 2] = 48;
        out[i + 3] = 255;
      }
    }
    this.ctx.putImageData(after, 0, 0);
    return this.pixelsEntry({ x: 0, y: 0, w: this.width, h: this.height }, before, after);
  }

  /** Clears the mask; returns the undo entry, or null when it was already empty. */
  clear() {
    if (this.isEmpty()) return null;
    const before = this.ctx.getImageData(0, 0, this.width, this.height);
    this.ctx.clearRect(0, 0, this.width, this.height);
    const after = this.ctx.getImageData(0, 0, this.width, this.height);
    return this.pixelsEntry({ x: 0, y: 0, w: this.width, h: this.height }, before, after);
  }

  /** Number of painted pixels. */
  paintedPixels() {
    if (!this.width || !this.height) return 0;
    const data = this.ctx.getImageData(0, 0, this.width, this.height).data;
    let count = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] >= 128) count += 1;
    return count;
  }

  isEmpty() {
    return this.paintedPixels() === 0;
  }

  /** The whole mask's pixels, for an operation's undo entry. */
  save() {
    return this.ctx.getImageData(0, 0, this.width, this.height);
  }

  restore(pixels) {
    this.reset(pixels.width, pixels.height);
    this.ctx.putImageData(pixels, 0, 0);
  }

  /** The mask as the API reads it: an opaque PNG, white where painted, black elsewhere. */
  toBlob() {
    const out = document.createElement('canvas');
    out.width = this.width;
    out.height = this.height;
    const ctx = out.getContext('2d');
    ctx.drawImage(this.canvas, 0, 0);
    ctx.globalCompositeOperation = 'source-in';
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, out.width, out.height);
    ctx.globalCompositeOperation = 'destination-over';
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, out.width, out.height);
    return new Promise((resolve) => out.toBlob(resolve, 'image/png'));
  }

  clampRect(x, y, w, h) {
    const x0 = Math.max(0, Math.floor(x));
    const y0 = Math.max(0, Math.floor(y));
    const x1 = Math.min(this.width, Math.ceil(x + w));
    const y1 = Math.min(this.height, Math.ceil(y + h));
    if (x1 <= x0 || y1 <= y0) return null;
    return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
  }

  pixelsEntry(rect, before, after) {
    return {
      undo: () => this.ctx.putImageData(before, rect.x, rect.y),
      redo: () => this.ctx.putImageData(after, rect.x, rect.y),
    };
  }
}
