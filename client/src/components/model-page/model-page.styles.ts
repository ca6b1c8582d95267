import { css } from 'lit';
import { pageStyles } from '../../styles/page.styles.js';

export const styles = [
  ...pageStyles,
  css`
    :host {
      max-width: 48rem;
    }
    h3 {
      margin: 1.5rem 0 0.5rem;
      font-size: 1.125rem;
    }
    .facts {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(14rem, 1fr));
      gap: 1rem;
      margin: 1rem 0;
    }
    .facts div {
      padding: 0.75rem 1rem;
      border: 1px solid #e5e7eb;
      border-radius: 0.75rem;
      background: #ffffff;
    }
    dt {
      font-size: 0.875rem;
      color: #4b5563;
    }
    dd {
      margin: 0.25rem 0 0;
    }
    .big {
      display: block;
      font-size: 2rem;
      font-weight: 700;
    }
    .label {
      display: inline-block;
      margin: 0 0.25rem 0.25rem 0;
      padding: 0 0.375rem;
      border: 1px solid #d1d5db;
      border-radius: 0.25rem;
      font-family: ui-monospace, monospace;
      font-size: 0.875rem;
    }
    ul {
      padding-left: 1.25rem;
    }
    li {
      margin: 0.25rem 0;
    }
    code {
      font-family: ui-monospace, monospace;
      overflow-wrap: anywhere;
    }
    pre {
      overflow-x: auto;
      padding: 0.75rem 1rem;
      border-radius: 0.5rem;
      background: #111827;
      color: #f9fafb;
      font-size: 0.875rem;
    }
    .meta {
      margin-left: 0.75rem;
      font-size: 0.875rem;
      color: #4b5563;
    }
    /* The download's size, checksum and opset: term above value, the checksum whole and wrapping. */
    .file div {
      margin: 0.5rem 0;
    }
    .file dt {
      font-size: 0.875rem;
      color: #4b5563;
    }
    .file dd {
      margin: 0.125rem 0 0;
    }
    .file .hash {
      margin-right: 0.5rem;
      font-size: 0.875rem;
    }
  `,
];
