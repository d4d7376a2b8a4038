// Undo and redo for the editor: each entry knows how to undo and redo itself (a mask stroke
// keeps the pixels of the rectangle it touched; an operation keeps the images on both sides).

const LIMIT = 40;

export class History {
  constructor(onChange) {
    this.done = [];
    this.undone = [];
    this.onChange = onChange;
  }

  push(entry) {
    this.done.push(entry);
    if (this.done.length > LIMIT) this.done.shift();
    this.undone = [];
    this.onChange();
  }

  async undo() {
    const entry = this.done.pop();
    if (!entry) return;
    await entry.undo();
    this.undone.push(entry);
    this.onChange();
  }

  async redo() {
    const entry = this.undone.pop();
    if (!entry) return;
    await entry.redo();
    this.done.push(entry);
    this.onChange();
  }

  clear() {
    this.done = [];
    this.undone = [];
    this.onChange();
  }

  get canUndo() {
    return this.done.length > 0;
  }

  get canRedo() {
    return this.undone.length > 0;
  }
}
