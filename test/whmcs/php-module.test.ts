import { expect } from 'chai';
import { MODULE_DIR, modulePhpFiles, phpJson, requirePhp, runPhp, WHMCS_RUNTIME } from './php.ts';

const SECRET = 's3cret-shared-between-whmcs-and-latchkey-0123456789';
const SETTINGS = {
  url: 'https://vault.example.com/latchkey', secret: SECRET, issuer: 'whmcs', audience: 'latchkey', lifetime: '120',
  ticketplacement: 'sidebar', panelheight: '480', pageheight: '900', navbar: 'on', invitedusers: '', cron: 'on',
};

/** The module's rows in tbladdonmodules, as WHMCS saves them. */
function addonRows(settings: Record<string, string> = SETTINGS) {
  return Object.entries(settings).map(([setting, value]) => ({ module: 'latchkey', setting, value }));
}

interface Claims {
  iss: string;
  aud: string;
  sub: string;
  iat: number;
  exp: number;
  jti: string;
  ctx: Record<string, string>;
}

/** The claims of the token in an iframe's src (not verified here: php-tokens.test.ts does that against Latchkey). */
function claimsOf(iframe: string): Claims {
  const src = /src="([^"]+)"/.exec(iframe)?.[1]?.replace(/&amp;/g, '&') ?? '';
  const token = decodeURIComponent(/[?&]token=([^&]+)/.exec(src)?.[1] ?? '');
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Claims;
}

describe('WHMCS module under php-cli', function () {
  // Each test starts php once or more: slower machines need more than mocha's default 2 s.
  this.timeout(30_000);
  before(function () {
    requirePhp(this);
  });

  it('every PHP file passes php -l', async () => {
    const files = modulePhpFiles();
    expect(files).to.include.members([
      'hooks.php', 'latchkey.php', 'lib/Bridge.php', 'lib/TokenSigner.php',
      'lang/english.php', 'lang/french.php', 'lang/german.php', 'lang/spanish.php', 'lang/italian.php',
    ]);
    for (const file of files) {
      const result = await runPhp(`passthru(escapeshellarg(PHP_BINARY) . ' -l ' . escapeshellarg($module . ${JSON.stringify(file)}), $code); exit($code);`);
      expect(result.status, `${file}: ${result.stdout}${result.stderr}`).to.equal(0);
      expect(result.stdout).to.contain('No syntax errors detected');
    }
  });

  it('every language file has exactly the keys of english.php, none empty', async () => {
    const languages = await phpJson<Record<string, Record<string, string>>>(`
      $out = array();
      foreach (array('english', 'french', 'german', 'spanish', 'italian') as $language) {
        $_ADDONLANG = array();
        include $module . 'lang/' . $language . '.php';
        $out[$language] = $_ADDONLANG;
      }
      echo json_encode($out);`);
    const english = Object.keys(languages.english!).sort();
    expect(english.length).to.be.greaterThan(5);
    for (const [language, strings] of Object.entries(languages)) {
      expect(Object.keys(strings).sort(), language).to.deep.equal(english);
      for (const [key, value] of Object.entries(strings)) expect(value.trim(), `${language}.${key}`).not.to.equal('');
      if (language !== 'english') expect(strings.navbarLabel).not.to.equal(languages.english!.navbarLabel);
    }
  });

  it('declares its configuration and answers activate, deactivate and upgrade with WHMCS status arrays', async () => {
    const out = await phpJson<{ config: { name: string; version: string; language: string; fields: Record<string, { Type: string }> }; activate: unknown; deactivate: unknown; upgrade: unknown }>(`
      ${WHMCS_RUNTIME}
      require $module . 'latchkey.php';
      echo json_encode(array(
        'config' => latchkey_config(),
        'activate' => latchkey_activate(),
        'deactivate' => latchkey_deactivate(),
        'upgrade' => latchkey_upgrade(array('version' => '0.9.0')),
      ));`);
    expect(out.config).to.deep.include({ name: 'Latchkey', language: 'english' });
    expect(out.config.version).to.match(/^\d+\.\d+\.\d+$/);
    expect(Object.keys(out.config.fields)).to.include.members(['url', 'secret', 'issuer', 'audience']);
    expect(out.config.fields.secret!.Type).to.equal('password');
    expect(out.config.fields.url!.Type).to.equal('text');
    for (const answer of [out.activate, out.deactivate, out.upgrade]) {
      expect(answer).to.have.keys(['status', 'description']);
      expect((answer as { status: string }).status).to.equal('success');
    }
    expect((out.upgrade as { description: string }).description).to.contain('0.9.0');
  });

  describe('the hooks', () => {
    async function hooks(body: string, input: Record<string, unknown>) {
      return phpJson<Record<string, unknown>>(`
        ${WHMCS_RUNTIME}
        require $module . 'hooks.php';
        ${body}`, { tables: { tbladdonmodules: addonRows() }, ...input });
    }

    it("registers the client summary, the contact page, both ticket places, the navbar entry, the daily cron and a service's four lifecycle events", async () => {
      const out = await hooks('echo json_encode(array_keys($hooks));', {});
      expect(out).to.have.members([
        'AdminAreaClientSummaryPage', 'AdminAreaFooterOutput', 'AdminAreaViewTicketPageSidebar', 'AdminAreaViewTicketPage', 'ClientAreaPrimaryNavbar', 'DailyCronJob',
        'AfterModuleCreate', 'AfterModuleSuspend', 'AfterModuleUnsuspend', 'AfterModuleTerminate',
      ]);
    });

    it("client summary: an iframe onto {url}/embed with a token for the admin, the client's id and the admin's language", async () => {
      const out = await hooks(`echo json_encode(run_hook('AdminAreaClientSummaryPage', array('userid' => 42)));`, {
        session: { adminid: 7 },
        tables: { tbladdonmodules: addonRows(), tbladmins: [{ id: 7, language: 'german' }] },
      });
      const iframe = (out as unknown as string[])[0]!;
      expect(iframe).to.match(/^<iframe src="https:\/\/vault\.example\.com\/latchkey\/embed\?token=[A-Za-z0-9_.-]+" /);
      expect(iframe).to.contain('allow="clipboard-write"');
      expect(iframe).to.contain('height:480px');
      const claims = claimsOf(iframe);
      expect(claims).to.deep.include({ iss: 'whmcs', aud: 'latchkey', sub: 'admin:7' });
      expect(claims.ctx).to.deep.equal({ place: 'clientSummary', language: 'de', clientId: '42' });
      expect(claims.exp - claims.iat).to.equal(120);
      expect(claims.jti).to.match(/^[0-9a-f]{32}$/);
    });

    it("contact page: an iframe for the admin and the open contact on the Contacts tab, and nothing on any other page", async () => {
      const footer = (filename: string, contactId: string | null) => hooks(`
        $_GET = ${contactId === null ? 'array()' : `array('userid' => '42', 'contactid' => '${contactId}')`};
        echo json_encode(run_hook('AdminAreaFooterOutput', array('filename' => '${filename}')));`, {
        session: { adminid: 7 },
        tables: { tbladdonmodules: addonRows(), tbladmins: [{ id: 7, language: 'french' }] },
      });
      const iframe = (await footer('clientscontacts', '5') as unknown as string[])[0]!;
      expect(iframe).to.match(/^<iframe src="https:\/\/vault\.example\.com\/latchkey\/embed\?token=/);
      const claims = claimsOf(iframe);
      expect(claims).to.deep.include({ sub: 'admin:7' });
      expect(claims.ctx).to.deep.equal({ place: 'contactPanel', language: 'fr', contactId: '5' });
      expect(await footer('clientscontacts', null)).to.deep.equal(['']);
      expect(await footer('clientscontacts', '0')).to.deep.equal(['']);
      expect(await footer('clientssummary', '5')).to.deep.equal(['']);
    });

    it('ticket: the sidebar by default; under the ticket or both when configured', async () => {
      const run = (placement: string) => phpJson<Record<string, string[]>>(`
        ${WHMCS_RUNTIME}
        require $module . 'hooks.php';
        echo json_encode(array(
          'sidebar' => run_hook('AdminAreaViewTicketPageSidebar', array('ticketid' => 9)),
          'page' => run_hook('AdminAreaViewTicketPage', array('ticketid' => 9)),
        ));`, { session: { adminid: 1 }, tables: { tbladdonmodules: addonRows({ ...SETTINGS, ticketplacement: placement }), tbltickets: [{ id: 9, userid: 4 }] } });
      const sidebar = await run('sidebar');
      expect(sidebar.sidebar![0]).to.match(/^<iframe/);
      expect(sidebar.page![0]).to.equal('');
      expect(claimsOf(sidebar.sidebar![0]!).ctx).to.deep.equal({ place: 'ticketSidebar', ticketId: '9' });
      const both = await run('both');
      expect(both.sidebar![0]).to.match(/^<iframe/);
      expect(both.page![0]).to.match(/^<iframe/);
    });

    it('ticket from a guest (no client account): no panel', async () => {
      const out = await hooks(`echo json_encode(run_hook('AdminAreaViewTicketPageSidebar', array('ticketid' => 10)));`, {
        session: { adminid: 1 }, tables: { tbladdonmodules: addonRows(), tbltickets: [{ id: 10, userid: 0 }] },
      });
      expect(out).to.deep.equal(['']);
    });

    it('nothing to show without an admin session, or while the module is not configured', async () => {
      const noAdmin = await hooks(`echo json_encode(run_hook('AdminAreaClientSummaryPage', array('userid' => 42)));`, {});
      expect(noAdmin).to.deep.equal(['']);
      const unconfigured = await hooks(`echo json_encode(run_hook('AdminAreaClientSummaryPage', array('userid' => 42)));`, {
        session: { adminid: 1 }, tables: { tbladdonmodules: addonRows({ ...SETTINGS, secret: 'too-short' }) },
      });
      expect(unconfigured).to.deep.equal(['']);
      const inactive = await hooks(`echo json_encode(run_hook('AdminAreaClientSummaryPage', array('userid' => 42)));`, {
        session: { adminid: 1 }, tables: {},
      });
      expect(inactive).to.deep.equal(['']);
    });

    const navbar = `
      class Menu { public $children = array();
        public function getChild($name) { return isset($this->children[$name]) ? $this->children[$name] : null; }
        public function addChild($name, $options) { $this->children[$name] = $options; return $this; } }
      $menu = new Menu();
      run_hook('ClientAreaPrimaryNavbar', $menu);
      echo json_encode((object) $menu->children);`;

    it('navbar: an entry for index.php?m=latchkey, in the language chosen in the client area', async () => {
      const out = await hooks(navbar, { session: { uid: 5, Language: 'spanish' } });
      expect(out).to.deep.equal({ latchkey: { label: 'Accesos', uri: 'index.php?m=latchkey', order: 75, icon: 'fa-key' } });
      expect(await hooks(navbar, {})).to.deep.equal({}, 'nobody logged in');
      expect(await hooks(navbar, { session: { uid: 5 }, tables: { tbladdonmodules: addonRows({ ...SETTINGS, navbar: '' }) } }))
        .to.deep.equal({}, 'turned off');
    });

    it('WHMCS 8 users: the owner gets the entry; an invited user only when allowed; an admin logged in as the client never', async () => {
      const owner = { clientId: 5, userId: 11, ownerId: 11 };
      const invited = { clientId: 5, userId: 12, ownerId: 11 };
      expect(await hooks(navbar, { currentUser: owner })).to.have.key('latchkey');
      expect(await hooks(navbar, { currentUser: invited })).to.deep.equal({});
      expect(await hooks(navbar, { currentUser: invited, tables: { tbladdonmodules: addonRows({ ...SETTINGS, invitedusers: 'on' }) } }))
        .to.have.key('latchkey');
      expect(await hooks(navbar, { currentUser: { ...owner, masquerading: true }, session: { uid: 5, adminid: 1 } })).to.deep.equal({});
    });

    it("daily cron: a failed call to Latchkey lands in the activity log, and the cron goes on", async () => {
      const out = await hooks(`run_hook('DailyCronJob', array()); echo json_encode($activity);`, {
        tables: { tbladdonmodules: addonRows({ ...SETTINGS, url: 'http://127.0.0.1:9/latchkey' }) },
      });
      expect(out).to.have.length(1);
      expect((out as unknown as string[])[0]).to.match(/^Latchkey: .*Cannot reach Latchkey/);
      expect((out as unknown as string[])[0]).not.to.contain(SECRET);
      const off = await hooks(`run_hook('DailyCronJob', array()); echo json_encode($activity);`, {
        tables: { tbladdonmodules: addonRows({ ...SETTINGS, cron: '' }) },
      });
      expect(off).to.deep.equal([]);
    });
  });

  describe('the addon pages and the client area page', () => {
    it('_clientarea returns the page title, breadcrumb, template and login requirement, with the framed page', async () => {
      const out = await phpJson<{ pagetitle: string; breadcrumb: Record<string, string>; templatefile: string; requirelogin: boolean; vars: Record<string, string> }>(`
        ${WHMCS_RUNTIME}
        require $module . 'latchkey.php';
        $lang = array(); $_ADDONLANG = array(); include $module . 'lang/french.php';
        echo json_encode(latchkey_clientarea(array_merge($input['settings'], array('modulelink' => 'index.php?m=latchkey', '_lang' => $_ADDONLANG))));`,
      { settings: SETTINGS, session: { uid: 5, cid: 8, Language: 'french' } });
      expect(out).to.deep.include({ pagetitle: "Informations d'accès", templatefile: 'clientarea', requirelogin: true });
      expect(out.breadcrumb).to.deep.equal({ 'index.php?m=latchkey': "Informations d'accès" });
      expect(out.vars.latchkeyFrame).to.contain('height:900px');
      const claims = claimsOf(out.vars.latchkeyFrame!);
      expect(claims.sub).to.equal('client:5:contact:8');
      expect(claims.ctx).to.deep.equal({ place: 'clientArea', language: 'fr' });
    });

    it('the client area template shows the frame, or the message when there is none', async () => {
      const { readFile } = await import('node:fs/promises');
      const template = await readFile(`${MODULE_DIR}templates/clientarea.tpl`, 'utf8');
      expect(template).to.contain('{$latchkeyFrame}');
      expect(template).to.contain("{$latchkeyUnavailable|escape:'html'}");
    });

    it('_output frames the admin pages, opening the page named by ?view=', async () => {
      const out = await runPhp(`
        ${WHMCS_RUNTIME}
        $_SERVER['REQUEST_METHOD'] = 'GET';
        $_GET['view'] = 'audit';
        require $module . 'latchkey.php';
        latchkey_output(array_merge($input['settings'], array('modulelink' => 'addonmodules.php?module=latchkey')));`,
      { settings: SETTINGS, session: { adminid: 3 } });
      expect(out.stderr).to.equal('');
      const claims = claimsOf(out.stdout);
      expect(claims.sub).to.equal('admin:3');
      expect(claims.ctx).to.deep.equal({ place: 'adminPages', page: 'audit' });
      expect(out.stdout).to.contain('name="latchkey_action" value="reminders"');
    });

    it('_output says what to configure while the module is not configured', async () => {
      const out = await runPhp(`
        ${WHMCS_RUNTIME}
        $_SERVER['REQUEST_METHOD'] = 'GET';
        require $module . 'latchkey.php';
        latchkey_output(array('modulelink' => 'addonmodules.php?module=latchkey', 'url' => '', 'secret' => ''));`, { session: { adminid: 3 } });
      expect(out.stdout).to.match(/alert-warning.*Latchkey is not configured yet/);
      expect(out.stdout).not.to.contain('<iframe');
    });
  });

  describe('escaping and refusals', () => {
    it('escapes what goes into the HTML, and refuses a URL that is not a plain http(s) address', async () => {
      const out = await phpJson<{ hostile: string; french: string }>(`
        require $module . 'lib/Bridge.php';
        $_SESSION = array('adminid' => 1);
        $hostile = (new Latchkey\\Whmcs\\Bridge($input['hostile']))->adminFrame('clientSummary', array('clientId' => 1));
        $_SESSION = array('uid' => 5, 'Language' => 'french');
        $french = (new Latchkey\\Whmcs\\Bridge($input['settings']))->clientFrame();
        echo json_encode(array('hostile' => $hostile, 'french' => $french));`,
      { settings: SETTINGS, hostile: { ...SETTINGS, url: 'https://vault.example.com/"><script>alert(1)</script>' } });
      expect(out.hostile).to.equal('');
      expect(out.french).to.contain('title="Informations d&#039;accès Latchkey"');
      // The iframe and its height listener, nothing else.
      expect(out.french.match(/</g)).to.have.length(4, 'only <iframe, </iframe>, <script> and </script>');
      expect(out.french).to.match(/^<iframe [^<]*><\/iframe><script>[^<]*<\/script>$/);
    });

    it('writes a height listener with each iframe: for Latchkey\'s origin and that iframe only, clamped to 120–4000 px', async () => {
      const out = await phpJson<{ frames: string[]; origins: Record<string, string> }>(`
        require $module . 'lib/Bridge.php';
        use Latchkey\\Whmcs\\Bridge;
        $_SESSION = array('adminid' => 1);
        $bridge = new Bridge($input['settings']);
        $frames = array($bridge->adminFrame('clientSummary', array('clientId' => 1)), $bridge->adminFrame('ticketSidebar', array('ticketId' => 2)));
        $origins = array();
        foreach (array('https://vault.example.com/latchkey', 'https://vault.example.com:443/latchkey', 'https://vault.example.com:8443',
          'http://127.0.0.1:8080/lk', 'http://latchkey.test:80/', 'not a url') as $url) {
          $origins[$url] = (new Bridge(array('url' => $url)))->origin();
        }
        echo json_encode(array('frames' => $frames, 'origins' => $origins));`, { settings: SETTINGS });
      expect(out.origins).to.deep.equal({
        'https://vault.example.com/latchkey': 'https://vault.example.com',
        'https://vault.example.com:443/latchkey': 'https://vault.example.com',
        'https://vault.example.com:8443': 'https://vault.example.com:8443',
        'http://127.0.0.1:8080/lk': 'http://127.0.0.1:8080',
        'http://latchkey.test:80/': 'http://latchkey.test',
        'not a url': '',
      });
      const ids = out.frames.map((html) => {
        const id = /<iframe [^>]*\bid="(latchkey-frame-[0-9a-f]{16})"/.exec(html)?.[1];
        expect(id, html).to.be.a('string');
        const script = /<script>([^<]*)<\/script>$/.exec(html)?.[1] ?? '';
        expect(script).to.contain(`document.getElementById("${id}")`);
        expect(script).to.contain('var origin = "https://vault.example.com";');
        expect(script).to.contain('event.origin !== origin || event.source !== frame.contentWindow');
        expect(script).to.contain('data.type !== "latchkey:height"');
        expect(script).to.contain('Math.max(120, Math.min(4000, height))');
        return id;
      });
      expect(new Set(ids).size, 'each frame its own id').to.equal(2);
    });

    it('refuses non-http URLs, short secrets, lifetimes over 300 s and malformed subjects', async () => {
      const out = await phpJson<Record<string, string>>(`
        require $module . 'lib/Bridge.php';
        use Latchkey\\Whmcs\\TokenSigner;
        $errors = array();
        $attempts = array(
          'secret' => function () { new TokenSigner('short', 'whmcs', 'latchkey'); },
          'lifetime' => function () { new TokenSigner(str_repeat('x', 32), 'whmcs', 'latchkey', 301); },
          'issuer' => function () { new TokenSigner(str_repeat('x', 32), '', 'latchkey'); },
          'subject' => function () { (new TokenSigner(str_repeat('x', 32), 'whmcs', 'latchkey'))->sign('root', array('place' => 'clientArea')); },
          'clientId' => function () { TokenSigner::clientSubject('1; drop'); },
          'context' => function () { (new TokenSigner(str_repeat('x', 32), 'whmcs', 'latchkey'))->sign('admin:1', array('place' => array('x'))); },
        );
        foreach ($attempts as $name => $attempt) {
          try { $attempt(); $errors[$name] = 'accepted'; } catch (InvalidArgumentException $e) { $errors[$name] = $e->getMessage(); }
        }
        $bridge = new Latchkey\\Whmcs\\Bridge(array('url' => 'javascript:alert(1)', 'secret' => str_repeat('x', 40), 'issuer' => 'a', 'audience' => 'b'));
        $errors['url'] = $bridge->configured() ? 'accepted' : 'refused';
        echo json_encode($errors);`);
      expect(out).to.deep.equal({
        secret: 'The shared secret must be at least 32 characters long.',
        lifetime: 'The token lifetime must be between 1 and 300 seconds.',
        issuer: 'The issuer and the audience must not be empty.',
        subject: 'The subject must be admin:<id>, client:<id>[:contact:<id>] or system.',
        clientId: 'Invalid client id.',
        context: 'Context values must be strings or numbers.',
        url: 'refused',
      });
    });
  });
});
