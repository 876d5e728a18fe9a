/**
 * Imported first by each page's entry. zod (shared/api's schemas reach the pages through their
 * constants) probes whether it may compile parsers with `Function('')`; under the pages' CSP
 * (script-src 'self', no 'unsafe-eval') that probe is a CSP violation on every viewer open. Told
 * up front that eval is off, it never tries.
 */
import { config } from 'zod';

config({ jitless: true });
