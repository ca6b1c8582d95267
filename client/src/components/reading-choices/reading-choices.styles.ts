import { css } from 'lit';
import { buttonStyles } from '../../styles/button.styles.js';

export const styles = [
  buttonStyles,
  css`
    :host {
      display: flex;
      flex-direction: column;
      gap: 0.5rem;
      font-size: 0.9375rem;
    }
    .alternatives {
      display: flex;
      flex-wrap: wrap;
      gap: 0.375rem;
      margin: 0;
      padding: 0;
      list-style: none;
    }
    .alternatives button,
    .reading {
      display: inline-block;
      padding: 0.25rem 0.625rem;
      font-variant-numeric: tabular-nums;
    }
    .reading {
      border: 1px solid #d1d5db;
      border-radius: 0.5rem;
    }
    /* A reading that cannot be a correction (it has signs): shown, plainly not a button. */
    .reading[data-unpickable] {
      border-style: dashed;
      color: #374151;
    }
    .alternatives button[aria-pressed='true'] {
      background: #1d4ed8;
      color: #ffffff;
    }
    .text {
      font-weight: 700;
    }
    .confidence {
      font-weight: 400;
    }
    .none {
      margin: 0;
      color: #4b5563;
    }
    form {
      display: flex;
      flex-direction: column;
      gap: 0.25rem;
    }
    label {
      font-weight: 600;
    }
    .row {
      display: flex;
      gap: 0.375rem;
    }
    input {
      min-width: 0;
      width: 9rem;
      padding: 0.375rem 0.5rem;
      border: 1px solid #6b7280;
      border-radius: 0.5rem;
      font: inherit;
      font-variant-numeric: tabular-nums;
    }
    small {
      color: #4b5563;
    }
    .withdraw {
      align-self: flex-start;
    }
  `,
];
