import { expect } from 'chai';
import type { Mailer, MailMessage } from '../../core/index.ts';
import { smartyLiteral, WhmcsApi, WhmcsApiError, WhmcsMailer, WhmcsMailUnsupportedError } from '../../adapters/whmcs/index.ts';
import { API_IDENTIFIER, API_SECRET, FakeWhmcs } from './fake-whmcs.ts';

class RecordingMailer implements Mailer {
  readonly sent: MailMessage[] = [];
  async send(message: MailMessage): Promise<void> {
    this.sent.push(message);
  }
}

function message(to: string, recipient: MailMessage['recipient']): MailMessage {
  return {
    to,
    toName: 'Someone',
    recipient,
    subject: 'Time to change the password of "DB {prod}"',
    html: '<style>p{margin:0}</style><p>Change <b>{$client_password}</b> soon.</p>',
    text: 'Change it soon.',
    messageId: '<abc@latchkey>',
  };
}

describe('WHMCS mailer (SendEmail)', () => {
  let whmcs: FakeWhmcs;
  let api: WhmcsApi;
  before(async () => {
    whmcs = await FakeWhmcs.start();
    api = new WhmcsApi({ url: whmcs.url, identifier: API_IDENTIFIER, secret: API_SECRET });
  });
  after(async () => {
    await whmcs.close();
  });
  beforeEach(() => whmcs.reset());

  it("sends a custom general email to the client's id the message names, without looking the address up", async () => {
    await new WhmcsMailer(api).send(message('whatever@example.com', { kind: 'client', id: '2' }));
    expect(whmcs.requests.map((r) => r.action)).to.deep.equal(['SendEmail']);
    expect(whmcs.mails).to.have.length(1);
    expect(whmcs.mails[0]!.params).to.deep.include({ customtype: 'general', id: '2' });
  });

  it('keeps braces away from Smarty: {ldelim} and {rdelim} print them, so no merge field or tag runs', async () => {
    await new WhmcsMailer(api).send(message('price.ima@example.com', { kind: 'client', id: '2' }));
    const sent = whmcs.mails[0]!.params;
    expect(sent.customsubject).to.equal('Time to change the password of "DB {ldelim}prod{rdelim}"');
    expect(sent.custommessage).to.equal('<style>p{ldelim}margin:0{rdelim}</style><p>Change <b>{ldelim}$client_password{rdelim}</b> soon.</p>');
    expect(sent.custommessage).not.to.match(/\{\$/);
    expect(smartyLiteral('{/literal}{php}')).to.equal('{ldelim}/literal{rdelim}{ldelim}php{rdelim}');
  });

  it('admins and contacts: WHMCS cannot address one, so the fallback mailer sends, or the message fails', async () => {
    const fallback = new RecordingMailer();
    const withFallback = new WhmcsMailer(api, { fallback });
    await withFallback.send(message('demo@whmcs.com', { kind: 'admin', id: '1' }));
    await withFallback.send(message('ben@example.com', { kind: 'contact', id: '3' }));
    expect(fallback.sent.map((m) => m.to)).to.deep.equal(['demo@whmcs.com', 'ben@example.com']);
    expect(whmcs.mails).to.have.length(0, 'never SendAdminEmail: it would reach every admin subscribed to the type');

    const err = await new WhmcsMailer(api).send(message('demo@whmcs.com', { kind: 'admin', id: '1' }))
      .then(() => null, (e: unknown) => e);
    expect(err).to.be.instanceOf(WhmcsMailUnsupportedError);
    expect((err as Error).message).to.match(/cannot mail one admin/);
  });

  it('a client id WHMCS could not have (not a number) goes to the fallback, never to SendEmail', async () => {
    const fallback = new RecordingMailer();
    await new WhmcsMailer(api, { fallback }).send(message('ana@example.com', { kind: 'client', id: 'c-acme' }));
    expect(fallback.sent).to.have.length(1);
    expect(whmcs.mails).to.have.length(0);
    const err = await new WhmcsMailer(api).send(message('ana@example.com', { kind: 'client', id: 'c-acme' })).then(() => null, (e: unknown) => e);
    expect(err).to.be.instanceOf(WhmcsMailUnsupportedError);
  });

  it("WHMCS's refusal reaches the outbox as an error, so the message stays for a retry", async () => {
    const err = await new WhmcsMailer(api).send(message('x@example.com', { kind: 'client', id: '404' }))
      .then(() => null, (e: unknown) => e);
    expect(err).to.be.instanceOf(WhmcsApiError);
    expect((err as WhmcsApiError).apiMessage).to.equal('Sending Failed. Please see documentation.');
  });
});
