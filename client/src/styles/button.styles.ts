import { css } from 'lit';

/**
 * The app's one button look, shared by every component (each has its own shadow root, so each
 * adopts this sheet). A button, or a link styled as one (`a.button`), is outlined by default;
 * `.primary` fills it (a form's main action), `.danger` is red (deleting, clearing). Components
 * add only what is theirs (a pressed tool, a phone size) after it.
 */
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
  button.primary,
  a.button.primary {
    padding: 0.5rem 1.25rem;
    background: #1d4ed8;
    color: #ffffff;
  }
  button.primary:hover:not(:disabled),
  a.button.primary:hover {
    background: #1e40af;
    border-color: #1e40af;
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
    background: #ffffff;
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
`;
