/** Hono context variables set by our middleware. */
export type AppEnv = {
  Variables: {
    requestId: string;
    /** Who is calling: an API token id (`token:<8 hex>`) or `node:<id>`. */
    actor: string;
  };
};
