import { css } from 'lit';

export const styles = css`
  :host {
    display: block;
    aspect-ratio: 1 / 1;
    width: 100%;
    --board-ink: #111827;
    --board-background: #ffffff;
    --board-border: #6b7280;
  }
  canvas {
    display: block;
    box-sizing: border-box;
    width: 100%;
    height: 100%;
    background: var(--board-background);
    border: 2px solid var(--board-border);
    border-radius: 0.75rem;
    cursor: crosshair;
    /* No scrolling, zooming or text selection while drawing with a finger or a pen. */
    touch-action: none;
    user-select: none;
    -webkit-user-select: none;
    -webkit-touch-callout: none;
  }
  canvas:focus-visible {
    outline: 3px solid #1d4ed8;
    outline-offset: 2px;
  }
`;
