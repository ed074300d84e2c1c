import { z } from "zod";
import { FlaskHookSchema, HookProgramSchema, HookSchema, SwitchProgramSchema } from "../catalog/schema.js";

/**
 * What extract-catalogue.ts reads of the values the parse cache keeps (ParseCache.remember): an entry
 * of another shape was made by no xenpriv with this code, and is read again rather than trusted.
 */
const Strings = z.array(z.string());

/** The policy read from dummy.h and hooks.h: the hooks, dummy.h's default action, each function's domain parameters. */
export const KeptPolicySchema = z.object({
  hooks: z.object({
    hooks: z.array(HookSchema),
    bodies: z.record(z.string(), HookProgramSchema),
    nonHooks: z.array(
      z.object({
        name: z.string(),
        ref: z.string(),
        guards: Strings,
        params: Strings,
        fails: z.string().optional(),
      }),
    ),
    declared: z.array(z.unknown()),
    unresolved: z.array(z.unknown()),
  }),
  defaultAction: z.object({
    program: SwitchProgramSchema,
    actions: Strings,
    unresolved: z.array(z.unknown()),
  }),
  declared: z.array(z.tuple([z.string(), z.object({ domains: Strings, domids: Strings })])),
});

export const KeptFlaskHooksSchema = z.object({ flaskHooks: z.array(FlaskHookSchema) });

export const KeptConstantsSchema = z.object({
  constants: z.array(z.tuple([z.string(), z.object({ value: z.number(), ref: z.string() })])),
});
