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
