import { css } from 'lit';

/** The app's buttons (as in digit-app), for the history's components, plus a red one for deleting. */
export const buttonStyles = css`
  button,
  a.button {
    display: inline-block;
    font: inherit;
    font-weight: 600;
    padding: 0.375rem 0.875rem;
    border: 2px solid #1d4ed8;
    border-radius: 0.5rem;
    background: #ffffff;
    color: #1d4ed8;
    text-decoration: none;
    cursor: pointer;
  }
  button:hover:not(:disabled),
  a.button:hover {
    background: #eff6ff;
  }
  button.danger {
    border-color: #b91c1c;
    color: #b91c1c;
  }
  button.danger:hover:not(:disabled) {
    background: #fef2f2;
  }
  button:disabled {
    border-color: #d1d5db;
    color: #6b7280;
    cursor: not-allowed;
  }
  button:focus-visible,
  a:focus-visible,
  select:focus-visible,
  input:focus-visible {
    outline: 3px solid #1d4ed8;
    outline-offset: 2px;
  }
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
