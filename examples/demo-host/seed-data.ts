/**
 * Northwind Hosting: a small European hosting company, its staff, its clients
 * and what they have with it. Every domain is under `.example` and every
 * address in a documentation range, so nothing here points at a real system.
 */

/** One password for every demo login, printed at start and in the README. */
export const DEMO_PASSWORD = 'latchkey-demo';

export const adminRoles = [
  { id: 1, name: 'Full Administrator', addon_access: true },
  { id: 2, name: 'Support', addon_access: false },
  { id: 3, name: 'Billing', addon_access: false },
];

export const admins = [
  { id: 1, username: 'olivia', name: 'Olivia Bennett', email: 'olivia@northwind-hosting.example', role_id: 1, language: 'en' },
  { id: 2, username: 'sam', name: 'Sam Patel', email: 'sam@northwind-hosting.example', role_id: 2, language: 'en' },
  { id: 3, username: 'marc', name: 'Marc Dubois', email: 'marc@northwind-hosting.example', role_id: 2, language: 'fr' },
  { id: 4, username: 'lena', name: 'Lena Hoffmann', email: 'lena@northwind-hosting.example', role_id: 2, language: 'de' },
  { id: 5, username: 'carmen', name: 'Carmen Ruiz', email: 'carmen@northwind-hosting.example', role_id: 3, language: 'es' },
];

export const clientGroups = [
  { id: 1, name: 'Retail' },
  { id: 2, name: 'Business' },
  { id: 3, name: 'Resellers' },
];

/** `since` is how many days ago the client signed up. */
export const clients = [
  { id: 1, company: 'Blue Harbour Coffee Roasters', email: 'hello@blueharbourcoffee.example', group_id: 1, language: 'en', status: 'Active', city: 'Bristol', country: 'GB', phone: '+44 117 496 0731', since: 1210 },
  { id: 2, company: 'Atelier Lumière', email: 'contact@atelier-lumiere.example', group_id: 3, language: 'fr', status: 'Active', city: 'Lyon', country: 'FR', phone: '+33 4 72 10 45 88', since: 980 },
  { id: 3, company: 'Bergmann & Söhne Metallbau GmbH', email: 'info@bergmann-metallbau.example', group_id: 2, language: 'de', status: 'Active', city: 'Stuttgart', country: 'DE', phone: '+49 711 2345670', since: 860 },
  { id: 4, company: 'Casa Olivar', email: 'hola@casaolivar.example', group_id: 1, language: 'es', status: 'Active', city: 'Sevilla', country: 'ES', phone: '+34 954 21 87 30', since: 41 },
  { id: 5, company: 'Trattoria da Franca', email: 'info@trattoriadafranca.example', group_id: 1, language: 'it', status: 'Active', city: 'Bologna', country: 'IT', phone: '+39 051 648 2210', since: 530 },
  { id: 6, company: 'Pixelforge Studio', email: 'studio@pixelforge.example', group_id: 3, language: 'en', status: 'Active', city: 'Manchester', country: 'GB', phone: '+44 161 496 0825', since: 1490 },
  { id: 7, company: 'Greenleaf Dental Practice', email: 'reception@greenleafdental.example', group_id: 2, language: 'en', status: 'Active', city: 'Leeds', country: 'GB', phone: '+44 113 496 0419', since: 700 },
  { id: 8, company: 'Nordlicht Reisen', email: 'service@nordlicht-reisen.example', group_id: 2, language: 'de', status: 'Inactive', city: 'Hamburg', country: 'DE', phone: '+49 40 5550 1287', since: 1100 },
];

/** Contacts with `login: true` can sign in to the client area. */
export const contacts = [
  { id: 1, client_id: 1, name: 'Emma Clarke', email: 'hello@blueharbourcoffee.example', is_main: true, job_title: 'Owner', login: true },
  { id: 2, client_id: 1, name: 'Tom Whitaker', email: 'tom@blueharbourcoffee.example', is_main: false, job_title: 'Freelance web developer', login: true },
  { id: 3, client_id: 2, name: 'Camille Laurent', email: 'contact@atelier-lumiere.example', is_main: true, job_title: 'Gérante', login: true },
  { id: 4, client_id: 2, name: 'Hugo Martin', email: 'hugo@atelier-lumiere.example', is_main: false, job_title: 'Développeur', login: false },
  { id: 5, client_id: 3, name: 'Jonas Bergmann', email: 'info@bergmann-metallbau.example', is_main: true, job_title: 'Geschäftsführer', login: true },
  { id: 6, client_id: 3, name: 'Petra Klein', email: 'it@bergmann-metallbau.example', is_main: false, job_title: 'IT-Beauftragte', login: false },
  { id: 7, client_id: 4, name: 'Lucía Fernández', email: 'hola@casaolivar.example', is_main: true, job_title: 'Propietaria', login: true },
  { id: 8, client_id: 5, name: 'Francesca Bianchi', email: 'info@trattoriadafranca.example', is_main: true, job_title: 'Titolare', login: true },
  { id: 9, client_id: 6, name: 'Daniel Okafor', email: 'studio@pixelforge.example', is_main: true, job_title: 'Director', login: true },
  { id: 10, client_id: 6, name: 'Aisha Rahman', email: 'aisha@pixelforge.example', is_main: false, job_title: 'Project manager', login: false },
  { id: 11, client_id: 7, name: 'Priya Shah', email: 'reception@greenleafdental.example', is_main: true, job_title: 'Practice manager', login: true },
  { id: 12, client_id: 8, name: 'Anna Schäfer', email: 'service@nordlicht-reisen.example', is_main: true, job_title: 'Inhaberin', login: true },
];

export const productGroups = [
  { id: 1, name: 'Web Hosting' },
  { id: 2, name: 'Cloud Servers' },
  { id: 3, name: 'Email' },
];

export const products = [
  { id: 1, group_id: 1, name: 'Starter Hosting', monthly_cents: 499 },
  { id: 2, group_id: 1, name: 'Business Hosting', monthly_cents: 1299 },
  { id: 3, group_id: 1, name: 'Managed WordPress', monthly_cents: 1999 },
  { id: 4, group_id: 2, name: 'Cloud VPS S', monthly_cents: 1500 },
  { id: 5, group_id: 2, name: 'Cloud VPS M', monthly_cents: 3000 },
  { id: 6, group_id: 3, name: 'Business Email', monthly_cents: 300 },
];

/**
 * The host's own credentials for each service; passwords are generated at
 * seed time (`password: true`) and kept encrypted by the host.
 * `due` is the number of days until the next invoice.
 */
export const services = [
  { id: 1, client_id: 1, product_id: 2, label: 'blueharbourcoffee.example', status: 'Active', username: 'blueharb', password: true, login_url: 'https://cp3.northwind-hosting.example:2083', due: 12 },
  { id: 2, client_id: 1, product_id: 3, label: 'shop.blueharbourcoffee.example', status: 'Active', username: 'nw-admin', password: true, login_url: 'https://shop.blueharbourcoffee.example/wp-admin/', due: 12 },
  { id: 3, client_id: 1, product_id: 6, label: 'Mail — blueharbourcoffee.example', status: 'Active', username: 'hello@blueharbourcoffee.example', password: true, login_url: 'https://webmail.northwind-hosting.example/', due: 12 },
  { id: 4, client_id: 2, product_id: 2, label: 'atelier-lumiere.example', status: 'Active', username: 'atelierl', password: true, login_url: 'https://cp1.northwind-hosting.example:2083', due: 27 },
  { id: 5, client_id: 2, product_id: 4, label: 'vps-lyon-01.atelier-lumiere.example', status: 'Active', username: 'root', password: true, login_url: 'https://203.0.113.41:8006', due: 27 },
  { id: 6, client_id: 3, product_id: 5, label: 'srv01.bergmann-metallbau.example', status: 'Active', username: 'root', password: true, login_url: 'https://203.0.113.57:8006', due: 5 },
  { id: 7, client_id: 3, product_id: 6, label: 'Mail — bergmann-metallbau.example', status: 'Active', username: 'postmaster@bergmann-metallbau.example', password: true, login_url: 'https://webmail.northwind-hosting.example/', due: 5 },
  { id: 8, client_id: 4, product_id: 1, label: 'casaolivar.example', status: 'Active', username: 'casaoliv', password: true, login_url: 'https://cp2.northwind-hosting.example:2083', due: 19 },
  { id: 9, client_id: 5, product_id: 1, label: 'trattoriadafranca.example', status: 'Suspended', username: 'trattori', password: true, login_url: 'https://cp2.northwind-hosting.example:2083', due: -9 },
  { id: 10, client_id: 6, product_id: 5, label: 'node1.pixelforge.example', status: 'Active', username: 'root', password: true, login_url: 'https://198.51.100.23:8006', due: 2 },
  { id: 11, client_id: 6, product_id: 2, label: 'pixelforge.example', status: 'Active', username: 'pixelfor', password: true, login_url: 'https://cp1.northwind-hosting.example:2083', due: 2 },
  { id: 12, client_id: 6, product_id: 3, label: 'clients.pixelforge.example', status: 'Active', username: 'pixelforge', password: true, login_url: 'https://clients.pixelforge.example/wp-admin/', due: 2 },
  { id: 13, client_id: 7, product_id: 3, label: 'greenleafdental.example', status: 'Active', username: 'greenleaf-admin', password: true, login_url: 'https://greenleafdental.example/wp-admin/', due: 23 },
  { id: 14, client_id: 7, product_id: 6, label: 'Mail — greenleafdental.example', status: 'Active', username: 'reception@greenleafdental.example', password: false, login_url: 'https://webmail.northwind-hosting.example/', due: 23 },
  { id: 15, client_id: 8, product_id: 4, label: 'booking.nordlicht-reisen.example', status: 'Cancelled', username: 'root', password: true, login_url: null, due: null },
  // Bergmann's old server, replaced by srv01 and terminated: staff still keep its BMC login (seed.ts).
  { id: 16, client_id: 3, product_id: 4, label: 'srv00.bergmann-metallbau.example', status: 'Terminated', username: 'root', password: true, login_url: 'https://203.0.113.56:8006', due: null },
];

export const devices = [
  { id: 1, client_id: 1, name: 'Café router (DrayTek Vigor 2927)', kind: 'router' },
  { id: 2, client_id: 1, name: 'Back-office NAS (Synology DS220+)', kind: 'nas' },
  { id: 3, client_id: 3, name: 'Werkstatt-Firewall (Sophos XGS 116)', kind: 'firewall' },
  { id: 4, client_id: 7, name: 'Reception PC', kind: 'workstation' },
  { id: 5, client_id: 6, name: 'Studio NAS (QNAP TS-464)', kind: 'nas' },
];

/**
 * Tickets and their threads. `ago` is in hours before the seed ran; a reply
 * by `admin` names the admin id, one by `contact` the contact id.
 */
export const tickets: Array<{
  id: number; ref: string; client_id: number; contact_id: number | null; service_id: number | null; subject: string;
  status: string; priority: string; department: string;
  thread: Array<{ admin?: number; contact?: number; ago: number; message: string }>;
}> = [
  {
    id: 1, ref: 'NWH-284913', client_id: 1, contact_id: 2, service_id: 2, status: 'Open', priority: 'High', department: 'support',
    subject: 'Checkout returns a 502 after the WooCommerce update',
    thread: [
      { contact: 2, ago: 5, message: 'Hi, since updating WooCommerce to the latest version this morning, the checkout page on shop.blueharbourcoffee.example returns a 502 Bad Gateway about half of the time. The rest of the shop works. Could you check the PHP error log? I can give you the WordPress admin login if you need it.' },
    ],
  },
  {
    id: 2, ref: 'NWH-284920', client_id: 1, contact_id: 1, service_id: 3, status: 'Answered', priority: 'Medium', department: 'support',
    subject: 'Cannot send email from Outlook on the new laptop',
    thread: [
      { contact: 1, ago: 52, message: 'Receiving works but sending fails with "The server responded: 535 authentication failed". Same password as on my phone, where it works.' },
      { admin: 2, ago: 49, message: 'Hi Emma, Outlook often fills in port 25 for outgoing mail. Please set the outgoing server to mail.northwind-hosting.example, port 465, SSL/TLS, and tick "My outgoing server requires authentication". Let us know if it still fails.' },
    ],
  },
  {
    id: 3, ref: 'NWH-285002', client_id: 2, contact_id: 3, service_id: 5, status: 'Customer-Reply', priority: 'Medium', department: 'support',
    subject: 'Snapshot du VPS avant la mise à jour de Debian',
    thread: [
      { contact: 3, ago: 30, message: 'Bonjour, nous passons vps-lyon-01 de Debian 11 à Debian 12 ce week-end. Pouvez-vous faire un snapshot vendredi soir, avant 20 h ?' },
      { admin: 3, ago: 27, message: 'Bonjour Camille, c’est noté : snapshot programmé vendredi à 19 h 30. Il sera conservé 7 jours. Souhaitez-vous que nous vérifiions aussi l’espace disque libre avant la mise à jour ?' },
      { contact: 3, ago: 3, message: 'Oui, merci ! Hugo aura besoin d’un accès SSH temporaire pour la mise à jour.' },
    ],
  },
  {
    id: 4, ref: 'NWH-285017', client_id: 3, contact_id: 6, service_id: 6, status: 'In Progress', priority: 'High', department: 'support',
    subject: 'Server seit gestern Abend sehr langsam',
    thread: [
      { contact: 6, ago: 20, message: 'Guten Morgen, seit gestern gegen 22 Uhr reagiert srv01 extrem träge, unsere Warenwirtschaft hängt ständig. Neustart hat nichts gebracht.' },
      { admin: 4, ago: 18, message: 'Guten Morgen Frau Klein, die Last kommt von einem Backup-Job, der seit gestern Abend läuft und die Festplatte voll auslastet. Ich prüfe gerade, warum er nicht beendet wurde, und melde mich in Kürze.' },
    ],
  },
  {
    id: 5, ref: 'NWH-285031', client_id: 4, contact_id: 7, service_id: 8, status: 'Open', priority: 'Medium', department: 'support',
    subject: 'Migrar la web desde nuestro proveedor anterior',
    thread: [
      { contact: 7, ago: 70, message: 'Hola, acabamos de contratar el plan Starter. ¿Podéis migrar la web y los correos desde nuestro proveedor anterior? Os dejo los datos de acceso al cPanel antiguo en vuestra sección de contraseñas.' },
      { admin: 2, ago: 66, message: 'Hi Lucía, of course — the migration is free of charge. We have stored the old cPanel login in the ticket’s password panel and will start tonight after 22:00 to avoid downtime.' },
    ],
  },
  {
    id: 6, ref: 'NWH-285044', client_id: 5, contact_id: 8, service_id: 9, status: 'Open', priority: 'High', department: 'billing',
    subject: 'Servizio sospeso ma la fattura è già pagata',
    thread: [
      { contact: 8, ago: 9, message: 'Buongiorno, il nostro sito è sospeso da stamattina, ma abbiamo pagato la fattura con bonifico venerdì scorso. Vi allego la ricevuta. Potete riattivarlo al più presto? Abbiamo le prenotazioni online.' },
    ],
  },
  {
    id: 7, ref: 'NWH-285060', client_id: 6, contact_id: 9, service_id: 10, status: 'Answered', priority: 'Medium', department: 'sales',
    subject: 'Second IPv4 address for node1',
    thread: [
      { contact: 9, ago: 100, message: 'Could we get a second IPv4 address on node1.pixelforge.example? A client needs a dedicated IP for an old payment integration.' },
      { admin: 5, ago: 96, message: 'Hi Daniel, an additional IPv4 address is £3.00 a month. I have added it to your next invoice; Sam will configure it on the node today.' },
    ],
  },
  {
    id: 8, ref: 'NWH-285071', client_id: 7, contact_id: 11, service_id: 13, status: 'Open', priority: 'High', department: 'support',
    subject: 'Locked out of WordPress after too many login attempts',
    thread: [
      { contact: 11, ago: 2, message: 'Hello, our receptionist tried the wrong password a few times and now the website says we are locked out for 24 hours. We need to update the opening hours today. Can you help?' },
    ],
  },
  {
    id: 9, ref: 'NWH-285088', client_id: 8, contact_id: 12, service_id: 15, status: 'Closed', priority: 'Low', department: 'support',
    subject: 'SSL-Zertifikat für die Buchungsseite erneuern',
    thread: [
      { contact: 12, ago: 400, message: 'Hallo, der Browser meldet, dass das Zertifikat von booking.nordlicht-reisen.example in 5 Tagen abläuft.' },
      { admin: 4, ago: 396, message: 'Hallo Frau Schäfer, das Zertifikat ist erneuert und gilt jetzt bis Ende nächsten Jahres. Die automatische Verlängerung ist wieder aktiv.' },
      { contact: 12, ago: 390, message: 'Vielen Dank, alles bestens!' },
    ],
  },
  {
    id: 10, ref: 'NWH-285102', client_id: 1, contact_id: 1, service_id: null, status: 'Closed', priority: 'Low', department: 'billing',
    subject: 'VAT number missing on invoice INV-20931',
    thread: [
      { contact: 1, ago: 240, message: 'Our VAT number is not on the last invoice. Could you reissue it? GB 123 4567 89.' },
      { admin: 5, ago: 236, message: 'Hi Emma, I have added your VAT number to the account and reissued invoice INV-20931. You will find it under Billing → Invoices.' },
    ],
  },
  {
    id: 11, ref: 'NWH-285115', client_id: 6, contact_id: 9, service_id: 12, status: 'Customer-Reply', priority: 'Low', department: 'support',
    subject: 'Staging copy of clients.pixelforge.example',
    thread: [
      { contact: 9, ago: 26, message: 'Could you set up a staging copy of clients.pixelforge.example at staging.pixelforge.example? Password-protected, please.' },
      { admin: 2, ago: 24, message: 'Done: staging.pixelforge.example is live. The HTTP authentication login is in the Passwords section of your client area.' },
      { contact: 9, ago: 1, message: 'Perfect, thanks. Can Aisha have access to it as well?' },
    ],
  },
];
