import { css } from 'lit';
import { buttonStyles } from '../../styles/button.styles.js';
import { textStyles } from '../../styles/page.styles.js';

export const styles = [
  buttonStyles,
  textStyles,
  css`
    :host {
      display: block;
      box-sizing: border-box;
      max-width: 80rem;
      margin: 0 auto;
      padding: 1.5rem 1rem 2rem;
      color: #1f2937;
    }
    header {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      justify-content: space-between;
      gap: 0.5rem 1rem;
    }
    h1 {
      margin: 0;
      font-size: 1.75rem;
    }
    participant-list {
      flex: 1 1 12rem;
    }
    .links {
      display: inline-flex;
      /* On a phone the four buttons do not fit one line. */
      flex-wrap: wrap;
      gap: 0.5rem;
    }
    /* main is a grid: without this, its display would win over the hidden attribute's. */
    [hidden] {
      display: none !important;
    }
    .language select {
      font: inherit;
      font-size: 0.875rem;
      padding: 0.25rem 0.5rem;
      border: 1px solid #d1d5db;
      border-radius: 0.5rem;
      background: #ffffff;
    }
    .language select:focus-visible {
      outline: 3px solid #1d4ed8;
      outline-offset: 2px;
    }
    /* When the header wraps, the account stays at the right. */
    account-menu {
      margin-left: auto;
    }
    history-page,
    .view {
      margin-top: 1.25rem;
    }
    /* Across main's grid, above the board and the result; main's row gap adds to its margin. */
    .how-to {
      grid-column: 1 / -1;
      margin: 0.5rem 0 -0.25rem;
      color: #4b5563;
    }
    .status {
      display: inline-flex;
      align-items: center;
      gap: 0.5rem;
      padding: 0.25rem 0.75rem;
      border: 1px solid #d1d5db;
      border-radius: 999px;
      background: #ffffff;
      font-size: 0.875rem;
    }
    .status::before {
      content: '';
      width: 0.625rem;
      height: 0.625rem;
      border-radius: 50%;
      background: #b45309;
    }
    .status[data-status='online']::before {
      background: #15803d;
    }
    .status[data-status='error']::before {
      background: #b91c1c;
    }
    .mode {
      padding: 0.25rem 0.75rem;
      border: 1px solid #6d28d9;
      border-radius: 999px;
      background: #f5f3ff;
      color: #5b21b6;
      font-size: 0.875rem;
      font-weight: 600;
    }
    .mode small {
      font-weight: 400;
    }
    main {
      display: grid;
      grid-template-columns: minmax(0, 1fr) minmax(15rem, 18rem);
      gap: 1.5rem 2rem;
      align-items: start;
    }
    /* Stacked on narrow screens, the board first. */
    @media (max-width: 48rem) {
      main {
        grid-template-columns: minmax(0, 1fr);
      }
    }
    .board {
      display: flex;
      flex-direction: column;
      gap: 0.75rem;
    }
    .actions {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 0.75rem;
    }
    a.button[aria-current='page'] {
      background: #eff6ff;
    }
    kbd {
      font: inherit;
      font-size: 0.875rem;
      padding: 0 0.25rem;
      border: 1px solid #9ca3af;
      border-radius: 0.25rem;
    }
    .shortcut {
      font-size: 0.875rem;
      color: #4b5563;
    }
    .toggle {
      display: inline-flex;
      align-items: center;
      gap: 0.5rem;
      margin-left: auto;
      font-size: 0.875rem;
      cursor: pointer;
    }
    .toggle input {
      width: 1.125rem;
      height: 1.125rem;
      margin: 0;
      accent-color: #6d28d9;
    }
    .notice {
      margin: 0;
      color: #9a3412;
    }
    .notice code {
      overflow-wrap: anywhere;
    }
    result-panel {
      padding: 1rem 1.25rem;
      border: 1px solid #e5e7eb;
      border-radius: 0.75rem;
      background: #ffffff;
    }
    .offline {
      margin: 0;
      padding: 0.5rem 0.75rem;
      border-left: 4px solid #6d28d9;
      background: #f5f3ff;
      color: #3b0764;
    }
    /* A new version of the app is ready: a bar at the bottom, out of the board's way. */
    .update {
      position: fixed;
      inset: auto 1rem 1rem;
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      justify-content: center;
      gap: 0.75rem;
      max-width: 32rem;
      margin: 0 auto;
      padding: 0.75rem 1rem;
      border-radius: 0.75rem;
      background: #1f2937;
      color: #ffffff;
      box-shadow: 0 4px 16px rgb(0 0 0 / 0.25);
    }
    /*
     * The secondary controls (who is here, pages, language, account): in the header's row on wide
     * screens, kept in their old order around the status; folded into the Menu button on phones.
     */
    .more {
      display: contents;
    }
    .mode,
    .status,
    [data-testid='retry'] {
      order: 1;
    }
    .language,
    account-menu {
      order: 2;
    }
    .menu-button {
      display: none;
    }
    /* Keyboard hints only where there is a keyboard: a pointer that hovers and is fine (a mouse, a trackpad). */
    .shortcut {
      display: none;
    }
    @media (hover: hover) and (pointer: fine) {
      .shortcut {
        display: inline;
      }
    }
    /* Phones, upright or on their side: the board takes most of the screen, the reading stays in view. */
    @media (max-width: 40rem), (max-height: 30rem) {
      :host {
        padding: 0.5rem 0.5rem 1rem;
      }
      header {
        position: relative;
        flex-wrap: nowrap;
        gap: 0.5rem;
      }
      h1 {
        font-size: 1.25rem;
        margin-right: auto;
      }
      .menu-button {
        display: inline-block;
      }
      .more {
        display: none;
      }
      .more.open {
        position: absolute;
        top: 100%;
        right: 0;
        z-index: 10;
        display: flex;
        flex-direction: column;
        align-items: stretch;
        gap: 0.75rem;
        width: min(20rem, calc(100vw - 1rem));
        box-sizing: border-box;
        margin-top: 0.25rem;
        padding: 0.75rem;
        border: 1px solid #d1d5db;
        border-radius: 0.75rem;
        background: #ffffff;
        box-shadow: 0 8px 24px rgb(0 0 0 / 0.15);
      }
      .more.open participant-list {
        flex: none;
      }
      .more.open account-menu {
        margin-left: 0;
      }
      .mode,
      .status {
        font-size: 0.75rem;
        padding: 0.125rem 0.5rem;
      }
      .how-to {
        display: none;
      }
      main {
        gap: 0.5rem;
        margin-top: 0.5rem;
      }
      .board {
        gap: 0.375rem;
      }
      result-panel {
        padding: 0.5rem 0.75rem;
      }
    }
    /* Upright: taller than the board's 16:10, the board shows a part as tall as itself (two fingers pan). */
    @media (max-width: 40rem) {
      digit-board {
        aspect-ratio: auto;
        height: 62svh;
      }
    }
    /* On its side: the whole board, as tall as the screen leaves room for, the reading beside it. */
    @media (max-height: 30rem) and (min-width: 40.0625rem) {
      digit-board {
        align-self: center;
        width: auto;
        max-width: 100%;
        height: calc(100svh - 7rem);
      }
    }
  `,
];
