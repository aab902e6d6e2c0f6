/**
 * An admission webhook's refusal as the apiserver words it, read for the fields it names: Grove's
 * PodCliqueSet webhook answers with a field.ErrorList's text only, which controller-runtime sends as
 * 403 Forbidden, so without this a manifest's mistake reads as a missing permission.
 */

/** How the apiserver words a validating or mutating webhook's refusal (k8s.io/apiserver webhookerrors.ToStatusErr). */
const WEBHOOK_DENIAL = /^admission webhook "[^"]*" denied the request: ([\s\S]*)$/;

/** Whether a message is an admission webhook's refusal, as the apiserver words it. */
export function isWebhookDenial(message: string): boolean {
  return WEBHOOK_DENIAL.test(message);
}

/**
 * field.Error's words for its types (k8s.io/apimachinery/pkg/util/validation/field ErrorType.String),
 * which every `path: Type…` item starts with.
 */
const FIELD_ERROR_TYPES = ['Not found', 'Required value', 'Duplicate value', 'Invalid value', 'Unsupported value', 'Forbidden', 'Too long', 'Too many', 'Internal error'];
/** A field path as field.Path prints it (`spec.template.cliques[0].spec.roleName`, `metadata.annotations[grove.io/auto-mnnvl]`). */
const FIELD_PATH = '[A-Za-z_$][\\w$-]*(?:\\.[\\w$-]+|\\[[^\\]]*\\])*';
const TYPE = `(?:${FIELD_ERROR_TYPES.join('|')})\\b`;
/** One item: a field path, then `: Type…`. */
const FIELD_ITEM = new RegExp(`^(${FIELD_PATH}): (${TYPE}[\\s\\S]*)$`);
/** Where the next item of an aggregate starts: `, ` before a field path and its type. */
const ITEM_BOUNDARY = new RegExp(`, (?=${FIELD_PATH}: ${TYPE})`, 'g');

/**
 * The fields a webhook's denial names only in its message: a validator that returns a field.ErrorList's
 * aggregate (Grove's PodCliqueSet webhook) is denied with its text, `path: Type: detail` for one error,
 * `[path: Type: detail, path: Type…]` for several. Null when the message is not a webhook's denial or
 * any part of it is not such an item (its words then stay only in the message).
 */
export function webhookDenialCauses(message: string): { field: string; message: string }[] | null {
  const denial = WEBHOOK_DENIAL.exec(message);
  if (!denial) return null;
  const text = denial[1]!.trim();
  const list = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const causes: { field: string; message: string }[] = [];
  for (const item of list.split(ITEM_BOUNDARY)) {
    const m = FIELD_ITEM.exec(item);
    if (!m) return null;
    causes.push({ field: m[1]!, message: m[2]! });
  }
  return causes;
}
