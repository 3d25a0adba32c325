// Type-checked by test/package/pack.test.ts inside a fresh project that
// installed the packed tarball: each entry's types come from its .d.ts.
// The last line is wrong on purpose, so the test can see the types at work.
import express from 'express';
import { createLatchkey, Keyring, type EntryView, type HostDirectory, type Latchkey } from 'latchkey';
import { mountLatchkey, type LatchkeyMount } from 'latchkey/express';
import { WhmcsDirectory } from 'latchkey/whmcs';
import { mountZendesk } from 'latchkey/zendesk';
import { MemoryDirectory } from 'latchkey/memory';
import { SmtpMailer } from 'latchkey/smtp';
import { describeHostDirectoryContract, type DirectoryFixture } from 'latchkey/testing';

const host: HostDirectory = new MemoryDirectory();
const lk: Latchkey = await createLatchkey({ database: { url: 'sqlite::memory:' }, keys: Keyring.fromEnv(), host });
const entry: EntryView = await lk.entries.create({ kind: 'admin', adminId: '1' }, { name: 'vps1 root', password: 'pw' });
const mount: LatchkeyMount = mountLatchkey(express(), { latchkey: lk, basePath: '/latchkey', secret: 'secret', identify: () => null });
const fixture = async (): Promise<DirectoryFixture> => { throw new Error(`not run: ${String(mount)}`); };
describeHostDirectoryContract('typed', fixture);
export const used = [WhmcsDirectory, mountZendesk, SmtpMailer, entry];

export const wrong: number = entry.id;
