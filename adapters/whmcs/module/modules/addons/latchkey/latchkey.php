<?php
/**
 * Latchkey for WHMCS: the addon module.
 *
 * Latchkey itself runs elsewhere (Node.js) and keeps the access details; this
 * module only signs a short-lived token for the admin or client looking at
 * WHMCS and frames Latchkey's pages:
 *
 *   Addons → Latchkey            the addon's admin pages (_output)
 *   index.php?m=latchkey         the client area page (_clientarea)
 *   hooks.php                    client summary, contact page, ticket, navbar entry, daily cron, service lifecycle
 *
 * Developer documentation followed: https://developers.whmcs.com/addon-modules/
 */

if (!defined('WHMCS')) {
    exit('This file cannot be accessed directly');
}

require_once __DIR__ . '/lib/Bridge.php';

use Latchkey\Whmcs\Bridge;

function latchkey_config()
{
    return array(
        'name' => 'Latchkey',
        'description' => 'Encrypted access details (passwords) for your clients and staff, in the client summary, '
            . 'the ticket view and the client area. Latchkey runs on its own server; this module connects WHMCS to it.',
        'version' => '1.0.0',
        'author' => 'Latchkey',
        'language' => 'english',
        'fields' => array(
            'url' => array(
                'FriendlyName' => 'Latchkey URL',
                'Type' => 'text',
                'Size' => '60',
                'Description' => 'Where Latchkey is mounted, over https, e.g. https://vault.example.com/latchkey',
            ),
            'secret' => array(
                'FriendlyName' => 'Shared secret',
                'Type' => 'password',
                'Size' => '60',
                'Description' => 'At least 32 characters; the same value as Latchkey\'s embed secret (LATCHKEY_EMBED_SECRET)',
            ),
            'issuer' => array(
                'FriendlyName' => 'Issuer',
                'Type' => 'text',
                'Size' => '40',
                'Default' => 'whmcs',
                'Description' => 'Names this WHMCS in its tokens; the same value as LATCHKEY_EMBED_ISSUER',
            ),
            'audience' => array(
                'FriendlyName' => 'Audience',
                'Type' => 'text',
                'Size' => '40',
                'Default' => 'latchkey',
                'Description' => 'Names the Latchkey installation; the same value as LATCHKEY_EMBED_AUDIENCE',
            ),
            'lifetime' => array(
                'FriendlyName' => 'Token lifetime',
                'Type' => 'dropdown',
                'Options' => '60,120,300',
                'Default' => '120',
                'Description' => 'Seconds a page has to open Latchkey after WHMCS renders it (each token works once)',
            ),
            'ticketplacement' => array(
                'FriendlyName' => 'Ticket panel',
                'Type' => 'dropdown',
                'Options' => 'sidebar,page,both',
                'Default' => 'sidebar',
                'Description' => 'Where the panel appears when staff view a ticket',
            ),
            'panelheight' => array(
                'FriendlyName' => 'Panel height',
                'Type' => 'text',
                'Size' => '6',
                'Default' => '480',
                'Description' => 'Pixels, for the client summary and ticket panels',
            ),
            'pageheight' => array(
                'FriendlyName' => 'Page height',
                'Type' => 'text',
                'Size' => '6',
                'Default' => '900',
                'Description' => 'Pixels, for the addon pages and the client area page',
            ),
            'navbar' => array(
                'FriendlyName' => 'Client area menu',
                'Type' => 'yesno',
                'Default' => 'yes',
                'Description' => 'Show an entry for the client area page in the client area\'s top menu',
            ),
            'invitedusers' => array(
                'FriendlyName' => 'Invited users',
                'Type' => 'yesno',
                'Description' => 'Let users who manage a client account without owning it open that account\'s access details',
            ),
            'cron' => array(
                'FriendlyName' => 'Daily reminders',
                'Type' => 'yesno',
                'Default' => 'yes',
                'Description' => 'Ask Latchkey to send rotation reminders when the WHMCS daily cron runs',
            ),
            'serviceevents' => array(
                'FriendlyName' => 'Service lifecycle',
                'Type' => 'yesno',
                'Default' => 'yes',
                'Description' => 'Tell Latchkey when a service is created, suspended, unsuspended or terminated (audit trail; rotation reminders when a service ends)',
            ),
        ),
    );
}

function latchkey_activate()
{
    $missing = latchkey_missing_requirements();
    if ($missing) {
        return array(
            'status' => 'error',
            'description' => sprintf(latchkey_admin_string('requirementsMissing'), implode(', ', $missing)),
        );
    }
    // Latchkey keeps its data in its own database: nothing to create here.
    return array('status' => 'success', 'description' => latchkey_admin_string('activated'));
}

function latchkey_deactivate()
{
    // Nothing was created in WHMCS's database; the access details stay in Latchkey.
    return array('status' => 'success', 'description' => latchkey_admin_string('deactivated'));
}

function latchkey_upgrade($vars)
{
    // Called once after the files are replaced by a newer version (the
    // version in latchkey_config changed). 1.0.0 is the first version, so
    // there is nothing to migrate yet; later versions compare
    // version_compare($vars['version'], 'x.y.z', '<') here.
    $from = isset($vars['version']) ? (string) $vars['version'] : '';
    return array('status' => 'success', 'description' => sprintf(latchkey_admin_string('upgraded'), $from));
}

/**
 * Addons → Latchkey: Latchkey's own admin pages (dashboard, entries,
 * categories, settings, audit log) framed for the admin logged in now.
 * WHMCS shows this only to admin roles given access to the module under
 * System Settings → Addon Modules → Access Control.
 */
function latchkey_output($vars)
{
    $lang = isset($vars['_lang']) && is_array($vars['_lang']) ? $vars['_lang'] : Bridge::strings('english');
    $text = function ($key) use ($lang) {
        return Bridge::escape(isset($lang[$key]) ? $lang[$key] : $key);
    };
    $bridge = new Bridge(latchkey_settings_from($vars));
    if (!$bridge->configured()) {
        echo '<div class="alert alert-warning">' . $text('notConfigured') . '</div>';
        return;
    }

    $modulelink = isset($vars['modulelink']) ? (string) $vars['modulelink'] : 'addonmodules.php?module=latchkey';
    $posted = isset($_SERVER['REQUEST_METHOD']) && $_SERVER['REQUEST_METHOD'] === 'POST';
    if ($posted && isset($_POST['latchkey_action']) && $_POST['latchkey_action'] === 'reminders') {
        if (function_exists('check_token')) {
            check_token('WHMCS.admin.default');
        }
        try {
            $result = $bridge->runReminders();
            echo '<div class="alert alert-success">' . Bridge::escape(sprintf(
                isset($lang['remindersResult']) ? $lang['remindersResult'] : '%d %d %d %d',
                isset($result['queued']) ? $result['queued'] : 0,
                isset($result['sent']) ? $result['sent'] : 0,
                isset($result['failed']) ? $result['failed'] : 0,
                isset($result['dropped']) ? $result['dropped'] : 0
            )) . '</div>';
        } catch (\Exception $e) {
            echo '<div class="alert alert-danger">' . Bridge::escape(sprintf(
                isset($lang['remindersFailed']) ? $lang['remindersFailed'] : '%s',
                $e->getMessage()
            )) . '</div>';
        }
    }

    $page = isset($_GET['view']) && in_array($_GET['view'], Bridge::ADMIN_PAGES, true) ? $_GET['view'] : null;
    $frame = $bridge->adminFrame('adminPages', $page === null ? array() : array('page' => $page), $bridge->setting('pageheight', '900'));
    if ($frame === '') {
        echo '<div class="alert alert-warning">' . $text('notAvailable') . '</div>';
        return;
    }
    echo $frame;

    $token = function_exists('generate_token') ? generate_token('form') : '';
    echo '<form method="post" action="' . Bridge::escape($modulelink) . '" style="margin-top:12px">'
        . $token
        . '<input type="hidden" name="latchkey_action" value="reminders">'
        . '<button type="submit" class="btn btn-default btn-sm">' . $text('runReminders') . '</button> '
        . '<span class="text-muted">' . $text('runRemindersHelp') . '</span>'
        . '</form>';
}

/** index.php?m=latchkey: the client's access details, framed. */
function latchkey_clientarea($vars)
{
    $lang = isset($vars['_lang']) && is_array($vars['_lang']) ? $vars['_lang'] : Bridge::strings('english');
    $title = isset($lang['clientAreaTitle']) ? $lang['clientAreaTitle'] : 'Access details';
    $bridge = new Bridge(latchkey_settings_from($vars));
    $frame = $bridge->configured() ? $bridge->clientFrame() : '';
    return array(
        'pagetitle' => $title,
        'breadcrumb' => array('index.php?m=latchkey' => $title),
        'templatefile' => 'clientarea',
        'requirelogin' => true,
        'forcessl' => false,
        'vars' => array(
            'latchkeyTitle' => $title,
            // Built by Bridge::frame(): every attribute value went through htmlspecialchars.
            'latchkeyFrame' => $frame,
            'latchkeyUnavailable' => isset($lang['notAvailable']) ? $lang['notAvailable'] : '',
        ),
    );
}

/**
 * The module's settings as WHMCS hands them to _output and _clientarea
 * (clear values), falling back to the saved ones.
 */
function latchkey_settings_from($vars)
{
    $settings = Bridge::savedSettings();
    $fields = latchkey_config();
    foreach (array_keys($fields['fields']) as $name) {
        if (isset($vars[$name]) && is_scalar($vars[$name])) {
            $settings[$name] = (string) $vars[$name];
        }
    }
    return $settings;
}

function latchkey_missing_requirements()
{
    $missing = array();
    if (version_compare(PHP_VERSION, '7.4.0', '<')) {
        $missing[] = 'PHP 7.4';
    }
    foreach (array('hash_hmac', 'random_bytes', 'json_encode') as $function) {
        if (!function_exists($function)) {
            $missing[] = $function . '()';
        }
    }
    if (!in_array('sha256', hash_hmac_algos(), true)) {
        $missing[] = 'HMAC-SHA256';
    }
    return $missing;
}

function latchkey_admin_string($key)
{
    $strings = Bridge::strings(isset($_SESSION['adminlang']) ? $_SESSION['adminlang'] : 'english');
    return isset($strings[$key]) ? $strings[$key] : $key;
}
