import { Type } from '@fastify/type-provider-typebox';

/** The page takes the same filter as /v1/stream, so that filtered views can be bookmarked. */
export const PageQuery = Type.Object(
  {
    cluster: Type.Optional(Type.Array(Type.Integer({ minimum: 0 }))),
    lang: Type.Optional(Type.Array(Type.String({ maxLength: 64 }))),
  },
  { additionalProperties: false },
);

export const AssetParams = Type.Object({ file: Type.String({ pattern: '^[a-z0-9][a-z0-9.-]*$' }) });

export const pageRoute = { hide: true, querystring: PageQuery };
export const assetRoute = { hide: true, params: AssetParams };
export const faviconRoute = { hide: true };
