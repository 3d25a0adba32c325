<?php
/**
 * Latchkey for WHMCS: signs the short-lived embed tokens Latchkey accepts.
 *
 * Plain PHP (7.4 and later), no Composer: HS256 is HMAC-SHA256 over
 * "base64url(header).base64url(payload)". The token names one user (`sub`)
 * and one place (`ctx`), lives at most 300 seconds, and carries a random
 * `jti` that Latchkey accepts once. See docs/embedding.md in Latchkey.
 */

namespace Latchkey\Whmcs;

if (!defined('WHMCS')) {
    exit('This file cannot be accessed directly');
}

final class TokenSigner
{
    /** Latchkey refuses tokens whose `exp - iat` is larger than this. */
    const MAX_LIFETIME = 300;

    /** Latchkey refuses a shared secret shorter than this. */
    const MIN_SECRET_LENGTH = 32;

    /** @var string */
    private $secret;

    /** @var string */
    private $issuer;

    /** @var string */
    private $audience;

    /** @var int */
    private $lifetime;

    /**
     * @param string $secret   the shared secret, also configured in Latchkey (`embed.secret`)
     * @param string $issuer   `iss`, equal to Latchkey's `embed.issuer`
     * @param string $audience `aud`, equal to Latchkey's `embed.audience`
     * @param int    $lifetime seconds the token stays valid (1 to 300)
     */
    public function __construct($secret, $issuer, $audience, $lifetime = 120)
    {
        $secret = (string) $secret;
        if (strlen($secret) < self::MIN_SECRET_LENGTH) {
            throw new \InvalidArgumentException('The shared secret must be at least ' . self::MIN_SECRET_LENGTH . ' characters long.');
        }
        $issuer = trim((string) $issuer);
        $audience = trim((string) $audience);
        if ($issuer === '' || $audience === '') {
            throw new \InvalidArgumentException('The issuer and the audience must not be empty.');
        }
        $lifetime = (int) $lifetime;
        if ($lifetime < 1 || $lifetime > self::MAX_LIFETIME) {
            throw new \InvalidArgumentException('The token lifetime must be between 1 and ' . self::MAX_LIFETIME . ' seconds.');
        }
        $this->secret = $secret;
        $this->issuer = $issuer;
        $this->audience = $audience;
        $this->lifetime = $lifetime;
    }

    /** `admin:<id>`: a member of staff, by WHMCS admin id (tbladmins.id). */
    public static function adminSubject($adminId)
    {
        return 'admin:' . self::id($adminId, 'admin id');
    }

    /** `client:<id>` or `client:<id>:contact:<id>`: a client account, or one of its contacts. */
    public static function clientSubject($clientId, $contactId = null)
    {
        $subject = 'client:' . self::id($clientId, 'client id');
        if ($contactId !== null && (string) $contactId !== '' && (string) $contactId !== '0') {
            $subject .= ':contact:' . self::id($contactId, 'contact id');
        }
        return $subject;
    }

    /**
     * Signs a token for one subject and one context.
     *
     * @param string   $subject admin:<id>, client:<id>, client:<id>:contact:<id>, or system (cron)
     * @param array    $context the `ctx` claim, e.g. ['place' => 'clientSummary', 'clientId' => '12']
     * @param int|null $now     Unix time to sign at (tests); the current time by default
     * @return string the compact JWS
     */
    public function sign($subject, array $context, $now = null)
    {
        $subject = (string) $subject;
        if (!preg_match('/^(admin:[A-Za-z0-9_.:@-]{1,64}|client:[A-Za-z0-9_.@-]{1,64}(:contact:[A-Za-z0-9_.@-]{1,64})?|system)$/', $subject)) {
            throw new \InvalidArgumentException('The subject must be admin:<id>, client:<id>[:contact:<id>] or system.');
        }
        $issuedAt = $now === null ? time() : (int) $now;
        $claims = array(
            'iss' => $this->issuer,
            'aud' => $this->audience,
            'sub' => $subject,
            'iat' => $issuedAt,
            'exp' => $issuedAt + $this->lifetime,
            // 32 hex characters from the CSPRNG: Latchkey wants 16 to 128 and accepts each once.
            'jti' => bin2hex(random_bytes(16)),
            'ctx' => self::context($context),
        );
        $header = array('alg' => 'HS256', 'typ' => 'JWT');
        $signingInput = self::base64url(self::json($header)) . '.' . self::base64url(self::json($claims));
        $signature = hash_hmac('sha256', $signingInput, $this->secret, true);
        return $signingInput . '.' . self::base64url($signature);
    }

    /** RFC 7515 base64url: the URL-safe alphabet, without padding. */
    public static function base64url($bytes)
    {
        return rtrim(strtr(base64_encode($bytes), '+/', '-_'), '=');
    }

    /**
     * Latchkey checks `ctx` strictly: known keys only, ids as strings. Empty
     * values are left out rather than sent as "" or null.
     */
    private static function context(array $context)
    {
        $clean = array();
        foreach ($context as $key => $value) {
            if ($value === null || $value === '' || $value === false) {
                continue;
            }
            if (!is_scalar($value)) {
                throw new \InvalidArgumentException('Context values must be strings or numbers.');
            }
            $clean[(string) $key] = (string) $value;
        }
        // An empty array would encode as [] rather than {}.
        return (object) $clean;
    }

    private static function json($value)
    {
        $json = json_encode($value, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE);
        if ($json === false) {
            throw new \InvalidArgumentException('The token could not be encoded as JSON.');
        }
        return $json;
    }

    private static function id($value, $what)
    {
        $value = (string) $value;
        if (!preg_match('/^[A-Za-z0-9_.@-]{1,64}$/', $value)) {
            throw new \InvalidArgumentException('Invalid ' . $what . '.');
        }
        return $value;
    }
}
