<?php
/**
 * Latchkey for WHMCS: the module's own strings (English).
 * WHMCS loads lang/<admin language>.php for the addon pages; the hooks
 * pick the file by the language of whoever is looking.
 */

if (!defined('WHMCS')) {
    exit('This file cannot be accessed directly');
}

$_ADDONLANG['navbarLabel'] = 'Access details';
$_ADDONLANG['clientAreaTitle'] = 'Access details';
$_ADDONLANG['frameTitle'] = 'Latchkey access details';
$_ADDONLANG['notConfigured'] = 'Latchkey is not configured yet. Set its URL, shared secret, issuer and audience under System Settings → Addon Modules → Latchkey → Configure.';
$_ADDONLANG['notAvailable'] = 'Access details are not available right now.';
$_ADDONLANG['runReminders'] = 'Send due reminders now';
$_ADDONLANG['runRemindersHelp'] = 'The WHMCS daily cron does this once a day when "Daily reminders" is ticked.';
$_ADDONLANG['remindersResult'] = 'Reminders queued: %d. Mail sent: %d, failed (kept for a retry): %d, dropped: %d.';
$_ADDONLANG['remindersFailed'] = 'The reminder run failed: %s';
$_ADDONLANG['activated'] = 'Latchkey is active. Now configure it (Latchkey URL, shared secret, issuer, audience) and choose which admin roles may open its pages under Access Control.';
$_ADDONLANG['deactivated'] = 'Latchkey is deactivated. The access details stay in Latchkey\'s own database.';
$_ADDONLANG['upgraded'] = 'Latchkey was upgraded from version %s.';
$_ADDONLANG['requirementsMissing'] = 'Latchkey needs: %s.';
$_ADDONLANG['serviceEventFailed'] = 'Latchkey could not be told of service #%d (%s): %s';
