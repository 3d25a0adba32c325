<?php
/**
 * Latchkey for WHMCS: the hooks. WHMCS loads this file on every page while
 * the module is active (https://developers.whmcs.com/addon-modules/hooks/).
 *
 * Each panel is an <iframe> onto Latchkey, opened with a token signed for the
 * admin or client looking at the page and for what the page is about; the
 * token lives a couple of minutes and works once. A hook that cannot sign
 * (module not configured, nobody logged in) returns nothing, so WHMCS shows
 * its page without the panel.
 */

if (!defined('WHMCS')) {
    exit('This file cannot be accessed directly');
}

require_once __DIR__ . '/lib/Bridge.php';

use Latchkey\Whmcs\Bridge;

if (!function_exists('latchkey_ticket_panel')) {
    /** The ticket panel, when the configured placement is one of $placements. */
    function latchkey_ticket_panel($vars, array $placements)
    {
        $bridge = Bridge::fromWhmcs();
        $ticketId = isset($vars['ticketid']) ? (int) $vars['ticketid'] : 0;
        if (!$bridge || $ticketId <= 0 || !in_array($bridge->setting('ticketplacement', 'sidebar'), $placements, true)) {
            return '';
        }
        // A ticket from a guest (no client account) has no access details to show.
        if (class_exists('\\WHMCS\\Database\\Capsule')) {
            try {
                $clientId = \WHMCS\Database\Capsule::table('tbltickets')->where('id', $ticketId)->value('userid');
                if ($clientId !== null && (int) $clientId === 0) {
                    return '';
                }
            } catch (\Exception $e) {
                // Let Latchkey decide.
            }
        }
        return $bridge->adminFrame('ticketSidebar', array('ticketId' => $ticketId));
    }
}

if (!function_exists('latchkey_service_event')) {
    /**
     * Tells Latchkey that a module command succeeded on a service. It must
     * never break WHMCS's own action (the service is already created,
     * suspended... by then): any failure goes to the activity log and the
     * hook returns normally. Only the service's id leaves WHMCS, never the
     * module parameters (which carry the service's password).
     */
    function latchkey_service_event($vars, $event)
    {
        $bridge = null;
        $serviceId = 0;
        try {
            $bridge = Bridge::fromWhmcs();
            if (!$bridge || !$bridge->enabled('serviceevents', true) || !$bridge->configured()) {
                return;
            }
            $params = isset($vars['params']) && is_array($vars['params']) ? $vars['params'] : array();
            $serviceId = isset($params['serviceid']) ? (int) $params['serviceid'] : 0;
            if ($serviceId <= 0) {
                return;
            }
            // An admin who ran the command from the admin area; none when WHMCS's automation did.
            $adminId = defined('ADMINAREA') && !empty($_SESSION['adminid']) ? (int) $_SESSION['adminid'] : null;
            $bridge->reportServiceEvent($serviceId, $event, $adminId);
        } catch (\Throwable $e) {
            if (function_exists('logActivity')) {
                $format = $bridge ? $bridge->lang('serviceEventFailed', 'Latchkey could not be told of service #%d (%s): %s') : 'Latchkey could not be told of service #%d (%s): %s';
                logActivity('Latchkey: ' . sprintf($format, $serviceId, $event, substr($e->getMessage(), 0, 300)));
            }
        }
    }
}

/** Admin area → Clients → a client's Summary tab: that client's access details. */
add_hook('AdminAreaClientSummaryPage', 1, function ($vars) {
    $bridge = Bridge::fromWhmcs();
    $clientId = isset($vars['userid']) ? (int) $vars['userid'] : 0;
    if (!$bridge || $clientId <= 0) {
        return '';
    }
    return $bridge->adminFrame('clientSummary', array('clientId' => $clientId));
});

/**
 * Admin area → Clients → a client's Contacts tab with one contact open
 * (clientscontacts.php?userid=…&contactid=…): the access details linked to
 * that contact. WHMCS gives the Contacts tab no output hook of its own, so the
 * panel comes through AdminAreaFooterOutput, which runs on every admin page
 * and prints at the end of it; on any other page, or with no contact chosen
 * (the "Add New" form), it returns nothing.
 */
add_hook('AdminAreaFooterOutput', 1, function ($vars) {
    $page = isset($vars['filename']) ? (string) $vars['filename'] : '';
    $contactId = isset($_GET['contactid']) && is_scalar($_GET['contactid']) ? (int) $_GET['contactid'] : 0;
    if ($page !== 'clientscontacts' || $contactId <= 0) {
        return '';
    }
    $bridge = Bridge::fromWhmcs();
    if (!$bridge) {
        return '';
    }
    return $bridge->adminFrame('contactPanel', array('contactId' => $contactId));
});

/**
 * Admin area → Support → a ticket: the access details of the ticket's client,
 * in the sidebar (the default), under the ticket, or both.
 */
add_hook('AdminAreaViewTicketPageSidebar', 1, function ($vars) {
    return latchkey_ticket_panel($vars, array('sidebar', 'both'));
});

add_hook('AdminAreaViewTicketPage', 1, function ($vars) {
    return latchkey_ticket_panel($vars, array('page', 'both'));
});

/** Client area: a top-menu entry for index.php?m=latchkey, for clients who may open it. */
add_hook('ClientAreaPrimaryNavbar', 1, function ($primaryNavbar) {
    $bridge = Bridge::fromWhmcs();
    if (!$bridge || !$bridge->enabled('navbar', true) || !$bridge->configured() || !is_object($primaryNavbar)) {
        return;
    }
    if ($bridge->clientSubject() === null || !is_null($primaryNavbar->getChild('latchkey'))) {
        return;
    }
    $primaryNavbar->addChild('latchkey', array(
        'label' => $bridge->lang('navbarLabel', 'Access details'),
        'uri' => 'index.php?m=latchkey',
        'order' => 75,
        'icon' => 'fa-key',
    ));
});

/**
 * The daily automation run: Latchkey queues the rotation reminders that are
 * due and sends its mail outbox. Latchkey answers POST {url}/api/cron/reminders
 * for a token signed for `system`; the outcome goes to the activity log.
 */
add_hook('DailyCronJob', 1, function ($vars) {
    $bridge = Bridge::fromWhmcs();
    if (!$bridge || !$bridge->enabled('cron', true) || !$bridge->configured()) {
        return;
    }
    try {
        $result = $bridge->runReminders();
        $message = sprintf(
            $bridge->lang('remindersResult', 'Latchkey reminders: %d queued; mail sent: %d, failed: %d, dropped: %d'),
            isset($result['queued']) ? $result['queued'] : 0,
            isset($result['sent']) ? $result['sent'] : 0,
            isset($result['failed']) ? $result['failed'] : 0,
            isset($result['dropped']) ? $result['dropped'] : 0
        );
    } catch (\Exception $e) {
        $message = sprintf($bridge->lang('remindersFailed', 'Latchkey reminders failed: %s'), $e->getMessage());
    }
    if (function_exists('logActivity')) {
        logActivity('Latchkey: ' . $message);
    }
});

/**
 * A service's life (https://developers.whmcs.com/hooks-reference/module/):
 * after a module command succeeds, Latchkey records it in its audit trail,
 * and when a service is terminated asks the admins who run the addon to
 * rotate the access details staff kept for it.
 */
foreach (Bridge::SERVICE_EVENTS as $latchkeyHook => $latchkeyEvent) {
    add_hook($latchkeyHook, 1, function ($vars) use ($latchkeyEvent) {
        latchkey_service_event($vars, $latchkeyEvent);
    });
}
