/**
 * Orgo's Python SDK builds two kinds of address from one `base_api_url`: its `ApiClient` appends
 * `/computers/…` (so the base is `http://host:port/api`, as the README says), while its
 * `AnthropicProvider` (`computer.prompt(…, provider="anthropic")`) appends `/api/computers/…`,
 * written for Orgo's cloud where the two bases differ. Against one host the provider's calls
 * arrive as `/api/api/computers/…`: they are served as `/api/computers/…`, and the screenshot
 * route knows from the doubled prefix that this client reads `image` as a link to fetch.
 */
import type { FastifyRequest } from 'fastify';
import { originForm } from './edge.js';

const DOUBLED = '/api/api/computers/';

/** The address a request is routed by (run in Fastify's rewriteUrl, after originForm). */
export function undoubled(url: string): string {
  return url.startsWith(DOUBLED) ? url.slice('/api'.length) : url;
}

/** Whether the request came through the provider's doubled prefix. */
export function viaDoubledPrefix(req: FastifyRequest): boolean {
  return originForm(req.originalUrl).startsWith(DOUBLED);
}
