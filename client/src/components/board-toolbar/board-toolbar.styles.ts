import { css } from 'lit';

export const styles = css`
  :host {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5rem 1rem;
  }
  [role='group'] {
    display: inline-flex;
    gap: 0.375rem;
  }
  button {
    font: inherit;
    font-weight: 600;
    padding: 0.375rem 0.875rem;
    border: 2px solid #1d4ed8;
    border-radius: 0.5rem;
    background: #ffffff;
    color: #1d4ed8;
    cursor: pointer;
  }
  button:hover:not(:disabled) {
    background: #eff6ff;
  }
  button[aria-pressed='true'] {
    background: #1d4ed8;
    color: #ffffff;
  }
  button.danger {
    margin-left: auto;
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
  button:focus-visible {
    outline: 3px solid #1d4ed8;
    outline-offset: 2px;
  }
  /* Phones: one row of tools, so that the board keeps the height. Buttons stay at least 2.75rem tall to the touch. */
  @media (max-width: 40rem), (max-height: 30rem) {
    :host {
      flex-wrap: nowrap;
      gap: 0.375rem;
    }
    [role='group'] {
      gap: 0.25rem;
    }
    button {
      min-height: 2.75rem;
      padding: 0.25rem 0.5rem;
      font-size: 0.875rem;
    }
  }
`;
