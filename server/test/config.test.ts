import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';

describe('loadConfig', () => {
  it('has defaults that run on a laptop', () => {
    const c = loadConfig({});
    expect(c.PORT).toBe(3000);
    expect(c.DATABASE_URL).toMatch(/^file:.*data.*digitboard\.db$/);
    expect(c.MODEL_PATH).toMatch(/models.digitnet\.onnx$/);
  });

  it('reads and converts the environment', () => {
    expect(loadConfig({ PORT: '8080', INFERENCE_THREADS: '2' })).toMatchObject({ PORT: 8080, INFERENCE_THREADS: 2 });
  });

  it('names the bad variable', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT/);
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
  });
});
