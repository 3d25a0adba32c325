import { startAuthentication, startRegistration } from '@simplewebauthn/browser';
import { ApiError, send } from './api-client.ts';
import { all, inputOf, required } from './dom.ts';
import { clearErrors, showErrors } from './form-errors.ts';
import { say, type PanelConfig } from './panel-config.ts';

/** Setting up an app (seed and code), the recovery codes shown once, or a code to verify. */
type Stage = 'enrol' | 'codes' | 'verify';

interface TotpEnrolment {
  secret: string;
  otpauthUri: string;
  qrCode: string;
}

/**
 * The step-up dialog: the server wants a fresh verification before an
 * action. A person with a factor types a code from the app, touches their
 * passkey, or gives a recovery code; a person without one sets up an app
 * here (QR code, the otpauth URI as text), confirms it with a code, and sees
 * the recovery codes once, or adds a passkey instead.
 * Resolves when the session is verified; rejects when the person cancels.
 */
export function askForVerification(cfg: PanelConfig, methods: readonly string[]): Promise<void> {
  const dialog = required(cfg.panel, '[data-lk-step-up-dialog]', HTMLDialogElement);
  const form = required(dialog, 'form', HTMLFormElement);
  const submit = required(form, '[data-lk-step-up-submit]', HTMLButtonElement);
  const recoveryToggle = required(form, '[data-lk-step-up-recovery]', HTMLButtonElement);
  const verifyPasskey = required(form, '[data-lk-step-up-passkey="verify"]', HTMLButtonElement);
  const addPasskey = required(form, '[data-lk-step-up-passkey="register"]', HTMLButtonElement);
  let stage: Stage = methods.includes('totp') || methods.includes('passkey') ? 'verify' : 'enrol';
  // A person with only a passkey types no code until they choose a recovery code.
  const typesCode = () => stage === 'enrol' || methods.includes('totp');
  let useRecovery = false;

  const show = () => {
    for (const part of all(form, '[data-lk-step-up-part]', HTMLElement)) {
      const name = part.dataset.lkStepUpPart;
      part.hidden = name === 'ask' ? stage === 'codes' : name !== stage;
    }
    required(form, '[data-lk-step-up-field="code"]', HTMLElement).hidden = useRecovery || !typesCode();
    verifyPasskey.hidden = stage !== 'verify' || !methods.includes('passkey');
    required(form, '[data-lk-step-up-field="recoveryCode"]', HTMLElement).hidden = !useRecovery;
    recoveryToggle.hidden = stage !== 'verify' || useRecovery || !methods.includes('recoveryCode');
    submit.textContent = (stage === 'enrol' ? submit.dataset.textConfirm : stage === 'codes' ? submit.dataset.textDone : submit.dataset.textVerify) ?? '';
  };

  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      form.onsubmit = null;
      dialog.onclose = null;
      if (dialog.open) dialog.close();
      if (error) reject(error);
      else resolve();
    };

    form.reset();
    clearErrors(form);
    required(form, '[data-lk-step-up-codes]', HTMLOListElement).replaceChildren();
    required(form, '[data-lk-step-up-qr]', HTMLElement).replaceChildren();
    show();
    recoveryToggle.onclick = () => {
      useRecovery = true;
      show();
      inputOf(form, 'recoveryCode').focus();
    };
    // The browser's own WebAuthn prompt; the server checks its answer against the challenge it gave this session.
    verifyPasskey.onclick = () => void (async () => {
      const optionsJSON = await send<Parameters<typeof startAuthentication>[0]['optionsJSON']>(cfg, 'POST', '/step-up/passkey/options', { purpose: 'verify' });
      await send(cfg, 'POST', '/step-up/verify', { passkey: await startAuthentication({ optionsJSON }) });
      finish();
    })().catch((error: unknown) => showErrors(form, error));
    addPasskey.onclick = () => void (async () => {
      const optionsJSON = await send<Parameters<typeof startRegistration>[0]['optionsJSON']>(cfg, 'POST', '/step-up/passkey/options', { purpose: 'register' });
      await send(cfg, 'POST', '/step-up/passkey', { passkey: await startRegistration({ optionsJSON }) });
      finish();
    })().catch((error: unknown) => showErrors(form, error));
    required(form, '[data-lk-step-up-cancel]', HTMLButtonElement).onclick = () => finish(cancelled(cfg));
    dialog.onclose = () => finish(cancelled(cfg));
    form.onsubmit = (event) => {
      event.preventDefault();
      void advance().catch((error: unknown) => showErrors(form, error));
    };

    const advance = async () => {
      clearErrors(form);
      if (stage === 'codes') return finish();
      if (stage === 'enrol') {
        const { recoveryCodes } = await send<{ recoveryCodes: string[] }>(cfg, 'POST', '/step-up/totp/confirm', { code: inputOf(form, 'code').value.trim() });
        const list = required(form, '[data-lk-step-up-codes]', HTMLOListElement);
        list.replaceChildren(...recoveryCodes.map((code) => {
          const item = document.createElement('li');
          const text = document.createElement('code');
          text.textContent = code;
          item.append(text);
          return item;
        }));
        stage = 'codes';
        show();
        return;
      }
      const body = useRecovery ? { recoveryCode: inputOf(form, 'recoveryCode').value.trim() } : { code: inputOf(form, 'code').value.trim() };
      await send(cfg, 'POST', '/step-up/verify', body);
      finish();
    };

    dialog.showModal();
    if (stage === 'enrol') {
      void send<TotpEnrolment>(cfg, 'POST', '/step-up/totp').then((enrolment) => {
        const slot = required(form, '[data-lk-step-up-qr]', HTMLElement);
        const image = document.createElement('img');
        image.className = 'lk-qr';
        image.width = image.height = 220;
        image.alt = slot.dataset.alt ?? '';
        image.src = enrolment.qrCode;
        slot.replaceChildren(image);
        required(form, '[data-lk-step-up-uri]', HTMLElement).textContent = enrolment.otpauthUri;
        inputOf(form, 'code').focus();
      }).catch((error: unknown) => showErrors(form, error));
    } else if (typesCode()) {
      inputOf(form, 'code').focus();
    }
  });
}

function cancelled(cfg: PanelConfig): ApiError {
  return new ApiError(say(cfg, 'verificationCancelled'), undefined, []);
}
