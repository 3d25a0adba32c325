<?php
/**
 * Latchkey for WHMCS: the module's own strings (French).
 * WHMCS loads lang/<admin language>.php for the addon pages; the hooks
 * pick the file by the language of whoever is looking.
 */

if (!defined('WHMCS')) {
    exit('This file cannot be accessed directly');
}

$_ADDONLANG['navbarLabel'] = 'Accès';
$_ADDONLANG['clientAreaTitle'] = 'Informations d\'accès';
$_ADDONLANG['frameTitle'] = 'Informations d\'accès Latchkey';
$_ADDONLANG['notConfigured'] = 'Latchkey n\'est pas encore configuré. Renseignez son URL, le secret partagé, l\'émetteur et l\'audience sous Paramètres système → Modules complémentaires → Latchkey → Configurer.';
$_ADDONLANG['notAvailable'] = 'Les informations d\'accès ne sont pas disponibles pour le moment.';
$_ADDONLANG['runReminders'] = 'Envoyer les rappels dus maintenant';
$_ADDONLANG['runRemindersHelp'] = 'La tâche cron quotidienne de WHMCS le fait une fois par jour lorsque « Rappels quotidiens » est coché.';
$_ADDONLANG['remindersResult'] = 'Rappels mis en file : %d. Courriels envoyés : %d, en échec (réessayés plus tard) : %d, abandonnés : %d.';
$_ADDONLANG['remindersFailed'] = 'L\'envoi des rappels a échoué : %s';
$_ADDONLANG['activated'] = 'Latchkey est activé. Configurez-le maintenant (URL de Latchkey, secret partagé, émetteur, audience) et choisissez sous Contrôle d\'accès quels rôles d\'administrateur peuvent ouvrir ses pages.';
$_ADDONLANG['deactivated'] = 'Latchkey est désactivé. Les informations d\'accès restent dans la base de données de Latchkey.';
$_ADDONLANG['upgraded'] = 'Latchkey a été mis à jour depuis la version %s.';
$_ADDONLANG['requirementsMissing'] = 'Latchkey a besoin de : %s.';
$_ADDONLANG['serviceEventFailed'] = 'Latchkey n’a pas pu être informé du service n°%d (%s) : %s';
