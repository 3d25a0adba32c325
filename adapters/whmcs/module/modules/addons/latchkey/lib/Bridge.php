<?php
/**
 * Latchkey for WHMCS: what the hooks, the admin pages and the client area
 * share. Reads the module's settings, names the current admin or client,
 * signs a token for them and returns the <iframe> that opens Latchkey.
 */

namespace Latchkey\Whmcs;

if (!defined('WHMCS')) {
    exit('This file cannot be accessed directly');
}

require_once __DIR__ . '/TokenSigner.php';

final class Bridge
{
    /** The module's folder name, and its key in tbladdonmodules. */
    const MODULE = 'latchkey';

    /** The admin pages Latchkey serves (the frame has its own tabs; this only picks the first one). */
    const ADMIN_PAGES = array('dashboard', 'entries', 'categories', 'settings', 'audit', 'tokens', 'transfer', 'access', 'review');

    /** Bounds of a frame's configured (starting) height, in pixels. */
    const MIN_FRAME_HEIGHT = 200;
    const MAX_FRAME_HEIGHT = 4000;

    /** The smallest height a frame takes when its page reports a shorter one. */
    const MIN_AUTO_HEIGHT = 120;

    /** WHMCS language names → the languages Latchkey speaks. */
    const LANGUAGES = array(
        'english' => 'en', 'french' => 'fr', 'german' => 'de', 'spanish' => 'es', 'italian' => 'it',
    );

    /** @var array<string, string> */
    private $settings;

    /** @param array<string, string> $settings the module's configuration values */
    public function __construct(array $settings)
    {
        $this->settings = $settings;
    }

    /**
     * The bridge with the saved settings, or null when the module is not
     * active. Hooks run on every page, so any failure here hides the panels
     * instead of breaking the page.
     */
    public static function fromWhmcs()
    {
        try {
            $settings = self::savedSettings();
        } catch (\Exception $e) {
            return null;
        }
        return $settings ? new self($settings) : null;
    }

    /** @return array<string, string> setting => value from tbladdonmodules ([] when the module is not active) */
    public static function savedSettings()
    {
        if (!class_exists('\WHMCS\Database\Capsule')) {
            return array();
        }
        $rows = \WHMCS\Database\Capsule::table('tbladdonmodules')->where('module', self::MODULE)->get(array('setting', 'value'));
        $settings = array();
        foreach ($rows as $row) {
            $settings[(string) $row->setting] = (string) $row->value;
        }
        return $settings;
    }

    public function setting($name, $default = '')
    {
        return isset($this->settings[$name]) && $this->settings[$name] !== '' ? $this->settings[$name] : $default;
    }

    /**
     * A tick box: WHMCS saves "on" when ticked and "" when not; a setting
     * never saved (before the first "Save Changes") takes its default.
     */
    public function enabled($name, $default = false)
    {
        if (!isset($this->settings[$name])) {
            return $default;
        }
        return in_array(strtolower($this->settings[$name]), array('on', 'yes', '1', 'true'), true);
    }

    /** Latchkey's base URL without a trailing slash, or '' when it is not an http(s) URL. */
    public function baseUrl()
    {
        $url = rtrim(trim($this->setting('url')), '/');
        // Host, optional port, plain path: nothing that could need escaping, though it is escaped anyway.
        return preg_match('#^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~%/-]*)?$#', $url) ? $url : '';
    }

    /**
     * The shared secret. Depending on the WHMCS version, a "password" field
     * of an addon module is kept in tbladdonmodules as typed or encrypted
     * with the installation's key; the values WHMCS hands to _output and
     * _clientarea are always clear, but hooks read the table. So: if WHMCS
     * can decrypt the stored value into something that looks like a secret
     * (32+ printable characters), that is it; otherwise the stored value is.
     */
    public function secret()
    {
        $stored = $this->setting('secret');
        if (function_exists('decrypt') && $stored !== '') {
            $clear = (string) @decrypt($stored);
            if (preg_match('/^[\x21-\x7E]{' . TokenSigner::MIN_SECRET_LENGTH . ',}$/', $clear)) {
                return $clear;
            }
        }
        return $stored;
    }

    public function configured()
    {
        return $this->baseUrl() !== '' && strlen($this->secret()) >= TokenSigner::MIN_SECRET_LENGTH
            && trim($this->setting('issuer')) !== '' && trim($this->setting('audience')) !== '';
    }

    public function signer()
    {
        return new TokenSigner($this->secret(), $this->setting('issuer'), $this->setting('audience'), (int) $this->setting('lifetime', '120'));
    }

    /** `{url}/embed?token=...`: where a signed token opens Latchkey. */
    public function embedUrl($token)
    {
        return $this->baseUrl() . '/embed?token=' . rawurlencode($token);
    }

    /**
     * Latchkey's origin (`https://vault.example.com`, port only when not the
     * scheme's default), as a browser names it in postMessage events; '' when
     * the URL is not configured.
     */
    public function origin()
    {
        $url = $this->baseUrl();
        $parts = $url === '' ? false : parse_url($url);
        if (!is_array($parts) || !isset($parts['scheme'], $parts['host'])) {
            return '';
        }
        $scheme = strtolower($parts['scheme']);
        $origin = $scheme . '://' . strtolower($parts['host']);
        if (isset($parts['port'])) {
            $port = (int) $parts['port'];
            if (!($scheme === 'https' && $port === 443) && !($scheme === 'http' && $port === 80)) {
                $origin .= ':' . $port;
            }
        }
        return $origin;
    }

    /**
     * The <iframe> for one user and one place, or '' when there is nobody to
     * sign for or the module is not configured. Everything that goes into the
     * HTML passes through htmlspecialchars.
     *
     * `$height` is where the frame starts; Latchkey's page then tells its
     * height (see autoHeightScript) and the frame follows its content.
     */
    public function frame($subject, array $context, $height, $title)
    {
        if ($subject === null || !$this->configured()) {
            return '';
        }
        try {
            $token = $this->signer()->sign($subject, $context);
        } catch (\Exception $e) {
            return '';
        }
        $height = max(self::MIN_FRAME_HEIGHT, min(self::MAX_FRAME_HEIGHT, (int) $height));
        // Names this frame for its height listener: several panels may share a page.
        $id = 'latchkey-frame-' . bin2hex(random_bytes(8));
        $attributes = array(
            'src' => $this->embedUrl($token),
            'id' => $id,
            'title' => (string) $title,
            'class' => 'latchkey-frame',
            'style' => 'display:block;width:100%;height:' . $height . 'px;border:0;',
            // Copy-to-clipboard needs this permission inside a cross-origin frame.
            'allow' => 'clipboard-write',
            'referrerpolicy' => 'no-referrer',
            'sandbox' => 'allow-scripts allow-same-origin allow-forms allow-popups allow-popups-to-escape-sandbox',
        );
        $html = '<iframe';
        foreach ($attributes as $name => $value) {
            $html .= ' ' . $name . '="' . self::escape($value) . '"';
        }
        return $html . '></iframe>' . self::autoHeightScript($id, $this->origin());
    }

    /**
     * A small inline listener for the frame's `{type: 'latchkey:height', height}`
     * messages (templates/assets/latchkey.js sends one on load and whenever its
     * content changes size). It believes only messages from Latchkey's origin
     * that come from this frame's own window, and keeps the height between
     * MIN_AUTO_HEIGHT and MAX_FRAME_HEIGHT. Where a Content-Security-Policy
     * forbids inline scripts, the frame keeps its configured height.
     *
     * A reminder mail links to this page with `#lk-entry-<id>`, which the
     * frame cannot read: once the frame has spoken (its panel is listening
     * then), the listener passes that id on to it, to Latchkey's origin only,
     * as `{type: 'latchkey:open-entry', id}`, and the panel opens the entry.
     */
    private static function autoHeightScript($id, $origin)
    {
        if ($origin === '') {
            return '';
        }
        // JSON with <, >, &, ' and " as \u escapes: nothing in it can end the script element.
        $flags = JSON_HEX_TAG | JSON_HEX_AMP | JSON_HEX_APOS | JSON_HEX_QUOT | JSON_UNESCAPED_SLASHES;
        return '<script>(function () {'
            . 'var frame = document.getElementById(' . json_encode((string) $id, $flags) . ');'
            . 'var origin = ' . json_encode((string) $origin, $flags) . ';'
            . 'if (!frame || !window.addEventListener) { return; }'
            . 'window.addEventListener("message", function (event) {'
            . 'var data = event.data;'
            . 'if (event.origin !== origin || event.source !== frame.contentWindow) { return; }'
            . 'if (!data || typeof data !== "object" || data.type !== "latchkey:height") { return; }'
            . 'var linked = /^#lk-entry-([A-Za-z0-9-]{1,64})$/.exec(window.location.hash);'
            . 'if (linked && !frame.latchkeyEntrySent) {'
            . 'frame.latchkeyEntrySent = true;'
            . 'event.source.postMessage({ type: "latchkey:open-entry", id: linked[1] }, origin);'
            . '}'
            . 'var height = Math.ceil(Number(data.height));'
            . 'if (!isFinite(height)) { return; }'
            . 'frame.style.height = Math.max(' . self::MIN_AUTO_HEIGHT . ', Math.min(' . self::MAX_FRAME_HEIGHT . ', height)) + "px";'
            . '});'
            . '})();</script>';
    }

    /** The frame for the admin logged in now, on one place. */
    public function adminFrame($place, array $context, $height = null)
    {
        $context = array_merge(array('place' => $place, 'language' => self::languageCode(self::adminLanguage())), $context);
        return $this->frame(self::adminSubject(), $context, $height === null ? $this->setting('panelheight', '480') : $height, $this->lang('frameTitle', 'Latchkey'));
    }

    /** The frame for the client logged in now: the client area page. */
    public function clientFrame($page = null)
    {
        $context = array('place' => 'clientArea', 'language' => self::languageCode(self::clientLanguage()));
        if ($page !== null && $page !== '') {
            $context['page'] = $page;
        }
        return $this->frame($this->clientSubject(), $context, $this->setting('pageheight', '900'), $this->lang('frameTitle', 'Latchkey'));
    }

    /** `admin:<id>` for the admin logged in now, or null. */
    public static function adminSubject()
    {
        $adminId = isset($_SESSION['adminid']) ? (int) $_SESSION['adminid'] : 0;
        return $adminId > 0 ? TokenSigner::adminSubject($adminId) : null;
    }

    /**
     * `client:<id>` (or `client:<id>:contact:<id>`) for the client logged in
     * now, or null. An admin browsing the client area as the client
     * ("Login as Owner") gets nothing: what staff do belongs in the admin
     * area, where it is audited as theirs. Since WHMCS 8 the person logged
     * in is a user who may manage the account without owning it; such users
     * get the client's vault only when the installer allows it.
     */
    public function clientSubject()
    {
        if (class_exists('\WHMCS\Authentication\CurrentUser')) {
            $current = new \WHMCS\Authentication\CurrentUser();
            if ($current->isMasqueradingAdmin()) {
                return null;
            }
            $client = $current->client();
            $user = $current->user();
            if (!$client || !$user) {
                return null;
            }
            if (!$this->enabled('invitedusers') && method_exists($client, 'owner')) {
                $owner = $client->owner();
                if (!$owner || (int) $owner->id !== (int) $user->id) {
                    return null;
                }
            }
            return TokenSigner::clientSubject((int) $client->id);
        }
        // WHMCS 7: the session names the client, and a logged-in contact (sub-account).
        if (!empty($_SESSION['adminid']) || empty($_SESSION['uid'])) {
            return null;
        }
        return TokenSigner::clientSubject((int) $_SESSION['uid'], empty($_SESSION['cid']) ? null : (int) $_SESSION['cid']);
    }

    /**
     * Asks Latchkey to queue due reminders and send its outbox:
     * POST {url}/api/cron/reminders with a `system` token. Returns Latchkey's
     * JSON answer, or throws with a message that never carries the token.
     */
    public function runReminders()
    {
        if (!$this->configured()) {
            throw new \RuntimeException('Latchkey is not configured (URL, shared secret, issuer, audience).');
        }
        $token = $this->signer()->sign('system', array('job' => 'reminders'));
        $response = self::post($this->baseUrl() . '/api/cron/reminders', $token);
        $body = json_decode($response['body'], true);
        if ($response['status'] !== 200 || !is_array($body)) {
            $message = is_array($body) && isset($body['message']) ? (string) $body['message'] : 'no JSON answer';
            throw new \RuntimeException('Latchkey answered HTTP ' . $response['status'] . ': ' . substr($message, 0, 200));
        }
        return $body;
    }

    /** What Latchkey's endpoint calls each module command that succeeded. */
    const SERVICE_EVENTS = array(
        'AfterModuleCreate' => 'created',
        'AfterModuleSuspend' => 'suspended',
        'AfterModuleUnsuspend' => 'unsuspended',
        'AfterModuleTerminate' => 'terminated',
    );

    /**
     * Tells Latchkey that a module command succeeded on a service:
     * POST {url}/api/host-events/service with a `system` token for the job
     * `service-events`, naming the service, the event and, when an admin ran
     * the command, the admin. A short timeout: the hook runs inside WHMCS's
     * own action. Returns Latchkey's JSON answer, or throws with a message
     * that never carries the token.
     *
     * @param int         $serviceId tblhosting.id
     * @param string      $event     created, suspended, unsuspended or terminated
     * @param int|null    $adminId   the admin who ran the command, if one did
     */
    public function reportServiceEvent($serviceId, $event, $adminId = null)
    {
        if (!$this->configured()) {
            throw new \RuntimeException('Latchkey is not configured (URL, shared secret, issuer, audience).');
        }
        if (!in_array($event, self::SERVICE_EVENTS, true) || (int) $serviceId <= 0) {
            throw new \InvalidArgumentException('Unknown service event or service.');
        }
        $fields = array('serviceId' => (string) (int) $serviceId, 'event' => $event);
        if ($adminId !== null && (int) $adminId > 0) {
            $fields['adminId'] = (string) (int) $adminId;
        }
        $token = $this->signer()->sign('system', array('job' => 'service-events'));
        $response = self::post($this->baseUrl() . '/api/host-events/service', $token, $fields, 10);
        $body = json_decode($response['body'], true);
        if ($response['status'] !== 200 || !is_array($body)) {
            $message = is_array($body) && isset($body['message']) ? (string) $body['message'] : 'no JSON answer';
            throw new \RuntimeException('Latchkey answered HTTP ' . $response['status'] . ': ' . substr($message, 0, 200));
        }
        return $body;
    }

    /** A string from lang/<language>.php, in the language of whoever is looking. */
    public function lang($key, $fallback = '')
    {
        $strings = self::strings(self::whmcsLanguage());
        return isset($strings[$key]) ? $strings[$key] : $fallback;
    }

    /** @return array<string, string> the module's strings in one WHMCS language, English where missing */
    public static function strings($language)
    {
        static $loaded = array();
        $language = preg_replace('/[^a-z]/', '', strtolower((string) $language));
        if (!isset($loaded[$language])) {
            $english = self::readLanguageFile('english');
            $loaded[$language] = $language === 'english' ? $english : array_merge($english, self::readLanguageFile($language));
        }
        return $loaded[$language];
    }

    public static function escape($value)
    {
        return htmlspecialchars((string) $value, ENT_QUOTES | ENT_SUBSTITUTE, 'UTF-8');
    }

    /** 'fr' for 'french'; null for a language Latchkey does not speak (it then picks one itself). */
    public static function languageCode($whmcsLanguage)
    {
        $name = strtolower(trim((string) $whmcsLanguage));
        $codes = self::LANGUAGES;
        return array_key_exists($name, $codes) ? $codes[$name] : null;
    }

    /** The WHMCS language of whoever is looking: the admin in the admin area, else the client. */
    private static function whmcsLanguage()
    {
        $language = defined('ADMINAREA') && !empty($_SESSION['adminid']) ? self::adminLanguage() : self::clientLanguage();
        return $language === null ? self::systemLanguage() : $language;
    }

    /** The admin's own language (tbladmins.language), or null to let Latchkey use the directory's. */
    private static function adminLanguage()
    {
        $adminId = isset($_SESSION['adminid']) ? (int) $_SESSION['adminid'] : 0;
        if ($adminId > 0 && class_exists('\WHMCS\Database\Capsule')) {
            try {
                $language = \WHMCS\Database\Capsule::table('tbladmins')->where('id', $adminId)->value('language');
                if ($language) {
                    return (string) $language;
                }
            } catch (\Exception $e) {
                // Unknown: Latchkey falls back to the admin's language in its directory.
            }
        }
        return null;
    }

    /**
     * The language the client chose in the client area's switcher, or null:
     * Latchkey then uses the client's own language from its directory.
     */
    private static function clientLanguage()
    {
        return empty($_SESSION['Language']) ? null : (string) $_SESSION['Language'];
    }

    /** WHMCS's default language (General Settings → Localisation), for the module's own strings. */
    private static function systemLanguage()
    {
        if (class_exists('\WHMCS\Config\Setting')) {
            try {
                $language = \WHMCS\Config\Setting::getValue('Language');
                if ($language) {
                    return (string) $language;
                }
            } catch (\Exception $e) {
                // Fall through to English.
            }
        }
        return 'english';
    }

    private static function readLanguageFile($language)
    {
        $file = dirname(__DIR__) . '/lang/' . $language . '.php';
        if ($language === '' || !is_file($file)) {
            return array();
        }
        $_ADDONLANG = array();
        include $file;
        return is_array($_ADDONLANG) ? $_ADDONLANG : array();
    }

    /**
     * @param array<string, string> $fields the form's fields (the token goes in the header)
     * @param int                   $timeout seconds for the whole request
     * @return array{status: int, body: string}
     */
    private static function post($url, $token, array $fields = array(), $timeout = 120)
    {
        $content = http_build_query($fields, '', '&', PHP_QUERY_RFC3986);
        $headers = array(
            'Authorization: Bearer ' . $token,
            'Accept: application/json',
            'Content-Type: application/x-www-form-urlencoded',
            'User-Agent: Latchkey-WHMCS',
        );
        if (function_exists('curl_init')) {
            $curl = curl_init($url);
            curl_setopt_array($curl, array(
                CURLOPT_POST => true,
                CURLOPT_POSTFIELDS => $content,
                CURLOPT_HTTPHEADER => $headers,
                CURLOPT_RETURNTRANSFER => true,
                CURLOPT_CONNECTTIMEOUT => min(10, $timeout),
                CURLOPT_TIMEOUT => $timeout,
                CURLOPT_FOLLOWLOCATION => false,
            ));
            $body = curl_exec($curl);
            $status = (int) curl_getinfo($curl, CURLINFO_RESPONSE_CODE);
            $error = curl_error($curl);
            curl_close($curl);
            if ($body === false) {
                throw new \RuntimeException('Cannot reach Latchkey: ' . $error);
            }
            return array('status' => $status, 'body' => (string) $body);
        }
        $context = stream_context_create(array('http' => array(
            'method' => 'POST',
            'header' => implode("\r\n", $headers),
            'content' => $content,
            'timeout' => $timeout,
            'ignore_errors' => true,
            'follow_location' => 0,
        )));
        $body = @file_get_contents($url, false, $context);
        if ($body === false) {
            throw new \RuntimeException('Cannot reach Latchkey.');
        }
        $status = 0;
        // $http_response_header is set by file_get_contents in this scope.
        if (isset($http_response_header[0]) && preg_match('#^HTTP/\S+\s+(\d{3})#', $http_response_header[0], $match)) {
            $status = (int) $match[1];
        }
        return array('status' => $status, 'body' => (string) $body);
    }
}
