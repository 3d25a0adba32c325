/**
 * A HostDirectory kept in memory: for tests, demos and commands that act as
 * the system and need no host.
 */
export { MemoryDirectory, emptyHostData, type MemoryHostData } from './memory-directory.ts';
