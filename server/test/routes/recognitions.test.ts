/** History over HTTP: recording from /api/recognize, list/filters/pages, read, delete, export, isolation. */
import type { FastifyInstance } from 'fastify';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digitStrokes, numberStrokes } from '../../../test-support/digit-strokes.js';
import { expressionStrokes } from '../../../test-support/expression-strokes.js';
import { recognitionOf, STROKES } from '../db/fixtures.js';
import { buildApp, Client, migratedDatabase, PROVIDERS, stopOwnCluster, uniqueEmail, type TestDatabase } from '../db/helper.js';

afterAll(() => stopOwnCluster());

describe.each(PROVIDERS)('history API on %s', (provider) => {
  let database: TestDatabase;
  let app: FastifyInstance;
  beforeAll(async () => {
    database = await migratedDatabase(provider);
    app = await buildApp({ databaseUrl: database.url });
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  async function signedIn(): Promise<Client & { id: string }> {
    const client = new Client(app);
    const res = await client.register(uniqueEmail());
    expect(res.statusCode).toBe(201);
    return Object.assign(client, { id: res.json().id as string });
  }

  const recognize = (c: Client, strokes = digitStrokes(4)) =>
    c.request({ method: 'POST', url: '/api/recognize', payload: { strokes, width: 600, height: 300 } });

  /** Stores a recognition directly through the service, as the board and upload paths will. */
  function record(userId: string, text: string, at: Date, source: 'board' | 'upload' | 'api' = 'board') {
    app.history.record({ userId, source, input: { strokes: STROKES, width: 300, height: 200 }, recognition: recognitionOf(text), latencyMs: 2, at });
  }

  it('stores every recognition of a signed-in user from POST /api/recognize, with its details', async () => {
    const alice = await signedIn();
    const res = await recognize(alice, numberStrokes('2026'));
    expect(res.statusCode).toBe(200);
    const answer = res.json();
    await app.history.flush();

    const list = await alice.request({ method: 'GET', url: '/api/recognitions' });
    expect(list.statusCode).toBe(200);
    const { items, nextCursor } = list.json();
    expect(nextCursor).toBeNull();
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ source: 'api', text: answer.text, model: answer.model, digits: answer.digits, rejected: answer.rejected, inputKind: 'strokes' });
    // The readings offered in the answer are kept, for picking one when correcting from the history.
    expect(answer.alternatives[0].text).toBe(answer.text);
    expect(items[0].alternatives).toEqual(answer.alternatives);
    expect(items[0].latencyMs).toBe(answer.ms);
    expect(items[0].input).toBeUndefined();

    const one = await alice.request({ method: 'GET', url: `/api/recognitions/${items[0].id}` });
    expect(one.statusCode).toBe(200);
    expect(one.json().input).toEqual({ kind: 'strokes', strokes: numberStrokes('2026'), width: 600, height: 300 });
  });

  it('keeps an expression with its value', async () => {
    const ana = await signedIn();
    const answer = (await ana.request({ method: 'POST', url: '/api/recognize', payload: { strokes: expressionStrokes('7×6='), width: 1600, height: 1000 } })).json();
    expect(answer.math).toEqual([expect.objectContaining({ expression: '7×6', value: 42 })]);
    await app.history.flush();
    const [item] = (await ana.request({ method: 'GET', url: '/api/recognitions' })).json().items;
    expect(item.text).toBe('7×6=');
    expect(item.math).toEqual(answer.math);
    expect((await ana.request({ method: 'GET', url: `/api/recognitions/${item.id}` })).json().math).toEqual(answer.math);
  });

  it('stores nothing for anonymous recognitions', async () => {
    const before = await app.prisma.recognition.count();
    expect((await app.inject({ method: 'POST', url: '/api/recognize', payload: { strokes: digitStrokes(1), width: 300, height: 300 } })).statusCode).toBe(200);
    await app.history.flush();
    expect(await app.prisma.recognition.count()).toBe(before);
    expect((await app.inject({ method: 'GET', url: '/api/recognitions' })).statusCode).toBe(401);
  });

  it('pages newest first (limit default 20, max 100) and filters by digit, source and dates', async () => {
    const bob = await signedIn();
    const t0 = Date.UTC(2026, 2, 1, 12);
    for (let i = 0; i < 45; i++) record(bob.id, String(i % 10).repeat(1 + (i % 2)), new Date(t0 + i * 3_600_000), i % 3 === 0 ? 'upload' : 'board');
    await app.history.flush();
    const get = async (qs: string) => {
      const res = await bob.request({ method: 'GET', url: `/api/recognitions${qs}` });
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as { items: { id: string; text: string; createdAt: string; source: string }[]; nextCursor: string | null };
    };
    const first = await get('');
    expect(first.items).toHaveLength(20);
    expect(first.items[0].createdAt).toBe(new Date(t0 + 44 * 3_600_000).toISOString());
    const ids = [...first.items.map((i) => i.id)];
    let cursor = first.nextCursor;
    while (cursor) {
      const page = await get(`?cursor=${cursor}&limit=20`);
      ids.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor;
    }
    expect(ids).toHaveLength(45);
    expect(new Set(ids).size).toBe(45);
    expect((await get('?limit=100')).items).toHaveLength(45);

    expect((await get('?digit=7&limit=100')).items.map((i) => i.text)).toEqual(['77', '77', '77', '77']);
    expect((await get('?digit=0&limit=100')).items.map((i) => i.text)).toEqual(['0', '0', '0', '0', '0']);
    expect((await get('?source=upload&limit=100')).items).toHaveLength(15);
    // 2026-03-02 is hours 12..35 after t0: 24 records in that UTC day.
    expect((await get('?from=2026-03-02&to=2026-03-02&limit=100')).items).toHaveLength(24);
    expect((await get('?from=2026-03-02T00:00:00Z&to=2026-03-02T11:59:59.999Z&limit=100')).items).toHaveLength(12);
    expect((await get('?from=2026-03-02T01:00:00%2B01:00&to=2026-03-02T00:30:00Z&limit=100')).items).toHaveLength(1);
  });

  it('refuses bad queries with 400', async () => {
    const carol = await signedIn();
    for (const qs of ['limit=0', 'limit=101', 'limit=abc', 'digit=12', 'digit=x', 'source=fax', 'from=yesterday', 'from=2026-02-30', 'to=2026-03-01T10:00', 'from=2026-03-02&to=2026-03-01']) {
      const res = await carol.request({ method: 'GET', url: `/api/recognitions?${qs}` });
      expect(res.statusCode, qs).toBe(400);
      expect(res.json().code, qs).toBe('invalid_request');
    }
    const bad = await carol.request({ method: 'GET', url: '/api/recognitions?cursor=bm9wZQ' });
    expect(bad.json()).toMatchObject({ statusCode: 400, code: 'invalid_cursor' });
  });

  it('deletes one record (204), then it is gone (404); deletes all (204)', async () => {
    const dave = await signedIn();
    record(dave.id, '1', new Date());
    record(dave.id, '2', new Date());
    await app.history.flush();
    const { items } = (await dave.request({ method: 'GET', url: '/api/recognitions' })).json();
    expect((await dave.request({ method: 'DELETE', url: `/api/recognitions/${items[0].id}` })).statusCode).toBe(204);
    expect((await dave.request({ method: 'GET', url: `/api/recognitions/${items[0].id}` })).statusCode).toBe(404);
    expect((await dave.request({ method: 'DELETE', url: `/api/recognitions/${items[0].id}` })).json()).toMatchObject({ statusCode: 404, code: 'not_found' });
    expect((await dave.request({ method: 'DELETE', url: '/api/recognitions' })).statusCode).toBe(204);
    expect((await dave.request({ method: 'GET', url: '/api/recognitions' })).json()).toEqual({ items: [], nextCursor: null });
    expect(await app.prisma.recognizedDigit.count({ where: { recognitionId: { in: items.map((i: { id: string }) => i.id) } } })).toBe(0);
  });

  it('"delete all" also drops records still waiting in the queue', async () => {
    const erin = await signedIn();
    for (let i = 0; i < 30; i++) record(erin.id, '5', new Date());
    const res = await erin.request({ method: 'DELETE', url: '/api/recognitions' });
    expect(res.statusCode).toBe(204);
    await app.history.flush();
    expect(await app.prisma.recognition.count({ where: { userId: erin.id } })).toBe(0);
  });

  it('exports CSV and JSON as attachments', async () => {
    const fay = await signedIn();
    record(fay.id, '12', new Date('2026-04-01T08:00:00Z'));
    record(fay.id, '3', new Date('2026-04-02T08:00:00Z'), 'api');
    await app.history.flush();

    const csv = await fay.request({ method: 'GET', url: '/api/recognitions/export?format=csv' });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toMatch(/^attachment; filename="digitboard-history-\d{4}-\d{2}-\d{2}\.csv"$/);
    const lines = csv.body.trim().split('\r\n');
    expect(lines[0]).toBe('id,createdAt,source,text,model,latencyMs,inputKind,digits,confidences,probabilities,correctedText');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain(',2026-04-02T08:00:00.000Z,api,3,digitnet-test,2,strokes,3,');
    expect(lines[2]).toContain(',board,12,');
    expect(lines[2]).toContain(',1 2,');
    expect(lines[2]).toMatch(/,"\[\[.*\]\]",$/); // probabilities, then no correction

    const json = await fay.request({ method: 'GET', url: '/api/recognitions/export?format=json' });
    expect(json.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(json.headers['content-disposition']).toMatch(/^attachment; filename="digitboard-history-.*\.json"$/);
    const all = json.json();
    expect(all.map((r: { text: string }) => r.text)).toEqual(['3', '12']);
    expect(all[0].input).toEqual({ kind: 'strokes', strokes: STROKES, width: 300, height: 200 });
    expect(all[1].digits).toEqual(recognitionOf('12').digits);

    expect((await fay.request({ method: 'GET', url: '/api/recognitions/export?format=csv&source=api' })).body.trim().split('\r\n')).toHaveLength(2);
    expect((await fay.request({ method: 'GET', url: '/api/recognitions/export?format=xml' })).statusCode).toBe(400);
    expect((await app.inject({ method: 'GET', url: '/api/recognitions/export' })).statusCode).toBe(401);
    const empty = await (await signedIn()).request({ method: 'GET', url: '/api/recognitions/export' });
    expect(empty.json()).toEqual([]);
  });

  it("one user can never read, list, delete or export another's records", async () => {
    const owner = await signedIn();
    const intruder = await signedIn();
    record(owner.id, '9', new Date());
    await app.history.flush();
    const [mine] = (await owner.request({ method: 'GET', url: '/api/recognitions' })).json().items;

    const read = await intruder.request({ method: 'GET', url: `/api/recognitions/${mine.id}` });
    expect(read.statusCode).toBe(404);
    expect(read.json().code).toBe('not_found');
    expect((await intruder.request({ method: 'GET', url: '/api/recognitions?limit=100' })).json().items).toEqual([]);
    expect((await intruder.request({ method: 'GET', url: '/api/recognitions?digit=9&source=board' })).json().items).toEqual([]);
    // The owner's cursor gives the intruder nothing either.
    const cursor = Buffer.from(`${Date.now() + 60_000}.${mine.id}`).toString('base64url');
    expect((await intruder.request({ method: 'GET', url: `/api/recognitions?cursor=${cursor}` })).json().items).toEqual([]);
    expect((await intruder.request({ method: 'DELETE', url: `/api/recognitions/${mine.id}` })).statusCode).toBe(404);
    expect((await intruder.request({ method: 'DELETE', url: '/api/recognitions' })).statusCode).toBe(204);
    expect((await intruder.request({ method: 'GET', url: '/api/recognitions/export?format=json' })).json()).toEqual([]);
    expect((await intruder.request({ method: 'GET', url: '/api/recognitions/export?format=csv' })).body.trim().split('\r\n')).toHaveLength(1);

    // Untouched.
    expect((await owner.request({ method: 'GET', url: `/api/recognitions/${mine.id}` })).statusCode).toBe(200);
    expect((await owner.request({ method: 'GET', url: '/api/recognitions/export?format=json' })).json()).toHaveLength(1);
    // And without a session: 401, not a peek.
    expect((await app.inject({ method: 'GET', url: `/api/recognitions/${mine.id}` })).statusCode).toBe(401);
  });

  it('drops, without retrying, a queued record whose user was deleted meanwhile', async () => {
    const before = { ...app.history.stats };
    record('00000000-0000-0000-0000-000000000000', '1', new Date());
    await app.history.flush();
    expect(app.history.stats.failed - before.failed).toBe(1);
    expect(app.history.stats.retries - before.retries).toBe(0);
  });

  it('stores a board number once however many times it is recorded under its key (a node resuming a writer)', async () => {
    const hal = await signedIn();
    const entry = { userId: hal.id, source: 'board' as const, input: { strokes: STROKES, width: 300, height: 200 }, recognition: recognitionOf('7'), latencyMs: 2, boardKey: 'room:s1' };
    app.history.record(entry);
    await app.history.flush();
    app.history.record(entry);
    app.history.record({ ...entry, boardKey: 'room:s2' });
    await app.history.flush();
    const { items } = (await hal.request({ method: 'GET', url: '/api/recognitions' })).json();
    expect(items).toHaveLength(2);
  });

  it('corrects a record (PATCH): the owner only, digits only; lists, reads and exports show correctedText', async () => {
    const ida = await signedIn();
    const other = await signedIn();
    record(ida.id, '1', new Date(Date.UTC(2026, 4, 1)));
    await app.history.flush();
    const [item] = (await ida.request({ method: 'GET', url: '/api/recognitions' })).json().items;
    expect(item.correctedText).toBeNull();
    const patch = (c: Client | null, body: unknown, id = item.id) =>
      (c ?? new Client(app)).request({ method: 'PATCH', url: `/api/recognitions/${id}`, payload: body as object });

    const ok = await patch(ida, { correctedText: '17' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ id: item.id, text: '1', correctedText: '17', input: { kind: 'strokes' } });
    expect((await ida.request({ method: 'GET', url: '/api/recognitions' })).json().items[0].correctedText).toBe('17');
    expect((await ida.request({ method: 'GET', url: `/api/recognitions/${item.id}` })).json().correctedText).toBe('17');
    expect((await ida.request({ method: 'GET', url: '/api/recognitions/export?format=json' })).json()[0].correctedText).toBe('17');
    const csv = (await ida.request({ method: 'GET', url: '/api/recognitions/export?format=csv' })).body.trim().split('\r\n');
    expect(csv[0].split(',').at(-1)).toBe('correctedText');
    expect(csv[1].split(',').at(-1)).toBe('17');

    expect((await patch(other, { correctedText: '4' })).json()).toMatchObject({ statusCode: 404, code: 'not_found' });
    expect((await patch(null, { correctedText: '4' })).json()).toMatchObject({ statusCode: 401, code: 'unauthorized' });
    for (const body of [{ correctedText: '1a' }, { correctedText: '' }, { correctedText: '1'.repeat(41) }, { correctedText: 7 }, {}]) {
      const res = await patch(ida, body);
      expect(res.json(), JSON.stringify(body)).toMatchObject({ statusCode: 400, code: 'invalid_request' });
    }
    expect((await ida.request({ method: 'GET', url: `/api/recognitions/${item.id}` })).json().correctedText).toBe('17');
    expect((await patch(ida, { correctedText: null })).json().correctedText).toBeNull();
  });

  it('takes a board number\'s correction from its room, whether its record is stored or still queued', async () => {
    const jo = await signedIn();
    const entry = { userId: jo.id, source: 'board' as const, input: { strokes: STROKES, width: 300, height: 200 }, recognition: recognitionOf('1'), latencyMs: 2 };
    app.history.record({ ...entry, boardKey: 'room-c:stored' });
    await app.history.flush();
    app.history.correctBoard('room-c:stored', '7');
    app.history.correctBoard('room-c:queued', '4'); // before its record is written
    app.history.record({ ...entry, boardKey: 'room-c:queued' });
    app.history.record({ ...entry, boardKey: 'room-c:early', correctedText: '9' }); // corrected before it was recorded
    app.history.correctBoard('room-c:nobody', '5'); // an anonymous writer's number: no record
    await app.history.flush();
    const { items } = (await jo.request({ method: 'GET', url: '/api/recognitions' })).json();
    expect(items.map((i: { correctedText: string | null }) => i.correctedText).sort()).toEqual(['4', '7', '9']);
  });

  it('exports corrected records as JSON Lines training data: ink with its label, uploads as PNG thumbnails', async () => {
    const kim = await signedIn();
    const at = (h: number) => new Date(Date.UTC(2026, 5, 1, h));
    app.history.record({ userId: kim.id, source: 'board', input: { strokes: STROKES, width: 300, height: 200 }, recognition: recognitionOf('1'), latencyMs: 2, at: at(1), correctedText: '7' });
    record(kim.id, '3', at(2)); // not corrected: not exported
    const upload = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#ffffff' } }).png().toBuffer();
    app.history.record({ userId: kim.id, source: 'upload', input: { image: upload }, recognition: recognitionOf('8'), latencyMs: 2, at: at(3) });
    await app.history.flush();
    const uploaded = (await kim.request({ method: 'GET', url: '/api/recognitions?source=upload' })).json().items[0];
    expect((await kim.request({ method: 'PATCH', url: `/api/recognitions/${uploaded.id}`, payload: { correctedText: '0' } })).statusCode).toBe(200);

    const res = await kim.request({ method: 'GET', url: '/api/recognitions/corrections' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/x-ndjson/);
    expect(res.headers['content-disposition']).toMatch(/attachment; filename="digitboard-corrections-.*\.jsonl"/);
    const lines = res.body.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    expect(Object.keys(lines[0]).sort()).toEqual(['image', 'label']);
    expect(lines[0].label).toBe('0');
    expect((await sharp(Buffer.from(lines[0].image, 'base64')).metadata()).format).toBe('png');
    expect(lines[1]).toEqual({ label: '7', strokes: STROKES, width: 300, height: 200 });

    expect((await (await signedIn()).request({ method: 'GET', url: '/api/recognitions/corrections' })).body).toBe('');
    expect((await app.inject({ method: 'GET', url: '/api/recognitions/corrections' })).statusCode).toBe(401);
  });

  it('describes the correction and the corrections export in the OpenAPI document', async () => {
    const spec = (await app.inject('/docs/json')).json();
    const patch = spec.paths['/api/recognitions/{id}'].patch;
    expect(patch.requestBody.content['application/json'].schema.properties.correctedText).toBeDefined();
    expect(patch.responses['200'].content['application/json'].schema.properties).toHaveProperty('correctedText');
    expect(spec.paths['/api/recognitions'].get.responses['200'].content['application/json'].schema.properties.items.items.properties).toHaveProperty('correctedText');
    expect(spec.paths['/api/recognitions/corrections'].get.summary).toMatch(/training/);
  });

  it('keeps a small thumbnail of an upload, not the upload', async () => {
    const gus = await signedIn();
    const upload = await sharp({ create: { width: 800, height: 400, channels: 3, background: '#fafafa' } })
      .composite([{ input: Buffer.from('<svg width="800" height="400"><text x="100" y="300" font-size="280">42</text></svg>'), top: 0, left: 0 }])
      .jpeg()
      .toBuffer();
    app.history.record({ userId: gus.id, source: 'upload', input: { image: upload }, recognition: recognitionOf('42'), latencyMs: 12 });
    await app.history.flush();
    const [item] = (await gus.request({ method: 'GET', url: '/api/recognitions' })).json().items;
    expect(item).toMatchObject({ source: 'upload', inputKind: 'image', text: '42' });
    const { input } = (await gus.request({ method: 'GET', url: `/api/recognitions/${item.id}` })).json();
    expect(input.kind).toBe('image');
    const png = Buffer.from(input.thumbnail.replace(/^data:image\/png;base64,/, ''), 'base64');
    const meta = await sharp(png).metadata();
    expect(meta.format).toBe('png');
    expect(Math.max(meta.width!, meta.height!)).toBeLessThanOrEqual(96);
    expect(png.length).toBeLessThan(upload.length);
  });
});

describe('a history store that fails', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await migratedDatabase('sqlite');
  });
  afterAll(() => database?.drop());

  it("never fails the user's recognition: retried with backoff, logged, then given up", async () => {
    let calls = 0;
    const app = await buildApp({
      databaseUrl: database.url,
      history: {
        backoffMs: 5,
        write: async () => {
          calls++;
          throw new Error('disk full');
        },
      },
    });
    try {
      const client = new Client(app);
      await client.register(uniqueEmail());
      const res = await client.request({ method: 'POST', url: '/api/recognize', payload: { strokes: digitStrokes(8), width: 300, height: 300 } });
      expect(res.statusCode).toBe(200);
      expect(res.json().text).toBe('8');
      await app.history.flush();
      expect(calls).toBe(4);
      expect(app.history.stats).toMatchObject({ failed: 1, retries: 3, written: 0 });
      // record() itself never throws, whatever it is given.
      expect(() => app.history.record(null as never)).not.toThrow();
    } finally {
      await app.close();
    }
  });

  it('stores after transient failures, once', async () => {
    let calls = 0;
    const app: FastifyInstance = await buildApp({
      databaseUrl: database.url,
      history: {
        backoffMs: 5,
        write: async (rec) => {
          calls++;
          if (calls === 1) throw new Error('connection reset');
          // Pretend the second try committed but its answer was lost: the third finds it there.
          const { insertRecognition } = await import('../../src/db/recognitions.js');
          if (calls === 2) {
            await insertRecognition(app.prisma, rec);
            throw new Error('timeout after commit');
          }
          await insertRecognition(app.prisma, rec);
        },
      },
    });
    try {
      const client = new Client(app);
      const { id } = (await client.register(uniqueEmail())).json();
      expect((await client.request({ method: 'POST', url: '/api/recognize', payload: { strokes: digitStrokes(2), width: 300, height: 300 } })).statusCode).toBe(200);
      await app.history.flush();
      expect(calls).toBe(3);
      expect(await app.prisma.recognition.count({ where: { userId: id } })).toBe(1);
      expect(app.history.stats).toMatchObject({ written: 1, failed: 0 });
    } finally {
      await app.close();
    }
  });

  it('writes queued records before the app closes', async () => {
    const app = await buildApp({ databaseUrl: database.url });
    const client = new Client(app);
    const { id } = (await client.register(uniqueEmail())).json();
    for (let i = 0; i < 20; i++) {
      app.history.record({ userId: id, source: 'board', input: { strokes: STROKES, width: 1, height: 1 }, recognition: recognitionOf('0'), latencyMs: 1 });
    }
    await app.close();
    const again = await buildApp({ databaseUrl: database.url });
    try {
      expect(await again.prisma.recognition.count({ where: { userId: id } })).toBe(20);
    } finally {
      await again.close();
    }
  });

  it('gives up at once on a record whose user is gone (foreign key), without retrying', async () => {
    const app = await buildApp({ databaseUrl: database.url });
    try {
      app.history.record({ userId: 'no-such-user', source: 'api', input: { strokes: STROKES, width: 1, height: 1 }, recognition: recognitionOf('1'), latencyMs: 1 });
      await app.history.flush();
      expect(app.history.stats).toMatchObject({ failed: 1, retries: 0, written: 0 });
    } finally {
      await app.close();
    }
  });
});
