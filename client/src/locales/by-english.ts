import type { StrResult, TemplateMap } from '@lit/localize';
import { generateMsgId } from '@lit/localize/internal/id-generation.js';

/**
 * Translations keyed by their English source, turned into runtime mode's templates (keyed by the
 * message ids msg() computes), so that the hand-written locale files stay readable. A key's
 * `{0}`, `{1}`... stand for the expressions of a str`` message, in order; their translations
 * are str`...${0}...` templates, which may reorder them.
 */
export function byEnglish(translations: Record<string, string | StrResult>): TemplateMap {
  const templates: TemplateMap = {};
  for (const [english, translated] of Object.entries(translations)) {
    const strings = english.split(/\{\d+\}/);
    templates[generateMsgId(typeof translated === 'string' && strings.length === 1 ? english : strings, false)] = translated;
  }
  return templates;
}
