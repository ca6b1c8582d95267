import { css } from 'lit';
import { buttonStyles } from '../../styles/button.styles.js';

export const styles = [
  buttonStyles,
  css`
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
    button.link {
      border: none;
      background: none;
      color: #1d4ed8;
      padding: 0.375rem 0;
      text-decoration: underline;
    }
    button.link:hover:not(:disabled) {
      background: none;
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
  `,
];
