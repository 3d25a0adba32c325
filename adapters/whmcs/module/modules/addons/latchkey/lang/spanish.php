<?php
/**
 * Latchkey for WHMCS: the module's own strings (Spanish).
 * WHMCS loads lang/<admin language>.php for the addon pages; the hooks
 * pick the file by the language of whoever is looking.
 */

if (!defined('WHMCS')) {
    exit('This file cannot be accessed directly');
}

$_ADDONLANG['navbarLabel'] = 'Accesos';
$_ADDONLANG['clientAreaTitle'] = 'Datos de acceso';
$_ADDONLANG['frameTitle'] = 'Datos de acceso de Latchkey';
$_ADDONLANG['notConfigured'] = 'Latchkey aún no está configurado. Indique su URL, el secreto compartido, el emisor y la audiencia en Configuración del sistema → Módulos adicionales → Latchkey → Configurar.';
$_ADDONLANG['notAvailable'] = 'Los datos de acceso no están disponibles en este momento.';
$_ADDONLANG['runReminders'] = 'Enviar ahora los recordatorios pendientes';
$_ADDONLANG['runRemindersHelp'] = 'El cron diario de WHMCS lo hace una vez al día cuando «Recordatorios diarios» está marcado.';
$_ADDONLANG['remindersResult'] = 'Recordatorios en cola: %d. Correos enviados: %d, fallidos (se reintentarán): %d, descartados: %d.';
$_ADDONLANG['remindersFailed'] = 'El envío de recordatorios ha fallado: %s';
$_ADDONLANG['activated'] = 'Latchkey está activado. Configúrelo ahora (URL de Latchkey, secreto compartido, emisor, audiencia) y elija en Control de acceso qué roles de administrador pueden abrir sus páginas.';
$_ADDONLANG['deactivated'] = 'Latchkey está desactivado. Los datos de acceso permanecen en la base de datos de Latchkey.';
$_ADDONLANG['upgraded'] = 'Latchkey se ha actualizado desde la versión %s.';
$_ADDONLANG['requirementsMissing'] = 'Latchkey necesita: %s.';
$_ADDONLANG['serviceEventFailed'] = 'No se pudo informar a Latchkey del servicio n.º %d (%s): %s';
