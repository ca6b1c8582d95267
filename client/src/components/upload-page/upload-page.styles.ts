import { css } from 'lit';
import { pageStyles } from '../../styles/page.styles.js';

export const styles = [
  ...pageStyles,
  css`
    .zone {
      display: flex;
      flex-direction: column;
      align-items: center;
      gap: 0.25rem;
      padding: 2rem 1rem;
      border: 2px dashed #9ca3af;
      border-radius: 0.75rem;
      background: #f9fafb;
      text-align: center;
      cursor: pointer;
    }
    .zone:hover,
    .zone[data-dragging='true'] {
      border-color: #1d4ed8;
      background: #eff6ff;
    }
    /* The input is hidden but focusable: the whole zone shows its focus. */
    .zone:focus-within {
      outline: 3px solid #1d4ed8;
      outline-offset: 2px;
    }
    .zone-title {
      font-weight: 600;
    }
    .zone-title u {
      color: #1d4ed8;
    }
    .zone-hint {
      font-size: 0.875rem;
      color: #4b5563;
    }
    .result {
      display: flex;
      flex-wrap: wrap;
      gap: 1.5rem 2rem;
      align-items: start;
      margin-top: 1.25rem;
    }
    .image {
      flex: 1 1 20rem;
      margin: 0;
      min-width: 0;
    }
    .frame {
      position: relative;
      display: inline-block;
      max-width: 100%;
      line-height: 0;
    }
    .frame img {
      max-width: 100%;
      max-height: 32rem;
      border: 1px solid #e5e7eb;
      /* Small images (a 28 px digit) stay sharp when shown larger. */
      min-width: 8rem;
      image-rendering: pixelated;
    }
    .box {
      position: absolute;
      box-sizing: border-box;
      border: 2px solid #15803d;
      line-height: normal;
    }
    .box.rejected {
      border: 2px dashed #b91c1c;
    }
    .tag {
      position: absolute;
      left: -2px;
      bottom: 100%;
      padding: 0 0.25rem;
      background: #15803d;
      color: #ffffff;
      font-size: 0.75rem;
      font-weight: 600;
      white-space: nowrap;
    }
    .rejected .tag {
      background: #b91c1c;
    }
    figcaption {
      margin-top: 0.375rem;
      font-size: 0.875rem;
      color: #4b5563;
      overflow-wrap: anywhere;
    }
    .answer {
      flex: 0 1 16rem;
    }
    .label {
      margin: 0;
      color: #4b5563;
    }
    .number {
      margin: 0;
      min-height: 1.2em;
      font-size: 3.5rem;
      font-weight: 700;
      letter-spacing: 0.05em;
      overflow-wrap: anywhere;
    }
    .digits {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem;
      margin: 0.5rem 0;
      padding: 0;
      list-style: none;
    }
    .digits li {
      padding: 0.125rem 0.5rem;
      border: 1px solid #d1d5db;
      border-radius: 0.375rem;
    }
    .hint,
    .meta {
      color: #4b5563;
      font-size: 0.875rem;
    }
    .pending {
      display: flex;
      align-items: center;
      gap: 0.5rem;
    }
    .spinner {
      width: 1.25rem;
      height: 1.25rem;
      border: 3px solid #bfdbfe;
      border-top-color: #1d4ed8;
      border-radius: 50%;
      animation: spin 0.8s linear infinite;
    }
    @keyframes spin {
      to {
        transform: rotate(1turn);
      }
    }
    @media (prefers-reduced-motion: reduce) {
      .spinner {
        animation-duration: 3s;
      }
    }
  `,
];
