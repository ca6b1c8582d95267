import { css } from 'lit';
import { buttonStyles } from '../../styles/button.styles.js';
import { textStyles } from '../../styles/page.styles.js';
import { recordValueStyles } from '../history-page/record-values.styles.js';
import { chartStyles } from '../result-panel/chart.styles.js';

export const styles = [
  buttonStyles,
  textStyles,
  chartStyles,
  recordValueStyles,
  css`
    :host {
      display: block;
    }
    a {
      color: #1d4ed8;
    }
    article {
      display: flex;
      flex-wrap: wrap;
      gap: 1.5rem;
      margin: 1rem 0;
    }
    .input {
      display: flex;
      flex-direction: column;
      align-items: flex-start;
      gap: 0.5rem;
    }
    ink-thumbnail,
    img {
      width: 14rem;
      height: 14rem;
      border: 1px solid #e5e7eb;
      border-radius: 0.5rem;
      background: #ffffff;
      object-fit: contain;
    }
    .number {
      margin: 0;
      font-size: 3rem;
      font-weight: 700;
      font-variant-numeric: tabular-nums;
    }
    .number .mark {
      margin-left: 0.25em;
      font-size: 0.5em;
      color: #15803d;
      vertical-align: middle;
    }
    .model-read {
      margin: 0.25rem 0 0;
      color: #374151;
    }
    .correct {
      margin: 0 0 1rem;
    }
    .correct h3 {
      margin: 0 0 0.5rem;
      font-size: 1rem;
    }
    dl {
      display: grid;
      grid-template-columns: auto 1fr;
      gap: 0.25rem 1rem;
      margin: 0.5rem 0 1rem;
      font-size: 0.875rem;
    }
    dt {
      font-weight: 600;
    }
    dd {
      margin: 0;
    }
    .charts {
      display: flex;
      flex-wrap: wrap;
      gap: 1.5rem;
    }
    figure {
      flex: 0 1 16rem;
      margin: 0;
    }
  `,
];
