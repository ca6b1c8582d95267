/**
 * Vitest globalSetup: one throwaway PostgreSQL cluster for the whole run (loopback port, temp
 * folder, stopped afterwards). Test files read its URL with inject('postgresUrl') and create
 * their own databases in it. Fails loudly when PostgreSQL is not installed: no silent skips.
 */
import type { TestProject } from 'vitest/node';
import { startPgCluster } from '../../scripts/db-pg-cluster.js';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cluster = await startPgCluster();
  project.provide('postgresUrl', cluster.url);
  return () => cluster.stop();
}
