import { css } from 'lit';
import { textStyles } from '../../styles/page.styles.js';
import { chartStyles } from './chart.styles.js';

export const styles = [
  chartStyles,
  textStyles,
  css`
  :host {
    display: block;
    color: #1f2937;
  }
  h2 {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.25rem 0.75rem;
    margin: 0 0 0.25rem;
    font-size: 1rem;
    font-weight: 600;
    color: #4b5563;
  }
  .source {
    padding: 0.125rem 0.5rem;
    border: 1px solid #d1d5db;
    border-radius: 999px;
    font-size: 0.75rem;
    font-weight: 600;
    color: #374151;
  }
  .source[data-source='device'] {
    border-color: #6d28d9;
    background: #f5f3ff;
    color: #5b21b6;
  }
  .number {
    margin: 0;
    display: block;
    min-height: 1.1em;
    font-size: clamp(3.5rem, 12vw, 6rem);
    font-weight: 700;
    line-height: 1.1;
    letter-spacing: 0.05em;
    font-variant-numeric: tabular-nums;
    overflow-wrap: anywhere;
  }
  .hint,
  .meta {
    margin: 0.25rem 0;
    color: #4b5563;
  }
  .meta {
    font-size: 0.875rem;
  }
  .rejected {
    margin: 0.25rem 0;
    font-size: 1.5rem;
    font-weight: 600;
    color: #9a3412;
  }
  .alternatives h3 {
    margin: 0.75rem 0 0.25rem;
    font-size: 0.875rem;
    font-weight: 600;
    color: #4b5563;
  }
  .alternatives ol {
    display: flex;
    flex-wrap: wrap;
    gap: 0.375rem;
    margin: 0;
    padding: 0;
    list-style: none;
    font-variant-numeric: tabular-nums;
  }
  .alternatives li {
    padding: 0.125rem 0.5rem;
    border: 1px solid #d1d5db;
    border-radius: 0.5rem;
  }
  .alternatives li.top {
    border-color: #1d4ed8;
  }
  .confidences {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    margin: 0.75rem 0;
    padding: 0;
    list-style: none;
  }
  .confidences li {
    padding: 0.25rem 0.625rem;
    border: 1px solid #d1d5db;
    border-radius: 999px;
    font-variant-numeric: tabular-nums;
  }
  .confidences li.latest {
    border-color: #1d4ed8;
    background: #eff6ff;
  }
  .confidences b {
    margin-right: 0.375rem;
  }
  figure {
    margin: 1rem 0 0;
  }
  .bar {
    transition: height 150ms ease-out;
  }
  @media (prefers-reduced-motion: reduce) {
    .bar {
      transition: none;
    }
  }
`,
];
