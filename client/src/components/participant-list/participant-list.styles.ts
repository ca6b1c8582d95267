import { css } from 'lit';

export const styles = css`
  :host {
    display: block;
  }
  ul {
    display: flex;
    flex-wrap: wrap;
    gap: 0.25rem 0.5rem;
    margin: 0;
    padding: 0;
    list-style: none;
  }
  li {
    display: inline-flex;
    align-items: center;
    gap: 0.375rem;
    padding: 0.125rem 0.625rem 0.125rem 0.5rem;
    border: 1px solid #d1d5db;
    border-radius: 999px;
    background: #ffffff;
    font-size: 0.875rem;
  }
  li[data-you] {
    border-color: #6b7280;
  }
  .dot {
    width: 0.625rem;
    height: 0.625rem;
    border-radius: 50%;
  }
  .you {
    color: #4b5563;
  }
`;
