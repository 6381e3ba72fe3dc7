/** Schema pieces shared by several routes. */
import { Type, type TSchema } from '@fastify/type-provider-typebox';

export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

/** A querystring that accepts no parameters at all (unknown ones are refused with 400). */
export const NoQuery = Type.Object({}, { additionalProperties: false });
