/**
 * The model's routes in the one order every HAProxy file uses. The model arrives sorted, but the
 * renderers sort again so their output never depends on how a caller built the model. Which
 * route a Host or SNI reaches is decided by the maps (render-maps.ts, render-frontends.ts).
 */
import type { EdgeModel, RouteModel } from '../stacks/model.js';

/** Plain code-unit order, so output never depends on the machine's locale. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Routes sorted by host (lower-cased, as HAProxy matches them). */
export function sortedRoutes(model: EdgeModel): RouteModel[] {
  return [...model.routes].sort((a, b) => compare(a.host.toLowerCase(), b.host.toLowerCase()));
}
