/** A Mailer that sends Latchkey's mail through an SMTP server (nodemailer). */
export { SmtpMailer, smtpTimeouts, type SmtpOptions, type SmtpTimeouts } from './smtp-mailer.ts';
