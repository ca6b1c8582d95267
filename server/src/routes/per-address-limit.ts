/**
 * A per-address request budget for the routes of one plugin: @fastify/rate-limit registered in
 * that plugin's scope only (another plugin's limits are not disturbed, and routes without the
 * returned config are not limited), answering the coded 429 `rate_limited`.
 */
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { errors } from '../errors.js';

export interface Budget {
  max: number;
  timeWindow: number | string;
}

/**
 * Registers the limiter in `app`'s scope and returns the route config that applies `budget` (what
 * is counted is named in the 429: "Too many attempts; retry in 1 minute"). A budget of 0 (or none)
 * limits nothing.
 */
export async function perAddressLimit(app: FastifyInstance, what: string, budget: Budget | undefined): Promise<{ rateLimit?: Budget }> {
  if (!budget || budget.max <= 0) return {};
  await app.register(rateLimit, { global: false, errorResponseBuilder: (_request, context) => new errors.RateLimited(what, context.after) });
  return { rateLimit: budget };
}
