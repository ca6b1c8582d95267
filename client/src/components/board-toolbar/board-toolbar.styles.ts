import { css } from 'lit';
import { buttonStyles } from '../../styles/button.styles.js';

/** The shared buttons, plus the pressed tool and the phone's one row. */
export const styles = [
  buttonStyles,
  css`
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
    button[aria-pressed='true'] {
      background: #1d4ed8;
      color: #ffffff;
    }
    button.danger {
      margin-left: auto;
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
  `,
];
