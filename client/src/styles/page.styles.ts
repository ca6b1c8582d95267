import { css } from 'lit';
import { buttonStyles } from './button.styles.js';

/** Text for screen readers only, and a red error line: used by the pages and the history's parts. */
export const textStyles = css`
  .error {
    color: #b91c1c;
  }
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
    border: 0;
  }
`;

/** The frame of a full-page view (history, upload, model): the buttons plus its header row and title. */
export const pageStyles = [
  buttonStyles,
  textStyles,
  css`
    :host {
      display: block;
    }
    .header {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      justify-content: space-between;
      gap: 0.5rem;
      margin-bottom: 1rem;
    }
    h2 {
      margin: 0;
      font-size: 1.375rem;
    }
  `,
];
