/** Any RFC 9562 textual UUID: what Postgres' uuid type accepts (without braces). */
export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
