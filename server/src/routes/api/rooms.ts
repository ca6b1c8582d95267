/** POST /api/rooms: a new board with an unguessable id. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { RoomRegistry } from '../../realtime/rooms.js';

const roomRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/api/rooms',
    {
      schema: {
        summary: 'Create a shared board',
        tags: ['boards'],
        response: { 201: Type.Object({ id: Type.String(), url: Type.String() }) },
      },
    },
    async (_request, reply) => {
      const id = RoomRegistry.newId();
      return reply.status(201).send({ id, url: `/r/${id}` });
    },
  );
};

export default roomRoutes;
