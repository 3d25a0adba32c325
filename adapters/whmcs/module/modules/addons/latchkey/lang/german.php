<?php
/**
 * Latchkey for WHMCS: the module's own strings (German).
 * WHMCS loads lang/<admin language>.php for the addon pages; the hooks
 * pick the file by the language of whoever is looking.
 */

if (!defined('WHMCS')) {
    exit('This file cannot be accessed directly');
}

$_ADDONLANG['navbarLabel'] = 'Zugangsdaten';
$_ADDONLANG['clientAreaTitle'] = 'Zugangsdaten';
$_ADDONLANG['frameTitle'] = 'Latchkey-Zugangsdaten';
$_ADDONLANG['notConfigured'] = 'Latchkey ist noch nicht eingerichtet. Tragen Sie URL, gemeinsames Geheimnis, Aussteller und Zielgruppe unter Systemeinstellungen → Addon-Module → Latchkey → Konfigurieren ein.';
$_ADDONLANG['notAvailable'] = 'Die Zugangsdaten sind im Moment nicht verfügbar.';
$_ADDONLANG['runReminders'] = 'Fällige Erinnerungen jetzt senden';
$_ADDONLANG['runRemindersHelp'] = 'Der tägliche Cronjob von WHMCS erledigt das einmal am Tag, wenn „Tägliche Erinnerungen“ angehakt ist.';
$_ADDONLANG['remindersResult'] = 'Erinnerungen eingereiht: %d. E-Mails gesendet: %d, fehlgeschlagen (später erneut versucht): %d, verworfen: %d.';
$_ADDONLANG['remindersFailed'] = 'Der Erinnerungslauf ist fehlgeschlagen: %s';
$_ADDONLANG['activated'] = 'Latchkey ist aktiviert. Richten Sie es jetzt ein (Latchkey-URL, gemeinsames Geheimnis, Aussteller, Zielgruppe) und legen Sie unter Zugriffskontrolle fest, welche Administratorrollen seine Seiten öffnen dürfen.';
$_ADDONLANG['deactivated'] = 'Latchkey ist deaktiviert. Die Zugangsdaten bleiben in der eigenen Datenbank von Latchkey.';
$_ADDONLANG['upgraded'] = 'Latchkey wurde von Version %s aktualisiert.';
$_ADDONLANG['requirementsMissing'] = 'Latchkey benötigt: %s.';
$_ADDONLANG['serviceEventFailed'] = 'Latchkey konnte über Dienst #%d (%s) nicht informiert werden: %s';
