import type { Directory } from "./directory.js";
import { bearer, readText, sendError, sendJson, type Exchange } from "./http.js";

/**
 * `id.twitch.tv/oauth2`: `GET /validate` (§3.5) and `POST /token` with
 * `grant_type=refresh_token` (§3.6). Token parameters are read from the query string and from a
 * form body alike (twurple sends them in the query).
 */
export async function handleOAuth(directory: Directory, exchange: Exchange): Promise<void> {
  const route = `${exchange.req.method ?? "GET"} ${exchange.url.pathname.replace(/\/$/, "")}`;
  if (route === "GET /oauth2/validate") return validate(directory, exchange);
  if (route === "POST /oauth2/token") return token(directory, exchange);
  return sendError(exchange, 404, "Not Found");
}

function validate(directory: Directory, exchange: Exchange): void {
  const token = bearer(exchange.req, true);
  if (token === undefined) {
    return sendJson(exchange, 401, { status: 401, message: "missing authorization token" });
  }
  const grant = directory.check(token);
  if (grant === undefined) {
    return sendJson(exchange, 401, { status: 401, message: "invalid access token" });
  }
  const user = grant.userId === null ? undefined : directory.user(grant.userId);
  sendJson(exchange, 200, {
    client_id: grant.clientId,
    login: user?.login ?? null,
    scopes: grant.scopes,
    user_id: user?.id ?? null,
    expires_in: Math.max(0, Math.floor((grant.expiresAt - Date.now()) / 1000)),
  });
}

async function token(directory: Directory, exchange: Exchange): Promise<void> {
  const params = new URLSearchParams(exchange.url.search);
  const contentType = exchange.req.headers["content-type"] ?? "";
  const body = await readText(exchange.req);
  if (/application\/x-www-form-urlencoded/i.test(contentType)) {
    for (const [key, value] of new URLSearchParams(body)) params.set(key, value);
  }
  const grantType = params.get("grant_type");
  if (grantType !== "refresh_token") {
    return sendError(exchange, 400, "unsupported grant_type; the simulator refreshes only");
  }
  const refreshToken = params.get("refresh_token");
  const clientId = params.get("client_id");
  if (refreshToken === null || clientId === null) {
    return sendError(exchange, 400, "missing refresh_token or client_id");
  }
  const result = directory.refresh(
    refreshToken,
    clientId,
    params.get("client_secret") ?? undefined,
  );
  if (!result.ok) return sendError(exchange, 400, result.message);
  const { grant } = result;
  sendJson(exchange, 200, {
    access_token: grant.accessToken,
    refresh_token: grant.refreshToken,
    expires_in: Math.floor((grant.expiresAt - Date.now()) / 1000),
    scope: grant.scopes,
    token_type: "bearer",
  });
}
