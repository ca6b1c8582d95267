import { css } from 'lit';

/** A record's values beside its text (record-values.ts): worked out, not written, hence the dashed frame the board gives them too. */
export const recordValueStyles = css`
  .values {
    display: inline-flex;
    flex-wrap: wrap;
    gap: 0.375rem;
    vertical-align: middle;
  }
  .value {
    padding: 0 0.375rem;
    border: 1px dashed #1d4ed8;
    border-radius: 0.375rem;
    color: #1d4ed8;
    font-weight: 700;
    font-variant-numeric: tabular-nums;
    white-space: nowrap;
  }
  .value[data-error] {
    border-color: #9a3412;
    color: #9a3412;
    font-style: italic;
    font-weight: 600;
  }
`;
