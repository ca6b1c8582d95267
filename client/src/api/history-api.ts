import type { Box, DigitResult, Recognition } from '../../../common/recognition.js';
import { apiRequest } from './api-request.js';

/** Where a stored recognition came from (the server's SourceSchema). */
export type HistorySource = 'board' | 'upload' | 'api';
export const HISTORY_SOURCES: readonly HistorySource[] = ['board', 'upload', 'api'];

/** Ink as written: points are [x, y] or [x, y, t] in a width x height space. */
export interface StrokesInput {
  kind: 'strokes';
  strokes: number[][][];
  width: number;
  height: number;
}

/** An upload: only a small PNG of it (a data: URL), or null when none could be made. */
export interface ImageInput {
  kind: 'image';
  thumbnail: string | null;
}

export type HistoryInput = StrokesInput | ImageInput;

/** A stored recognition, as GET /api/recognitions(/:id) gives it (server/src/db/recognitions.ts). */
export interface HistoryRecord {
  id: string;
  createdAt: string;
  source: HistorySource;
  text: string;
  digits: DigitResult[];
  rejected: { box: Box; notDigitProbability: number }[];
  /** The model's readings, best first; absent from records stored before they were kept. */
  alternatives?: Recognition['alternatives'];
  /** What was evaluated (expressions with their values, column sums); absent from records stored before arithmetic. */
  math?: Recognition['math'];
  /** What the owner said it is, shown instead of `text`; null or absent: not corrected. */
  correctedText?: string | null;
  model: string;
  latencyMs: number;
  inputKind: 'strokes' | 'image';
  /** Only in single-record answers: lists stay small. */
  input?: HistoryInput;
}

export interface HistoryPage {
  items: HistoryRecord[];
  nextCursor: string | null;
}

/** The list's filters; dates are YYYY-MM-DD (the server reads them as whole UTC days). */
export interface HistoryFilter {
  digit?: string;
  source?: HistorySource | '';
  from?: string;
  to?: string;
}

function filterParams(filter: HistoryFilter): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of ['digit', 'source', 'from', 'to'] as const) {
    const value = filter[key];
    if (value) params.set(key, value);
  }
  return params;
}

export function listHistory(filter: HistoryFilter, cursor?: string, limit = 20): Promise<HistoryPage> {
  const params = filterParams(filter);
  params.set('limit', String(limit));
  if (cursor) params.set('cursor', cursor);
  return apiRequest<HistoryPage>('GET', `/api/recognitions?${params}`);
}

export const getRecord = (id: string): Promise<HistoryRecord> => apiRequest<HistoryRecord>('GET', `/api/recognitions/${encodeURIComponent(id)}`);
export const deleteRecord = (id: string): Promise<void> => apiRequest<void>('DELETE', `/api/recognitions/${encodeURIComponent(id)}`);
/**
 * Says what a recognition really reads (`null` withdraws the correction). Resolves to the record
 * as the server now has it.
 */
export const correctRecord = (id: string, correctedText: string | null): Promise<HistoryRecord> =>
  apiRequest<HistoryRecord>('PATCH', `/api/recognitions/${encodeURIComponent(id)}`, { correctedText });
export const deleteAllRecords = (): Promise<void> => apiRequest<void>('DELETE', '/api/recognitions');

/** A download link for the matching records (the server sends them as an attachment). */
export function exportUrl(format: 'csv' | 'json', filter: HistoryFilter): string {
  const params = filterParams(filter);
  params.set('format', format);
  return `/api/recognitions/export?${params}`;
}

/** Mean and lowest confidence over a record's digits (undefined when it has none). */
export function confidenceSummary(record: HistoryRecord): { mean: number; min: number } | undefined {
  if (record.digits.length === 0) return undefined;
  const values = record.digits.map((d) => d.confidence);
  return { mean: values.reduce((a, b) => a + b, 0) / values.length, min: Math.min(...values) };
}
