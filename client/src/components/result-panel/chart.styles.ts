import { css } from 'lit';

/** The 10-bar probability chart, shared by the result panel and the history detail. */
export const chartStyles = css`
  figcaption {
    margin-bottom: 0.5rem;
    font-size: 0.875rem;
    color: #4b5563;
  }
  .chart {
    display: grid;
    grid-template-columns: repeat(10, 1fr);
    gap: 0.25rem;
    align-items: end;
    height: 8rem;
    margin: 0;
    padding: 0;
    list-style: none;
  }
  .chart li {
    display: flex;
    flex-direction: column;
    justify-content: flex-end;
    height: 100%;
  }
  .bar {
    /* Visible even at 0% so that the ten slots read as a chart. */
    min-height: 2px;
    height: calc(var(--p) * 100%);
    background: #6b7280;
    border-radius: 3px 3px 0 0;
  }
  .chart li.top .bar {
    background: #1d4ed8;
  }
  .label {
    margin-top: 0.25rem;
    text-align: center;
    font-size: 0.875rem;
    font-variant-numeric: tabular-nums;
  }
`;
