// Entry of the pre-built script (`<script type="module" src=".../zklight/elements.js">`):
// defines <zklight-balance> and <zklight-status> on load; each element names its network
// with a `bootstrap` attribute, or the page calls setZklightClient.
import { defineZklightElements } from './index.ts'

export * from './index.ts'

defineZklightElements()
