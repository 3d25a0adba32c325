<?php
/**
 * Latchkey for WHMCS: the module's own strings (Italian).
 * WHMCS loads lang/<admin language>.php for the addon pages; the hooks
 * pick the file by the language of whoever is looking.
 */

if (!defined('WHMCS')) {
    exit('This file cannot be accessed directly');
}

$_ADDONLANG['navbarLabel'] = 'Accessi';
$_ADDONLANG['clientAreaTitle'] = 'Dati di accesso';
$_ADDONLANG['frameTitle'] = 'Dati di accesso Latchkey';
$_ADDONLANG['notConfigured'] = 'Latchkey non è ancora configurato. Imposta URL, segreto condiviso, emittente e destinatario in Impostazioni di sistema → Moduli aggiuntivi → Latchkey → Configura.';
$_ADDONLANG['notAvailable'] = 'I dati di accesso non sono disponibili al momento.';
$_ADDONLANG['runReminders'] = 'Invia ora i promemoria scaduti';
$_ADDONLANG['runRemindersHelp'] = 'Il cron giornaliero di WHMCS lo fa una volta al giorno quando «Promemoria giornalieri» è selezionato.';
$_ADDONLANG['remindersResult'] = 'Promemoria in coda: %d. Email inviate: %d, non riuscite (ritentate più tardi): %d, scartate: %d.';
$_ADDONLANG['remindersFailed'] = 'L\'invio dei promemoria non è riuscito: %s';
$_ADDONLANG['activated'] = 'Latchkey è attivo. Ora configuralo (URL di Latchkey, segreto condiviso, emittente, destinatario) e scegli in Controllo accessi quali ruoli di amministratore possono aprire le sue pagine.';
$_ADDONLANG['deactivated'] = 'Latchkey è disattivato. I dati di accesso restano nel database di Latchkey.';
$_ADDONLANG['upgraded'] = 'Latchkey è stato aggiornato dalla versione %s.';
$_ADDONLANG['requirementsMissing'] = 'Latchkey richiede: %s.';
$_ADDONLANG['serviceEventFailed'] = 'Non è stato possibile informare Latchkey del servizio n. %d (%s): %s';
