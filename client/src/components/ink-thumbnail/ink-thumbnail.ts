import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';

/** A stroke as stored: points [x, y] or [x, y, t] (t in ms since the stroke began). */
export type InkStroke = readonly (readonly number[])[];

/** Replay speed for ink without timestamps, and the longest pause kept between strokes. */
const POINTS_PER_MS = 0.08;
const MAX_GAP_MS = 250;

/**
 * Ink redrawn on a small canvas, scaled to fit around the strokes (not the whole board they were
 * written on, where a digit may be a speck). `replay()` draws them again in order, point by point,
 * at the pace they were written when the points carry timestamps.
 */
@customElement('ink-thumbnail')
export class InkThumbnail extends LitElement {
  static override styles = css`
    :host {
      display: inline-block;
      width: 4rem;
      height: 4rem;
    }
    canvas {
      display: block;
      width: 100%;
      height: 100%;
      border-radius: 0.375rem;
      background: #ffffff;
    }
  `;

  @property({ attribute: false }) strokes: readonly InkStroke[] = [];
  /** For people: what the ink says. */
  @property() label = '';

  @query('canvas', true) private canvas!: HTMLCanvasElement;
  private frame = 0;

  override render() {
    // Without a label the thumbnail is decorative (the text beside it says what it is): hidden from assistive technology.
    return html`<canvas
      role=${this.label ? 'img' : nothing}
      aria-label=${this.label || nothing}
      aria-hidden=${this.label ? nothing : 'true'}
    ></canvas>`;
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('strokes')) {
      cancelAnimationFrame(this.frame);
      this.draw(Infinity);
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    cancelAnimationFrame(this.frame);
  }

  /** Animates the strokes being written, in order; resolves when done. */
  replay(): Promise<void> {
    cancelAnimationFrame(this.frame);
    const total = this.timeline().at(-1)?.end ?? 0;
    return new Promise((resolve) => {
      const start = performance.now();
      const step = (now: number) => {
        const elapsed = now - start;
        this.draw(elapsed);
        if (elapsed < total) this.frame = requestAnimationFrame(step);
        else resolve();
      };
      this.frame = requestAnimationFrame(step);
    });
  }

  /** When each stroke starts and ends in a replay, and each point's time within its stroke. */
  private timeline(): { start: number; end: number; times: number[] }[] {
    let clock = 0;
    return this.strokes.map((stroke) => {
      const timed = stroke.length > 1 && stroke.every((p) => p.length > 2);
      const times = stroke.map((p, i) => (timed ? (p[2] ?? 0) - (stroke[0]?.[2] ?? 0) : i / POINTS_PER_MS));
      const start = clock;
      const end = start + (times.at(-1) ?? 0);
      clock = end + MAX_GAP_MS;
      return { start, end, times };
    });
  }

  /** Draws the ink written up to `until` ms into the replay (Infinity: all of it). */
  private draw(until: number): void {
    const canvas = this.canvas;
    const rect = canvas.getBoundingClientRect();
    const ratio = window.devicePixelRatio || 1;
    const width = Math.max(1, Math.round(rect.width * ratio));
    const height = Math.max(1, Math.round(rect.height * ratio));
    if (canvas.width !== width || canvas.height !== height) {
      canvas.width = width;
      canvas.height = height;
    }
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.clearRect(0, 0, width, height);
    const points = this.strokes.flat();
    if (points.length === 0) return;
    const xs = points.map((p) => p[0] ?? 0);
    const ys = points.map((p) => p[1] ?? 0);
    const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    // Square around the ink, with a margin, so a 1 stays thin and centred rather than stretched.
    const side = Math.max(maxX - minX, maxY - minY, 1) * 1.25;
    const scale = Math.min(width, height) / side;
    const ox = width / 2 - ((minX + maxX) / 2) * scale;
    const oy = height / 2 - ((minY + maxY) / 2) * scale;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.strokeStyle = '#111827';
    ctx.fillStyle = '#111827';
    ctx.lineWidth = Math.max(1.5, Math.min(width, height) / 18);
    const timeline = this.timeline();
    this.strokes.forEach((stroke, s) => {
      const { start, times } = timeline[s]!;
      if (until < start) return;
      const visible = stroke.filter((_, i) => start + times[i]! <= until);
      const [first, ...rest] = visible;
      if (!first) return;
      const at = (p: readonly number[]) => [ox + (p[0] ?? 0) * scale, oy + (p[1] ?? 0) * scale] as const;
      ctx.beginPath();
      if (rest.every((p) => p[0] === first[0] && p[1] === first[1])) {
        // A dot (canvas draws nothing for a zero-length line).
        ctx.arc(...at(first), ctx.lineWidth / 2, 0, Math.PI * 2);
        ctx.fill();
        return;
      }
      ctx.moveTo(...at(first));
      for (const p of rest) ctx.lineTo(...at(p));
      ctx.stroke();
    });
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ink-thumbnail': InkThumbnail;
  }
}
