import { css } from 'lit';
import { pageStyles } from '../../styles/page.styles.js';
import { recordValueStyles } from './record-values.styles.js';

export const styles = [
  ...pageStyles,
  recordValueStyles,
  css`
    .filters {
      display: flex;
      flex-wrap: wrap;
      align-items: end;
      gap: 0.75rem;
      margin-bottom: 1rem;
    }
    .filters label {
      display: flex;
      flex-direction: column;
      gap: 0.25rem;
      font-size: 0.875rem;
      font-weight: 600;
    }
    select,
    input {
      font: inherit;
      font-weight: 400;
      padding: 0.375rem;
      border: 1px solid #9ca3af;
      border-radius: 0.375rem;
      background: #ffffff;
    }
    .spacer {
      flex: 1;
    }
    .items {
      display: flex;
      flex-direction: column;
      gap: 0.5rem;
      margin: 0;
      padding: 0;
      list-style: none;
    }
    .items li {
      display: flex;
      align-items: center;
      gap: 0.75rem;
      padding: 0.5rem 0.75rem;
      border: 1px solid #e5e7eb;
      border-radius: 0.75rem;
      background: #ffffff;
    }
    .open {
      flex: 1;
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 0.75rem 1rem;
      color: inherit;
      text-decoration: none;
    }
    .open:hover .text {
      text-decoration: underline;
    }
    .thumb {
      width: 4rem;
      height: 4rem;
      border: 1px solid #e5e7eb;
      border-radius: 0.375rem;
      object-fit: contain;
      background: #ffffff;
    }
    .thumb.none {
      display: inline-grid;
      place-items: center;
      font-size: 0.75rem;
      color: #6b7280;
    }
    .text .mark {
      margin-left: 0.2em;
      font-size: 0.6em;
      color: #15803d;
    }
    .values {
      font-size: 1.75rem;
    }
    .text {
      min-width: 3rem;
      font-size: 1.75rem;
      font-weight: 700;
      font-variant-numeric: tabular-nums;
    }
    .meta {
      display: flex;
      flex-wrap: wrap;
      gap: 0.25rem 1rem;
      font-size: 0.875rem;
      color: #4b5563;
    }
    .source {
      padding: 0 0.5rem;
      border-radius: 999px;
      background: #f3f4f6;
    }
    .empty {
      color: #4b5563;
    }
    .more {
      display: flex;
      justify-content: center;
      margin-top: 1rem;
    }
  `,
];
