import { css } from 'lit';
import { textStyles } from '../../styles/page.styles.js';

const boardStyles = css`
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
  /* Each label's box is placed and sized by label-layout.ts (in % of the board); the button fills it. */
  .labels li {
    position: absolute;
    display: flex;
  }
  .label {
    flex: 1;
    display: flex;
    align-items: center;
    justify-content: center;
    box-sizing: border-box;
    min-width: 0;
    margin: 0;
    padding: 0.0625rem 0.5rem;
    border: 1px solid #1d4ed8;
    border-radius: 0.375rem;
    background: rgb(239 246 255 / 0.92);
    color: #1e3a8a;
    font: inherit;
    font-size: 1.125rem;
    font-weight: 700;
    line-height: 1.4;
    font-variant-numeric: tabular-nums;
    white-space: nowrap;
    cursor: pointer;
    /* The overlay lets the pointer through to the canvas; labels take it (and pass the pen's strokes on). */
    pointer-events: auto;
    touch-action: none;
    user-select: none;
    -webkit-user-select: none;
  }
  .label:hover {
    background: #dbeafe;
  }
  .label:focus-visible {
    outline: 3px solid #1d4ed8;
    outline-offset: 1px;
  }
  .label[aria-expanded='true'] {
    background: #1d4ed8;
    color: #ffffff;
  }
  /*
   * A value (label-layout.ts places it after its "=" or under its rule): in its writer's colour,
   * on a light ground so that it reads over the board; dashed, as something worked out, not ink.
   */
  .values li {
    align-items: center;
  }
  .values li:has(.value[data-kind='sum']) {
    justify-content: flex-end;
  }
  .value {
    box-sizing: border-box;
    padding: 0 0.25rem;
    border: 1px dashed var(--value-color);
    border-radius: 0.25rem;
    background: rgb(255 255 255 / 0.9);
    color: var(--value-color);
    font-size: 1.25rem;
    font-weight: 700;
    line-height: 1.3;
    font-variant-numeric: tabular-nums;
    white-space: nowrap;
  }
  .value[data-error] {
    font-style: italic;
    font-weight: 600;
  }
  .label.rejected {
    border-color: #9a3412;
    background: rgb(255 247 237 / 0.92);
    color: #9a3412;
  }
  /* A correction: green, with a check mark (decorative: the accessible name says "corrected"). */
  .label[data-corrected] {
    border-color: #15803d;
    background: rgb(240 253 244 / 0.95);
    color: #14532d;
  }
  .label[data-corrected]::after {
    content: '✓' / '';
    margin-left: 0.25em;
    font-size: 0.875em;
  }
  .label[data-corrected][aria-expanded='true'] {
    background: #15803d;
    color: #ffffff;
  }
  /* The popover: over the board, not clipped by it (it may reach past its edges). */
  .popover-layer {
    position: absolute;
    inset: var(--board-border-width);
    pointer-events: none;
    z-index: 2;
  }
  dialog {
    position: absolute;
    inset: auto;
    box-sizing: border-box;
    width: max-content;
    max-width: min(20rem, calc(100vw - 2rem));
    margin: 0.25rem 0;
    padding: 0.75rem;
    border: 1px solid #9ca3af;
    border-radius: 0.5rem;
    background: #ffffff;
    color: #1f2937;
    box-shadow: 0 8px 24px rgb(0 0 0 / 0.18);
    pointer-events: auto;
  }
  /* On a phone the popover spans the board: beside a label it could run off the screen. */
  @media (max-width: 40rem) {
    dialog {
      left: 0 !important;
      right: 0 !important;
      width: auto;
      max-width: none;
    }
  }
  .popover-head {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 0.75rem;
    margin-bottom: 0.5rem;
  }
  .popover-head h2 {
    margin: 0;
    font-size: 1rem;
  }
  .close {
    width: 2rem;
    height: 2rem;
    padding: 0;
    border: 1px solid #d1d5db;
    border-radius: 0.375rem;
    background: #ffffff;
    color: #374151;
    font: inherit;
    font-size: 1.25rem;
    line-height: 1;
    cursor: pointer;
  }
  .close:focus-visible {
    outline: 3px solid #1d4ed8;
    outline-offset: 2px;
  }
  .corrected,
  .note {
    margin: 0 0 0.5rem;
    font-size: 0.875rem;
    color: #374151;
  }
  .note {
    margin: 0.5rem 0 0;
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
  /* Where the view is on the board, when it shows only a part of it (a phone held upright). */
  .view-bar {
    position: absolute;
    bottom: 0.25rem;
    height: 0.25rem;
    border-radius: 999px;
    background: rgb(29 78 216 / 0.35);
  }
`;

/** The board's own, and screen-reader-only text (a value's sentence). */
export const styles = [textStyles, boardStyles];
