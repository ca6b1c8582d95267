import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';

describe('loadConfig', () => {
  it('has defaults that run on a laptop', () => {
    const c = loadConfig({});
    expect(c.PORT).toBe(3000);
    expect(c.DATABASE_URL).toMatch(/^file:.*data.*digitboard\.db$/);
    expect(c.MODEL_PATH).toMatch(/models.digitnet\.onnx$/);
    expect(c.BOARD_RASTERIZER).toBe('event-loop');
  });

  it('reads and converts the environment', () => {
    expect(loadConfig({ PORT: '8080', INFERENCE_THREADS: '2', BOARD_RASTERIZER: 'sharp' })).toMatchObject({ PORT: 8080, INFERENCE_THREADS: 2, BOARD_RASTERIZER: 'sharp' });
  });

  it('names the bad variable', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT/);
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
    expect(() => loadConfig({ BOARD_RASTERIZER: 'canvas' })).toThrow(/BOARD_RASTERIZER/);
  });
});
