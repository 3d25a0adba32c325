export { mountLatchkey, type LatchkeyMount } from './mount.ts';
export type { MountOptions, EmbedOptions } from './options.ts';
