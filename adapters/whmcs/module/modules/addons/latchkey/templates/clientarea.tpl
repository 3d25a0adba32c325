{* Latchkey for WHMCS: the client area page (index.php?m=latchkey). *}
{* $latchkeyFrame is built by Bridge::frame(), which escapes every attribute value. *}
<div class="latchkey-clientarea">
    {if $latchkeyFrame}
        {$latchkeyFrame}
    {else}
        <div class="alert alert-info">{$latchkeyUnavailable|escape:'html'}</div>
    {/if}
</div>
