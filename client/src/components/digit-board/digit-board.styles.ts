import { css } from 'lit';

export const styles = css`
  :host {
    /* The board's aspect ratio (board-space.ts: 1600 x 1000 units). */
    display: block;
    position: relative;
    aspect-ratio: 16 / 10;
    width: 100%;
    --board-background: #ffffff;
    --board-border: #6b7280;
    --board-border-width: 2px;
  }
  canvas {
    display: block;
    box-sizing: border-box;
    width: 100%;
    height: 100%;
    background: var(--board-background);
    border: var(--board-border-width) solid var(--board-border);
    border-radius: 0.75rem;
    cursor: crosshair;
    /* No scrolling, zooming or text selection while drawing with a finger or a pen. */
    touch-action: none;
    user-select: none;
    -webkit-user-select: none;
    -webkit-touch-callout: none;
  }
  canvas[data-tool='eraser'] {
    cursor: cell;
  }
  canvas:focus-visible {
    outline: 3px solid #1d4ed8;
    outline-offset: 2px;
  }
  /* Labels and cursors, over the canvas's content box, letting the pointer through to it. */
  .overlay {
    position: absolute;
    inset: var(--board-border-width);
    overflow: hidden;
    border-radius: 0.6rem;
    pointer-events: none;
  }
  .labels {
    margin: 0;
    padding: 0;
    list-style: none;
  }
  .label {
    position: absolute;
    transform: translate(0.375rem, -0.25rem);
    padding: 0.0625rem 0.5rem;
    border: 1px solid #1d4ed8;
    border-radius: 0.375rem;
    background: rgb(239 246 255 / 0.92);
    color: #1e3a8a;
    font-size: 1.125rem;
    font-weight: 700;
    line-height: 1.4;
    font-variant-numeric: tabular-nums;
    white-space: nowrap;
  }
  .label.flip {
    transform: translate(-0.375rem, -0.25rem);
  }
  .label.rejected {
    border-color: #9a3412;
    background: rgb(255 247 237 / 0.92);
    color: #9a3412;
  }
  .cursor {
    position: absolute;
    display: flex;
    align-items: flex-start;
    gap: 0.125rem;
    transition: opacity 600ms ease-out;
  }
  .cursor[data-idle] {
    opacity: 0.15;
  }
  .cursor svg {
    width: 1rem;
    height: 1rem;
    /* The arrow's tip is the point. */
    margin: -1px 0 0 -1px;
    fill: var(--cursor-color);
    stroke: #ffffff;
    stroke-width: 1.25;
  }
  .cursor .name {
    margin-top: 0.75rem;
    padding: 0 0.375rem;
    border-radius: 0.25rem;
    background: var(--cursor-color);
    color: #ffffff;
    font-size: 0.75rem;
    font-weight: 600;
    line-height: 1.5;
    white-space: nowrap;
  }
  @media (prefers-reduced-motion: reduce) {
    .cursor {
      transition: none;
    }
  }
`;
