// Zoom and pan: the image's canvases sit in one element moved by a CSS transform, so a big
// photo is not redrawn while the user zooms or pans, and painting maps screen points back to
// image pixels through the element's on-screen rectangle.

const MIN_SCALE = 0.02;
const MAX_SCALE = 32;

export class Stage {
  constructor(viewport, layers, onChange) {
    this.viewport = viewport;
    this.layers = layers;
    this.onChange = onChange;
    this.width = 0;
    this.height = 0;
    this.scale = 1;
    this.x = 0;
    this.y = 0;
    viewport.addEventListener('wheel', (event) => {
      if (!this.width) return;
      event.preventDefault();
      this.zoomAt(Math.exp(-event.deltaY * 0.0015), event.clientX, event.clientY);
    }, { passive: false });
    new ResizeObserver(() => {
      if (this.width && this.fitted) this.fit();
    }).observe(viewport);
  }

  setSize(width, height) {
    this.width = width;
    this.height = height;
    this.layers.style.width = `${width}px`;
    this.layers.style.height = `${height}px`;
    this.fit();
  }

  /** Shows the whole image, centred, never enlarged beyond 1:1. */
  fit() {
    const box = this.viewport.getBoundingClientRect();
    if (!this.width || !box.width || !box.height) return;
    this.scale = Math.min(box.width / this.width, box.height / this.height, 1);
    this.x = (box.width - this.width * this.scale) / 2;
    this.y = (box.height - this.height * this.scale) / 2;
    this.fitted = true;
    this.apply();
  }

  /** Zooms by `factor` keeping the point under (clientX, clientY) in place. */
  zoomAt(factor, clientX, clientY) {
    const box = this.viewport.getBoundingClientRect();
    const px = clientX - box.left;
    const py = clientY - box.top;
    const scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, this.scale * factor));
    this.x = px - ((px - this.x) * scale) / this.scale;
    this.y = py - ((py - this.y) * scale) / this.scale;
    this.scale = scale;
    this.fitted = false;
    this.apply();
  }

  zoomCentre(factor) {
    const box = this.viewport.getBoundingClientRect();
    this.zoomAt(factor, box.left + box.width / 2, box.top + box.height / 2);
  }

  panBy(dx, dy) {
    this.x += dx;
    this.y += dy;
    this.fitted = false;
    this.apply();
  }

  /** The image pixel under a screen point (fractional; may lie outside the image). */
  toImage(clientX, clientY) {
    const rect = this.layers.getBoundingClientRect();
    return {
      x: ((clientX - rect.left) / rect.width) * this.width,
      y: ((clientY - rect.top) / rect.height) * this.height,
    };
  }

  apply() {
    this.layers.style.transform = `translate(${this.x}px, ${this.y}px) scale(${this.scale})`;
    if (this.onChange) this.onChange();
  }
}
