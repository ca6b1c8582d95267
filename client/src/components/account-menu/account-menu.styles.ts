import { css } from 'lit';

export const styles = css`
  :host {
    display: inline-flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5rem;
  }
  .email {
    font-size: 0.875rem;
    font-weight: 600;
    max-width: 16rem;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  button {
    font: inherit;
    font-weight: 600;
    padding: 0.5rem 1.25rem;
    border: 2px solid #1d4ed8;
    border-radius: 0.5rem;
    background: #1d4ed8;
    color: #ffffff;
    cursor: pointer;
  }
  button.secondary {
    padding: 0.375rem 0.875rem;
    background: #ffffff;
    color: #1d4ed8;
  }
  button.secondary:hover:not(:disabled) {
    background: #eff6ff;
  }
  button.link {
    border: none;
    background: none;
    color: #1d4ed8;
    padding: 0.375rem 0;
    text-decoration: underline;
  }
  .links {
    margin-left: auto;
    display: flex;
    flex-direction: column;
    align-items: flex-end;
  }
  .notice {
    flex-basis: 100%;
    margin: 0;
    padding: 0.375rem 0.75rem;
    border-radius: 0.375rem;
    background: #fef3c7;
    color: #78350f;
    font-size: 0.875rem;
  }
  .notice button.link {
    padding: 0 0.25rem;
    font-size: inherit;
  }
  .info {
    margin: 0;
    color: #065f46;
    font-size: 0.875rem;
  }
  .info:empty,
  .error:empty {
    display: none;
  }
  meter {
    width: 100%;
    height: 0.5rem;
  }
  button:disabled {
    border-color: #d1d5db;
    background: #ffffff;
    color: #6b7280;
    cursor: not-allowed;
  }
  button:focus-visible,
  input:focus-visible {
    outline: 3px solid #1d4ed8;
    outline-offset: 2px;
  }
  dialog {
    width: min(24rem, calc(100vw - 2rem));
    padding: 1.25rem 1.5rem;
    border: 1px solid #d1d5db;
    border-radius: 0.75rem;
    color: #1f2937;
  }
  dialog::backdrop {
    background: rgb(17 24 39 / 0.4);
  }
  form {
    display: flex;
    flex-direction: column;
    gap: 0.75rem;
  }
  h2 {
    margin: 0;
    font-size: 1.25rem;
  }
  .hint,
  small {
    margin: 0;
    color: #4b5563;
    font-size: 0.875rem;
  }
  label {
    display: flex;
    flex-direction: column;
    gap: 0.25rem;
    font-weight: 600;
    font-size: 0.875rem;
  }
  input {
    font: inherit;
    font-weight: 400;
    padding: 0.5rem;
    border: 1px solid #9ca3af;
    border-radius: 0.375rem;
  }
  .error {
    margin: 0;
    color: #b91c1c;
    font-size: 0.875rem;
  }
  .buttons {
    display: flex;
    align-items: center;
    gap: 0.5rem;
  }
`;
